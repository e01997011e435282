package sandbox

import (
	"slices"
	"strings"
	"time"
	"unicode"
)

func smGetSecretValue(rq *request) error {
	var in secretIn
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	r := rq.secretsRegion()
	defer rq.unlock()
	s, err := rq.liveSecret(r, in.SecretId)
	if err != nil {
		return err
	}
	out, err := secretValue(s, in.VersionId, in.VersionStage)
	if err != nil {
		return err
	}
	s.LastAccessed = time.Now().UTC().Truncate(24 * time.Hour)
	rq.writeOut(out)
	return nil
}

// secretValue is the value of a version, by id or stage (AWSCURRENT).
func secretValue(s *Secret, versionID, stage string) (map[string]any, error) {
	var v *SecretVersion
	switch {
	case versionID != "":
		for _, x := range s.Versions {
			if x.ID == versionID {
				v = x
			}
		}
		if v != nil && stage != "" && !slices.Contains(v.Stages, stage) {
			return nil, smInvalidRequest("You provided a VersionStage that is not associated to the provided VersionId.")
		}
	case stage != "":
		v = s.stage(stage)
	default:
		v = s.stage("AWSCURRENT")
	}
	if v == nil {
		return nil, apiErr(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret value for staging label: %s", orDefault(stage, "AWSCURRENT"))
	}
	out := map[string]any{"ARN": s.ARN, "Name": s.Name, "VersionId": v.ID, "VersionStages": v.Stages, "CreatedDate": epochSeconds(v.Created)}
	if v.Binary != nil {
		out["SecretBinary"] = v.Binary
	} else {
		out["SecretString"] = v.String
	}
	return out, nil
}

func smBatchGetSecretValue(rq *request) error {
	var in struct {
		SecretIdList []string
		Filters      []secretFilter
		MaxResults   *int
	}
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	if len(in.SecretIdList) > 0 && len(in.Filters) > 0 {
		return smInvalidParam("Either 'SecretIdList' or 'Filters' must be provided, but not both")
	}
	if len(in.SecretIdList) == 0 && len(in.Filters) == 0 {
		return smInvalidParam("Either 'SecretIdList' or 'Filters' must be provided")
	}
	r := rq.secretsRegion()
	defer rq.unlock()
	values, errs := []map[string]any{}, []map[string]any{}
	ids := in.SecretIdList
	if len(in.Filters) > 0 {
		match, err := filterSecrets(r.Secrets, in.Filters, false)
		if err != nil {
			return err
		}
		for _, s := range match {
			ids = append(ids, s.ARN)
		}
	}
	for _, id := range ids {
		s, err := rq.liveSecret(r, id)
		var v map[string]any
		if err == nil {
			v, err = secretValue(s, "", "")
		}
		if err != nil {
			e := err.(*apiError)
			errs = append(errs, map[string]any{"SecretId": id, "ErrorCode": e.code, "Message": e.msg})
			continue
		}
		values = append(values, v)
	}
	rq.writeOut(map[string]any{"SecretValues": values, "Errors": errs})
	return nil
}

// moveStage puts a staging label on v, taking it off the version that
// had it; moving AWSCURRENT also moves AWSPREVIOUS to the version that
// was current.
func moveStage(s *Secret, stage string, v *SecretVersion) {
	old := s.stage(stage)
	if old == v {
		return
	}
	if old != nil {
		old.Stages = slices.DeleteFunc(old.Stages, func(x string) bool { return x == stage })
	}
	if stage == "AWSCURRENT" && old != nil {
		if prev := s.stage("AWSPREVIOUS"); prev != nil {
			prev.Stages = slices.DeleteFunc(prev.Stages, func(x string) bool { return x == "AWSPREVIOUS" })
		}
		old.Stages = append(old.Stages, "AWSPREVIOUS")
		v.Stages = slices.DeleteFunc(v.Stages, func(x string) bool { return x == "AWSPREVIOUS" })
	}
	v.Stages = append(v.Stages, stage)
	if stage == "AWSCURRENT" && v.Binary == nil {
		s.Value = v.String
	}
}

func smPutSecretValue(rq *request) error {
	var in secretIn
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	if in.SecretString == nil && in.SecretBinary == nil {
		return smInvalidRequest("You must provide either SecretString or SecretBinary.")
	}
	if in.SecretString != nil && in.SecretBinary != nil {
		return smInvalidParam("You can't specify both a binary secret value and a string secret value in the same secret.")
	}
	r := rq.secretsRegion()
	defer rq.unlock()
	s, err := rq.liveSecret(r, in.SecretId)
	if err != nil {
		return err
	}
	if v, done, err := putVersion(rq, s, in); done || err != nil {
		if err == nil {
			rq.writeOut(map[string]any{"ARN": s.ARN, "Name": s.Name, "VersionId": v.ID, "VersionStages": v.Stages})
		}
		return err
	}
	v := s.Versions[len(s.Versions)-1]
	rq.writeOut(map[string]any{"ARN": s.ARN, "Name": s.Name, "VersionId": v.ID, "VersionStages": v.Stages})
	return nil
}

// putVersion adds a version with the input's value, staged as asked
// (AWSCURRENT by default, and always for a secret's first value). done is
// true when the token names an existing version with the same value (an
// idempotent retry), which is returned.
func putVersion(rq *request, s *Secret, in secretIn) (*SecretVersion, bool, error) {
	for _, old := range s.Versions {
		if in.ClientRequestToken != "" && old.ID == in.ClientRequestToken {
			same := in.SecretString != nil && old.String == *in.SecretString || in.SecretBinary != nil && string(old.Binary) == string(in.SecretBinary)
			if !same {
				return nil, false, apiErr(400, "ResourceExistsException", "You can't modify an existing version, you can only create a new version.")
			}
			return old, true, nil
		}
	}
	stages := slices.Clone(in.VersionStages)
	if len(stages) == 0 || s.stage("AWSCURRENT") == nil && !slices.Contains(stages, "AWSCURRENT") {
		stages = append(stages, "AWSCURRENT")
	}
	v := newVersion(rq, in)
	s.Versions = append(s.Versions, v)
	for _, st := range slices.Compact(stages) {
		moveStage(s, st, v)
	}
	// Versions without labels are deprecated; keep the 100 newest.
	if len(s.Versions) > 100 {
		s.Versions = slices.DeleteFunc(s.Versions, func(x *SecretVersion) bool { return len(x.Stages) == 0 && x != v })
	}
	s.LastChanged = time.Now().UTC().Truncate(time.Millisecond)
	return v, false, nil
}

func smUpdateSecret(rq *request) error {
	var in secretIn
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	if in.SecretString != nil && in.SecretBinary != nil {
		return smInvalidParam("You can't specify both a binary secret value and a string secret value in the same secret.")
	}
	r := rq.secretsRegion()
	defer rq.unlock()
	s, err := rq.liveSecret(r, in.SecretId)
	if err != nil {
		return err
	}
	if in.Description != nil {
		s.Description = *in.Description
	}
	if in.KmsKeyId != nil {
		s.KMSKeyID = *in.KmsKeyId
	}
	s.LastChanged = time.Now().UTC().Truncate(time.Millisecond)
	out := map[string]any{"ARN": s.ARN, "Name": s.Name}
	if in.SecretString != nil || in.SecretBinary != nil {
		in.VersionStages = nil
		v, _, err := putVersion(rq, s, in)
		if err != nil {
			return err
		}
		out["VersionId"] = v.ID
	}
	rq.writeOut(out)
	return nil
}

func smUpdateSecretVersionStage(rq *request) error {
	var in struct {
		SecretId, VersionStage, RemoveFromVersionId, MoveToVersionId string
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
	holder := s.stage(in.VersionStage)
	if holder != nil && in.RemoveFromVersionId != holder.ID && in.MoveToVersionId != holder.ID {
		return smInvalidParam("The staging label %s is currently attached to version %s, so you must explicitly reference that version in RemoveFromVersionId.", in.VersionStage, holder.ID)
	}
	if in.MoveToVersionId != "" {
		i := slices.IndexFunc(s.Versions, func(v *SecretVersion) bool { return v.ID == in.MoveToVersionId })
		if i < 0 {
			return smInvalidParam("Version %s does not exist.", in.MoveToVersionId)
		}
		moveStage(s, in.VersionStage, s.Versions[i])
	} else if holder != nil {
		if in.VersionStage == "AWSCURRENT" {
			return smInvalidParam("You can only move staging label AWSCURRENT to a different secret version. It can’t be completely removed.")
		}
		holder.Stages = slices.DeleteFunc(holder.Stages, func(x string) bool { return x == in.VersionStage })
	}
	rq.writeOut(map[string]any{"ARN": s.ARN, "Name": s.Name})
	return nil
}

func smDeleteSecret(rq *request) error {
	var in struct {
		SecretId                   string
		RecoveryWindowInDays       *int64
		ForceDeleteWithoutRecovery bool
	}
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	if in.RecoveryWindowInDays != nil && in.ForceDeleteWithoutRecovery {
		return smInvalidParam("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.")
	}
	days := int64(30)
	if in.RecoveryWindowInDays != nil {
		days = *in.RecoveryWindowInDays
		if days < 7 || days > 30 {
			return smInvalidParam("An error occurred (InvalidParameterException) when calling the DeleteSecret operation: The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).")
		}
	}
	r := rq.secretsRegion()
	defer rq.unlock()
	s := r.secret(in.SecretId)
	if s == nil {
		if in.ForceDeleteWithoutRecovery {
			// AWS answers a forced delete of a missing secret with the id.
			rq.writeOut(map[string]any{"ARN": in.SecretId, "Name": in.SecretId, "DeletionDate": epochSeconds(time.Now())})
			return nil
		}
		return errNoSecret()
	}
	if len(s.Replicas) > 0 {
		return smInvalidRequest("You can't delete secret %s that still has replica regions %s; remove them first.", s.Name, s.Replicas[0].Region)
	}
	if !s.Deleted.IsZero() && !in.ForceDeleteWithoutRecovery {
		return smInvalidRequest("You can't perform this operation on the secret because it was already scheduled for deletion.")
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	if in.ForceDeleteWithoutRecovery {
		r.Secrets = slices.DeleteFunc(r.Secrets, func(x *Secret) bool { return x == s })
		rq.writeOut(map[string]any{"ARN": s.ARN, "Name": s.Name, "DeletionDate": epochSeconds(now)})
		return nil
	}
	s.Deleted = now.Add(time.Duration(days) * 24 * time.Hour)
	rq.writeOut(map[string]any{"ARN": s.ARN, "Name": s.Name, "DeletionDate": epochSeconds(s.Deleted)})
	return nil
}

func smRestoreSecret(rq *request) error {
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
	s.Deleted = time.Time{}
	rq.writeOut(map[string]any{"ARN": s.ARN, "Name": s.Name})
	return nil
}

func smReplicateSecretToRegions(rq *request) error {
	var in secretIn
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	r := rq.secretsRegion()
	defer rq.unlock()
	s, err := rq.liveSecret(r, in.SecretId)
	if err != nil {
		return err
	}
	for _, rep := range in.AddReplicaRegions {
		if !regionRe.MatchString(rep.Region) || rep.Region == rq.region {
			return smInvalidParam("Invalid replica region %q.", rep.Region)
		}
		if !slices.ContainsFunc(s.Replicas, func(x *SecretReplica) bool { return x.Region == rep.Region }) {
			s.Replicas = append(s.Replicas, &SecretReplica{Region: rep.Region, KMSKeyID: rep.KmsKeyId})
		}
	}
	rq.writeOut(map[string]any{"ARN": s.ARN, "ReplicationStatus": replicationStatus(s)})
	return nil
}

func smRemoveRegionsFromReplication(rq *request) error {
	var in struct {
		SecretId             string
		RemoveReplicaRegions []string
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
	s.Replicas = slices.DeleteFunc(s.Replicas, func(x *SecretReplica) bool { return slices.Contains(in.RemoveReplicaRegions, x.Region) })
	if len(s.Replicas) == 0 {
		s.Replicas = nil
	}
	rq.writeOut(map[string]any{"ARN": s.ARN, "ReplicationStatus": replicationStatus(s)})
	return nil
}

func smStopReplicationToReplica(rq *request) error {
	return smInvalidRequest("The sandbox keeps replicas with their primary secret; remove the region with RemoveRegionsFromReplication instead.")
}

// secretFilter is one ListSecrets filter.
type secretFilter struct {
	Key    string
	Values []string
}

var secretFilterKeys = []string{"all", "name", "tag-key", "description", "tag-value", "primary-region", "owning-service"}

// filterSecrets applies ListSecrets' filters: the filters are ANDed, a
// filter's values ORed, "!" negates a value. name, tag-key and tag-value
// match a prefix, case-sensitively; description and all match the value's
// words as prefixes of the field's words, ignoring case.
func filterSecrets(list []*Secret, filters []secretFilter, includeDeleted bool) ([]*Secret, error) {
	for i, f := range filters {
		if f.Key == "" {
			return nil, smInvalidParam("Invalid filter key")
		}
		if !slices.Contains(secretFilterKeys, f.Key) {
			return nil, apiErr(400, "ValidationException", "1 validation error detected: Value '%s' at 'filters.%d.member.key' failed to satisfy constraint: Member must satisfy enum value set: [all, name, tag-key, description, tag-value]", f.Key, i+1)
		}
		if len(f.Values) == 0 {
			return nil, smInvalidParam("Invalid filter values for key: %s", f.Key)
		}
	}
	var out []*Secret
	for _, s := range list {
		if !s.Deleted.IsZero() && !includeDeleted {
			continue
		}
		ok := true
		for _, f := range filters {
			ok = ok && matchSecretFilter(s, f)
		}
		if ok {
			out = append(out, s)
		}
	}
	return out, nil
}

func matchSecretFilter(s *Secret, f secretFilter) bool {
	var fields []string
	words := false
	switch f.Key {
	case "name":
		fields = []string{s.Name}
	case "description":
		fields, words = []string{s.Description}, true
	case "tag-key":
		fields = sortedKeys(s.Tags)
	case "tag-value":
		for _, k := range sortedKeys(s.Tags) {
			fields = append(fields, s.Tags[k])
		}
	case "all":
		fields, words = append([]string{s.Name, s.Description}, sortedKeys(s.Tags)...), true
		for _, k := range sortedKeys(s.Tags) {
			fields = append(fields, s.Tags[k])
		}
	case "primary-region":
		return false
	case "owning-service":
		return false
	}
	match := func(v, field string) bool {
		if !words {
			return strings.HasPrefix(field, v)
		}
		have := splitWords(strings.ToLower(field))
		want := splitWords(strings.ToLower(v))
		if len(want) == 0 {
			return false
		}
		for _, w := range want {
			if !slices.ContainsFunc(have, func(h string) bool { return strings.HasPrefix(h, w) }) {
				return false
			}
		}
		return true
	}
	positive, hasPositive := false, false
	for _, v := range f.Values {
		if neg, ok := strings.CutPrefix(v, "!"); ok {
			if !slices.ContainsFunc(fields, func(x string) bool { return match(neg, x) }) {
				return true
			}
			continue
		}
		hasPositive = true
		positive = positive || slices.ContainsFunc(fields, func(x string) bool { return match(v, x) })
	}
	return hasPositive && positive
}

// splitWords splits a field at spaces, punctuation and lower-to-upper
// case changes.
func splitWords(s string) []string {
	var out []string
	cur := []rune{}
	flush := func() {
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	for _, c := range s {
		if !unicode.IsLetter(c) && !unicode.IsDigit(c) {
			flush()
			continue
		}
		cur = append(cur, c)
	}
	flush()
	return out
}

func smListSecrets(rq *request) error {
	var in struct {
		Filters                []secretFilter
		IncludePlannedDeletion bool
		MaxResults             *int
		NextToken              string
		SortOrder              string
	}
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	max := 100
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 100 {
			return apiErr(400, "ValidationException", "1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100", *in.MaxResults)
		}
		max = *in.MaxResults
	}
	r := rq.secretsRegion()
	defer rq.unlock()
	list, err := filterSecrets(r.Secrets, in.Filters, in.IncludePlannedDeletion)
	if err != nil {
		return err
	}
	if in.SortOrder == "desc" {
		slices.Reverse(list)
	}
	start := 0
	if in.NextToken != "" {
		i := slices.IndexFunc(list, func(s *Secret) bool { return s.ARN == in.NextToken })
		if i < 0 {
			return smInvalidParam("Invalid NextToken")
		}
		start = i
	}
	end := min(len(list), start+max)
	out := []map[string]any{}
	for _, s := range list[start:end] {
		m := secretSummary(rq.region, s)
		m["SecretVersionsToStages"] = versionStages(s)
		out = append(out, m)
	}
	res := map[string]any{"SecretList": out}
	if end < len(list) {
		res["NextToken"] = list[end].ARN
	}
	rq.writeOut(res)
	return nil
}

// passwordChars are GetRandomPassword's character classes.
const (
	pwLower = "abcdefghijklmnopqrstuvwxyz"
	pwUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	pwDigit = "0123456789"
	pwPunct = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
)

func smGetRandomPassword(rq *request) error {
	var in struct {
		PasswordLength                                                                       *int
		ExcludeCharacters                                                                    string
		ExcludeNumbers, ExcludePunctuation, ExcludeUppercase, ExcludeLowercase, IncludeSpace bool
		RequireEachIncludedType                                                              *bool
	}
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	n := 32
	if in.PasswordLength != nil {
		n = *in.PasswordLength
	}
	if n < 1 || n > 4096 {
		return smInvalidParam("ClientError: An error occurred (ValidationException) when calling the GetRandomPassword operation: 1 validation error detected: Value '%d' at 'passwordLength' failed to satisfy constraint: Member must have value less than or equal to 4096", n)
	}
	var classes []string
	for _, c := range []struct {
		set  string
		skip bool
	}{{pwLower, in.ExcludeLowercase}, {pwUpper, in.ExcludeUppercase}, {pwDigit, in.ExcludeNumbers}, {pwPunct, in.ExcludePunctuation}, {" ", !in.IncludeSpace}} {
		if c.skip {
			continue
		}
		set := strings.Map(func(r rune) rune {
			if strings.ContainsRune(in.ExcludeCharacters, r) {
				return -1
			}
			return r
		}, c.set)
		if set != "" {
			classes = append(classes, set)
		}
	}
	if len(classes) == 0 {
		return smInvalidParam("No characters remain to make a password from.")
	}
	each := in.RequireEachIncludedType == nil || *in.RequireEachIncludedType
	if each && n < len(classes) {
		return smInvalidParam("InvalidParameterException: The password length is too short to include every required character type.")
	}
	rq.sb.mu.Lock()
	rnd := rq.sb.rnd
	pw := make([]byte, 0, n)
	all := strings.Join(classes, "")
	if each {
		for _, c := range classes {
			pw = append(pw, c[rnd.IntN(len(c))])
		}
	}
	for len(pw) < n {
		pw = append(pw, all[rnd.IntN(len(all))])
	}
	rnd.Shuffle(len(pw), func(i, j int) { pw[i], pw[j] = pw[j], pw[i] })
	rq.sb.mu.Unlock()
	rq.writeOut(map[string]any{"RandomPassword": string(pw)})
	return nil
}
