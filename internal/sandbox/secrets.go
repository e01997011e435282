package sandbox

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

func secretsService() *service {
	return &service{name: "secretsmanager", title: "AWS Secrets Manager", protocol: protoJSON11,
		target: "secretsmanager", targetProto: protoJSON11, ops: map[string]handler{
			"CreateSecret":                 smCreateSecret,
			"GetSecretValue":               smGetSecretValue,
			"BatchGetSecretValue":          smBatchGetSecretValue,
			"PutSecretValue":               smPutSecretValue,
			"UpdateSecret":                 smUpdateSecret,
			"DescribeSecret":               smDescribeSecret,
			"ListSecrets":                  smListSecrets,
			"ListSecretVersionIds":         smListSecretVersionIds,
			"UpdateSecretVersionStage":     smUpdateSecretVersionStage,
			"DeleteSecret":                 smDeleteSecret,
			"RestoreSecret":                smRestoreSecret,
			"TagResource":                  smTagResource,
			"UntagResource":                smUntagResource,
			"ReplicateSecretToRegions":     smReplicateSecretToRegions,
			"RemoveRegionsFromReplication": smRemoveRegionsFromReplication,
			"GetRandomPassword":            smGetRandomPassword,
			"RotateSecret":                 smRotateSecret,
			"GetResourcePolicy":            smGetResourcePolicy,
			"PutResourcePolicy":            smPutResourcePolicy,
			"DeleteResourcePolicy":         smDeleteResourcePolicy,
			"ValidateResourcePolicy":       smValidateResourcePolicy,
			"CancelRotateSecret":           smRotateSecret,
			"StopReplicationToReplica":     smStopReplicationToReplica,
		}}
}

var secretName = regexp.MustCompile(`^[A-Za-z0-9/_+=.@-]{1,512}$`)

func errNoSecret() error {
	return apiErr(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
}

func smInvalidParam(format string, args ...any) error {
	return apiErr(400, "InvalidParameterException", format, args...)
}

func smInvalidRequest(format string, args ...any) error {
	return apiErr(400, "InvalidRequestException", format, args...)
}

// secret finds a secret by name, full ARN or partial ARN (the ARN
// without its six random characters).
func (r *Region) secret(id string) *Secret {
	if id == "" {
		return nil
	}
	for _, s := range r.Secrets {
		if s.Name == id || s.ARN == id {
			return s
		}
	}
	for _, s := range r.Secrets {
		if i := strings.LastIndex(s.ARN, "-"); i > 0 && s.ARN[:i] == id {
			return s
		}
	}
	return nil
}

// liveSecret finds a secret that is not scheduled for deletion; the
// caller holds mu.
func (rq *request) liveSecret(r *Region, id string) (*Secret, error) {
	s := r.secret(id)
	if s == nil {
		return nil, errNoSecret()
	}
	if !s.Deleted.IsZero() {
		return nil, smInvalidRequest("You can't perform this operation on the secret because it was marked for deletion.")
	}
	return s, nil
}

// secretsRegion locks the sandbox and returns the caller's region, after
// removing the secrets whose recovery window has passed.
func (rq *request) secretsRegion() *Region {
	r := rq.lockRegion()
	now := time.Now()
	r.Secrets = slices.DeleteFunc(r.Secrets, func(s *Secret) bool { return !s.Deleted.IsZero() && !s.Deleted.After(now) })
	return r
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
	Name                        string
	SecretId                    string
	Description                 *string
	KmsKeyId                    *string
	SecretString                *string
	SecretBinary                []byte
	ClientRequestToken          string
	VersionId                   string
	VersionStage                string
	VersionStages               []string
	Tags                        []struct{ Key, Value string }
	AddReplicaRegions           []struct{ Region, KmsKeyId string }
	ForceOverwriteReplicaSecret bool
}

func checkTags(tags []struct{ Key, Value string }) error {
	for _, t := range tags {
		if t.Key == "" || len(t.Key) > 128 || len(t.Value) > 256 {
			return smInvalidParam("Invalid tag key or value: %q", t.Key)
		}
		if strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
			return smInvalidParam("Invalid tag key: tags starting with aws: are reserved.")
		}
	}
	if len(tags) > 50 {
		return apiErr(400, "ValidationException", "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50")
	}
	return nil
}

func secretARN(region, acct, name, suffix string) string {
	return regionalARN(region, "secretsmanager", acct, "secret:"+name+"-"+suffix)
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
		return smInvalidParam("You can't specify both a binary secret value and a string secret value in the same secret.")
	}
	if err := checkTags(in.Tags); err != nil {
		return err
	}
	if len(in.ClientRequestToken) > 0 && (len(in.ClientRequestToken) < 32 || len(in.ClientRequestToken) > 64) {
		return apiErr(400, "ValidationException", "ClientRequestToken must be 32-64 characters long.")
	}
	r := rq.secretsRegion()
	defer rq.unlock()
	if old := r.secret(in.Name); old != nil {
		if !old.Deleted.IsZero() {
			return smInvalidRequest("You can't create this secret because a secret with this name is already scheduled for deletion.")
		}
		return apiErr(400, "ResourceExistsException", "The operation failed because the secret %s already exists.", in.Name)
	}
	for _, rep := range in.AddReplicaRegions {
		if !regionRe.MatchString(rep.Region) || rep.Region == rq.region {
			return smInvalidParam("Invalid replica region %q.", rep.Region)
		}
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	s := &Secret{Name: in.Name, Created: now, LastChanged: now, ARN: secretARN(rq.region, rq.account, in.Name, rq.sb.st.randID(6, alnum))}
	if in.Description != nil {
		s.Description = *in.Description
	}
	if in.KmsKeyId != nil {
		s.KMSKeyID = *in.KmsKeyId
	}
	for _, t := range in.Tags {
		if s.Tags == nil {
			s.Tags = map[string]string{}
		}
		s.Tags[t.Key] = t.Value
	}
	for _, rep := range in.AddReplicaRegions {
		s.Replicas = append(s.Replicas, &SecretReplica{Region: rep.Region, KMSKeyID: rep.KmsKeyId})
	}
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
	if len(s.Replicas) > 0 {
		out["ReplicationStatus"] = replicationStatus(s)
	}
	r.Secrets = append(r.Secrets, s)
	rq.writeOut(out)
	return nil
}

func replicationStatus(s *Secret) []map[string]any {
	out := []map[string]any{}
	for _, rep := range s.Replicas {
		m := map[string]any{"Region": rep.Region, "Status": "InSync", "StatusMessage": "Replication succeeded"}
		if rep.KMSKeyID != "" {
			m["KmsKeyId"] = rep.KMSKeyID
		}
		out = append(out, m)
	}
	return out
}

func newVersion(rq *request, in secretIn) *SecretVersion {
	id := in.ClientRequestToken
	if id == "" {
		id = rq.sb.st.uuid()
	}
	v := &SecretVersion{ID: id, Binary: in.SecretBinary, Created: time.Now().UTC().Truncate(time.Millisecond)}
	if in.SecretString != nil {
		v.String = *in.SecretString
	}
	return v
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func smDescribeSecret(rq *request) error {
	var in secretIn
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	r := rq.secretsRegion()
	defer rq.unlock()
	s := r.secret(in.SecretId)
	if s == nil {
		return errNoSecret()
	}
	out := secretSummary(rq.region, s)
	out["VersionIdsToStages"] = versionStages(s)
	rq.writeOut(out)
	return nil
}

func versionStages(s *Secret) map[string][]string {
	versions := map[string][]string{}
	for _, v := range s.Versions {
		if len(v.Stages) > 0 {
			versions[v.ID] = v.Stages
		}
	}
	return versions
}

// secretSummary is what DescribeSecret and ListSecrets say of a secret.
func secretSummary(region string, s *Secret) map[string]any {
	out := map[string]any{"ARN": s.ARN, "Name": s.Name, "CreatedDate": epochSeconds(s.Created),
		"LastChangedDate": epochSeconds(orTime(s.LastChanged, s.Created)), "RotationEnabled": false}
	if s.Description != "" {
		out["Description"] = s.Description
	}
	if s.KMSKeyID != "" {
		out["KmsKeyId"] = s.KMSKeyID
	}
	if len(s.Tags) > 0 {
		var tags []map[string]string
		for _, k := range sortedKeys(s.Tags) {
			tags = append(tags, map[string]string{"Key": k, "Value": s.Tags[k]})
		}
		out["Tags"] = tags
	}
	if !s.LastAccessed.IsZero() {
		out["LastAccessedDate"] = epochSeconds(s.LastAccessed)
	}
	if !s.Deleted.IsZero() {
		out["DeletedDate"] = epochSeconds(s.Deleted)
	}
	if len(s.Replicas) > 0 {
		out["PrimaryRegion"] = region
		out["ReplicationStatus"] = replicationStatus(s)
	}
	return out
}

func orTime(t, def time.Time) time.Time {
	if t.IsZero() {
		return def
	}
	return t
}

func smListSecretVersionIds(rq *request) error {
	var in struct {
		SecretId          string
		IncludeDeprecated bool
	}
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	r := rq.secretsRegion()
	defer rq.unlock()
	s := r.secret(in.SecretId)
	if s == nil {
		return errNoSecret()
	}
	list := []map[string]any{}
	for _, v := range s.Versions {
		if len(v.Stages) == 0 && !in.IncludeDeprecated {
			continue
		}
		list = append(list, map[string]any{"VersionId": v.ID, "VersionStages": v.Stages, "CreatedDate": epochSeconds(v.Created)})
	}
	rq.writeOut(map[string]any{"ARN": s.ARN, "Name": s.Name, "Versions": list})
	return nil
}

func smTagResource(rq *request) error {
	var in secretIn
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	if err := checkTags(in.Tags); err != nil {
		return err
	}
	r := rq.secretsRegion()
	defer rq.unlock()
	s, err := rq.liveSecret(r, in.SecretId)
	if err != nil {
		return err
	}
	for _, t := range in.Tags {
		if s.Tags == nil {
			s.Tags = map[string]string{}
		}
		s.Tags[t.Key] = t.Value
	}
	rq.writeOut(struct{}{})
	return nil
}

func smUntagResource(rq *request) error {
	var in struct {
		SecretId string
		TagKeys  []string
	}
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	r := rq.secretsRegion()
	defer rq.unlock()
	s, err := rq.liveSecret(r, in.SecretId)
	if err != nil {
		return err
	}
	for _, k := range in.TagKeys {
		delete(s.Tags, k)
	}
	if len(s.Tags) == 0 {
		s.Tags = nil
	}
	rq.writeOut(struct{}{})
	return nil
}

func smRotateSecret(rq *request) error {
	return apiErr(400, "InvalidRequestException", "The sandbox does not rotate secrets (rotation runs a Lambda function, which it does not simulate); put a new value with PutSecretValue instead.")
}
