package audit

import (
	"bytes"
	"encoding/json"
	"strings"
)

// Redacted replaces a secret value in the audit log.
const Redacted = "***"

// secretWords are the parts of a field name that mark its value secret
// (compared case-insensitively, without '_' and '-'): AWS's
// SecretAccessKey and SessionToken, passwords, API keys, signing keys,
// authorization headers.
var secretWords = []string{"password", "secret", "sessiontoken", "credential", "privatekey", "apikey", "authorization", "signingkey", "accesstoken", "bottoken"}

// Redact returns v as JSON with the value of every field whose name marks
// it secret replaced by "***", at any depth. A json.RawMessage or []byte
// holding JSON is redacted the same way; nil gives {}.
func Redact(v any) (json.RawMessage, error) {
	var raw []byte
	switch x := v.(type) {
	case nil:
		return json.RawMessage(`{}`), nil
	case json.RawMessage:
		raw = x
	case []byte:
		raw = x
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		raw = b
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return json.RawMessage(`{}`), nil
	}
	var doc any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	out, err := json.Marshal(redactValue(doc))
	if err != nil {
		return nil, err
	}
	return out, nil
}

func redactValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if secretName(k) && e != nil {
				x[k] = Redacted
				continue
			}
			x[k] = redactValue(e)
		}
	case []any:
		for i := range x {
			x[i] = redactValue(x[i])
		}
	}
	return v
}

func secretName(k string) bool {
	n := strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(k))
	for _, w := range secretWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}
