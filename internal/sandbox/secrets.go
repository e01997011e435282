package sandbox

import (
	"fmt"
	"regexp"
	"slices"
	"time"
)

var secretsOps = map[string]handler{
	"CreateSecret":   smCreateSecret,
	"GetSecretValue": smGetSecretValue,
	"PutSecretValue": smPutSecretValue,
	"DescribeSecret": smDescribeSecret,
	"ListSecrets":    smListSecrets,
}

var secretName = regexp.MustCompile(`^[A-Za-z0-9/_+=.@-]{1,512}$`)

func errNoSecret() error {
	return apiErr(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
}

func (r *Region) secret(id string) *Secret {
	for _, s := range r.Secrets {
		if s.Name == id || s.ARN == id {
			return s
		}
	}
	return nil
}

func (s *Secret) stage(stage string) *SecretVersion {
	for _, v := range s.Versions {
		if slices.Contains(v.Stages, stage) {
			return v
		}
	}
	return nil
}

type secretIn struct {
	Name               string
	SecretId           string
	Description        string
	SecretString       *string
	SecretBinary       []byte
	ClientRequestToken string
	VersionId          string
	VersionStage       string
	VersionStages      []string
}

func smCreateSecret(rq *request) error {
	var in secretIn
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	if !secretName.MatchString(in.Name) {
		return apiErr(400, "ValidationException", "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!")
	}
	if in.SecretString != nil && in.SecretBinary != nil {
		return apiErr(400, "InvalidParameterException", "You can't specify both a binary secret value and a string secret value in the same secret.")
	}
	r := rq.lockRegion()
	defer rq.unlock()
	if r.secret(in.Name) != nil {
		return apiErr(400, "ResourceExistsException", "The operation failed because the secret %s already exists.", in.Name)
	}
	now := time.Now().UTC()
	s := &Secret{Name: in.Name, Description: in.Description, Created: now,
		ARN: fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s-%s", rq.region, rq.account, in.Name, rq.sb.st.randID(6, alnum))}
	out := map[string]any{"ARN": s.ARN, "Name": s.Name}
	if in.SecretString != nil || in.SecretBinary != nil {
		v := newVersion(rq, in)
		v.Stages = []string{"AWSCURRENT"}
		s.Versions = append(s.Versions, v)
		if in.SecretString != nil {
			s.Value = *in.SecretString
		}
		out["VersionId"] = v.ID
	}
	r.Secrets = append(r.Secrets, s)
	rq.writeOut(out)
	return nil
}

func newVersion(rq *request, in secretIn) *SecretVersion {
	id := in.ClientRequestToken
	if id == "" {
		id = rq.sb.st.uuid()
	}
	v := &SecretVersion{ID: id, Binary: in.SecretBinary, Created: time.Now().UTC()}
	if in.SecretString != nil {
		v.String = *in.SecretString
	}
	return v
}

func smGetSecretValue(rq *request) error {
	var in secretIn
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	r := rq.lockRegion()
	defer rq.unlock()
	s := r.secret(in.SecretId)
	if s == nil {
		return errNoSecret()
	}
	var v *SecretVersion
	switch {
	case in.VersionId != "":
		for _, x := range s.Versions {
			if x.ID == in.VersionId {
				v = x
			}
		}
		if v != nil && in.VersionStage != "" && !slices.Contains(v.Stages, in.VersionStage) {
			return apiErr(400, "InvalidRequestException", "You provided a VersionStage that is not associated to the provided VersionId.")
		}
	case in.VersionStage != "":
		v = s.stage(in.VersionStage)
	default:
		v = s.stage("AWSCURRENT")
	}
	if v == nil {
		return apiErr(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret value for staging label: %s", orDefault(in.VersionStage, "AWSCURRENT"))
	}
	out := map[string]any{"ARN": s.ARN, "Name": s.Name, "VersionId": v.ID, "VersionStages": v.Stages, "CreatedDate": epochSeconds(v.Created)}
	if v.Binary != nil {
		out["SecretBinary"] = v.Binary
	} else {
		out["SecretString"] = v.String
	}
	rq.writeOut(out)
	return nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func smPutSecretValue(rq *request) error {
	var in secretIn
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	if in.SecretString == nil && in.SecretBinary == nil {
		return apiErr(400, "InvalidRequestException", "You must provide either SecretString or SecretBinary.")
	}
	stages := in.VersionStages
	if len(stages) == 0 {
		stages = []string{"AWSCURRENT"}
	}
	r := rq.lockRegion()
	defer rq.unlock()
	s := r.secret(in.SecretId)
	if s == nil {
		return errNoSecret()
	}
	// The same ClientRequestToken with the same value is an idempotent retry.
	for _, old := range s.Versions {
		if in.ClientRequestToken != "" && old.ID == in.ClientRequestToken {
			same := in.SecretString != nil && old.String == *in.SecretString || in.SecretBinary != nil && string(old.Binary) == string(in.SecretBinary)
			if !same {
				return apiErr(400, "ResourceExistsException", "You can't modify an existing version, you can only create a new version.")
			}
			rq.writeOut(map[string]any{"ARN": s.ARN, "Name": s.Name, "VersionId": old.ID, "VersionStages": old.Stages})
			return nil
		}
	}
	v := newVersion(rq, in)
	v.Stages = slices.Clone(stages)
	if slices.Contains(stages, "AWSCURRENT") {
		for _, old := range s.Versions {
			old.Stages = slices.DeleteFunc(old.Stages, func(st string) bool { return st == "AWSPREVIOUS" })
			if i := slices.Index(old.Stages, "AWSCURRENT"); i >= 0 {
				old.Stages[i] = "AWSPREVIOUS"
			}
		}
		if in.SecretString != nil {
			s.Value = *in.SecretString
		}
	}
	for _, old := range s.Versions {
		old.Stages = slices.DeleteFunc(old.Stages, func(st string) bool { return st != "AWSCURRENT" && st != "AWSPREVIOUS" && slices.Contains(stages, st) })
	}
	s.Versions = append(s.Versions, v)
	rq.writeOut(map[string]any{"ARN": s.ARN, "Name": s.Name, "VersionId": v.ID, "VersionStages": v.Stages})
	return nil
}

func smDescribeSecret(rq *request) error {
	var in secretIn
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	r := rq.lockRegion()
	defer rq.unlock()
	s := r.secret(in.SecretId)
	if s == nil {
		return errNoSecret()
	}
	versions := map[string][]string{}
	for _, v := range s.Versions {
		if len(v.Stages) > 0 {
			versions[v.ID] = v.Stages
		}
	}
	out := map[string]any{"ARN": s.ARN, "Name": s.Name, "CreatedDate": epochSeconds(s.Created), "VersionIdsToStages": versions}
	if s.Description != "" {
		out["Description"] = s.Description
	}
	rq.writeOut(out)
	return nil
}

func smListSecrets(rq *request) error {
	r := rq.lockRegion()
	defer rq.unlock()
	list := []map[string]any{}
	for _, s := range r.Secrets {
		list = append(list, map[string]any{"ARN": s.ARN, "Name": s.Name, "CreatedDate": epochSeconds(s.Created)})
	}
	rq.writeOut(map[string]any{"SecretList": list})
	return nil
}
