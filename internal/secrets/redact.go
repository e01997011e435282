package secrets

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"slices"
	"sort"
	"strings"
)

// minRedacted is the shortest value Redact replaces: shorter ones (a PIN,
// "true") would turn ordinary words into [REDACTED].
const minRedacted = 6

// Redacted is what Redact writes in place of a secret.
const Redacted = "[REDACTED]"

func (rs *Resolver) remember(v string) {
	if len(v) < minRedacted {
		return
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.values[v] {
		return
	}
	if rs.values == nil {
		rs.values = map[string]bool{}
	}
	rs.values[v] = true
	// A new slice: Redact reads the old one without the lock.
	forms := appendForms(slices.Clone(rs.forms), v)
	// Longest first, so a value that contains another is replaced whole.
	sort.SliceStable(forms, func(i, j int) bool { return len(forms[i]) > len(forms[j]) })
	rs.forms = forms
}

// appendForms adds the ways v is written where a peer or a log may show
// it: as is, base64 (standard, URL, with and without padding, as in an
// Authorization: Basic header or SMTP AUTH), JSON-escaped and
// URL-escaped.
func appendForms(forms []string, v string) []string {
	b := []byte(v)
	j, _ := json.Marshal(v)
	for _, f := range []string{
		v,
		base64.StdEncoding.EncodeToString(b),
		base64.RawStdEncoding.EncodeToString(b),
		base64.URLEncoding.EncodeToString(b),
		base64.RawURLEncoding.EncodeToString(b),
		string(j[1 : len(j)-1]),
		url.QueryEscape(v),
		url.PathEscape(v),
	} {
		if len(f) >= minRedacted && !slices.Contains(forms, f) {
			forms = append(forms, f)
		}
	}
	return forms
}

// Remember makes Redact take v out of text too: for secrets that did not
// come through Resolve (a value built from one, such as an SMTP AUTH PLAIN
// string, is covered by its parts' base64 forms only when written alone).
func (rs *Resolver) Remember(v string) { rs.remember(v) }

// Redact returns s with every secret value the resolver handed out (or was
// told to Remember), and its base64, JSON- and URL-escaped forms, replaced
// by [REDACTED]. A nil Resolver returns s.
func (rs *Resolver) Redact(s string) string {
	if rs == nil || s == "" {
		return s
	}
	rs.mu.Lock()
	forms := rs.forms
	rs.mu.Unlock()
	for _, f := range forms {
		if strings.Contains(s, f) {
			s = strings.ReplaceAll(s, f, Redacted)
		}
	}
	return s
}

// RedactError returns err with its message redacted, or err itself when
// the message holds no secret. The redacted error still unwraps to err,
// so errors.Is and errors.As keep classifying it; only its text changes.
func (rs *Resolver) RedactError(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if red := rs.Redact(msg); red != msg {
		return &redactedError{msg: red, err: err}
	}
	return err
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
