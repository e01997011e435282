package webhook

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestVerify(t *testing.T) {
	t.Parallel()
	key, body := []byte("k"), []byte(`{"a":1}`)
	now := time.Now()
	ts := strconv.FormatInt(now.Unix(), 10)
	sig := Sign(key, now, body)
	// The documented HMAC (docs/notify.md), computed for one input with
	// Python's hmac module.
	if got := Sign([]byte("key"), time.Unix(1764057600, 0), []byte("body")); got != "sha256=d084a2bb6f4b2c63cbfb33f1e812bccadd67265f91ca4c7df4d114d6007ed01c" {
		t.Errorf("Sign = %s", got)
	}
	if err := Verify(key, ts, sig, body, time.Minute); err != nil {
		t.Errorf("a fresh signed request: %v", err)
	}
	old := strconv.FormatInt(now.Add(-2*time.Minute).Unix(), 10)
	for name, c := range map[string][4]string{
		"other body":   {ts, sig, `{"a":2}`, "does not match"},
		"other key":    {ts, Sign([]byte("x"), now, body), string(body), "does not match"},
		"replayed":     {old, Sign(key, now.Add(-2*time.Minute), body), string(body), "more than 1m0s away"},
		"bad time":     {"yesterday", sig, string(body), "not a Unix time"},
		"no signature": {ts, "", string(body), "does not match"},
	} {
		err := Verify(key, c[0], c[1], []byte(c[2]), time.Minute)
		if err == nil || !strings.Contains(err.Error(), c[3]) {
			t.Errorf("%s: %v, want an error with %q", name, err, c[3])
		}
	}
}
