package sandbox

import "encoding/json"

// Secret resource policies are kept and answered as written; like every
// IAM policy in the sandbox, they are not evaluated.

type secretPolicyIn struct {
	SecretId          string
	ResourcePolicy    string
	BlockPublicPolicy bool
}

// checkSecretPolicy refuses what Secrets Manager refuses: a policy that is
// not a JSON policy document, or a public one when BlockPublicPolicy asks.
func checkSecretPolicy(in secretPolicyIn) error {
	var doc struct{ Statement json.RawMessage }
	if in.ResourcePolicy == "" || json.Unmarshal([]byte(in.ResourcePolicy), &doc) != nil || len(doc.Statement) == 0 {
		return apiErr(400, "MalformedPolicyDocumentException", "The policy document is not valid JSON or has no Statement.")
	}
	if in.BlockPublicPolicy && policyIsPublic(in.ResourcePolicy) {
		return apiErr(400, "PublicPolicyException", "BlockPublicPolicy prevents this resource policy from being set: it grants access to anyone (Principal *).")
	}
	return nil
}

func smGetResourcePolicy(rq *request) error {
	var in secretPolicyIn
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	r := rq.secretsRegion()
	defer rq.unlock()
	s := r.secret(in.SecretId)
	if s == nil {
		return errNoSecret()
	}
	out := map[string]any{"ARN": s.ARN, "Name": s.Name}
	if s.ResourcePolicy != "" {
		out["ResourcePolicy"] = s.ResourcePolicy
	}
	rq.writeOut(out)
	return nil
}

func smPutResourcePolicy(rq *request) error {
	var in secretPolicyIn
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	if err := checkSecretPolicy(in); err != nil {
		return err
	}
	r := rq.secretsRegion()
	defer rq.unlock()
	s, err := rq.liveSecret(r, in.SecretId)
	if err != nil {
		return err
	}
	s.ResourcePolicy = in.ResourcePolicy
	rq.writeOut(map[string]any{"ARN": s.ARN, "Name": s.Name})
	return nil
}

func smDeleteResourcePolicy(rq *request) error {
	var in secretPolicyIn
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	r := rq.secretsRegion()
	defer rq.unlock()
	s, err := rq.liveSecret(r, in.SecretId)
	if err != nil {
		return err
	}
	s.ResourcePolicy = ""
	rq.writeOut(map[string]any{"ARN": s.ARN, "Name": s.Name})
	return nil
}

func smValidateResourcePolicy(rq *request) error {
	var in secretPolicyIn
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	if in.SecretId != "" {
		r := rq.secretsRegion()
		s := r.secret(in.SecretId)
		rq.unlock()
		if s == nil {
			return errNoSecret()
		}
	}
	out := map[string]any{"PolicyValidationPassed": true, "ValidationErrors": []any{}}
	if err := checkSecretPolicy(in); err != nil {
		out = map[string]any{"PolicyValidationPassed": false, "ValidationErrors": []map[string]string{{"CheckName": "SYNTAX_CHECK", "ErrorMessage": err.Error()}}}
	}
	rq.writeOut(out)
	return nil
}
