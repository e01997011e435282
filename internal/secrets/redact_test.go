package secrets_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"github.com/vigilhq/vigil/internal/secrets"
)

// Escaped and base64 forms of a value are redacted, and errors keep
// unwrapping to what they were.
func TestRedactForms(t *testing.T) {
	const v = "https://hooks.example/T0/B0/sEcReT&x=<1>"
	rs := &secrets.Resolver{Env: func(string) (string, bool) { return v, true }}
	if _, err := rs.Resolve(ctx, "env:X"); err != nil {
		t.Fatal(err)
	}
	for _, form := range []string{
		v,
		base64.StdEncoding.EncodeToString([]byte(v)),
		base64.RawURLEncoding.EncodeToString([]byte(v)),
		`https://hooks.example/T0/B0/sEcReT\u0026x=\u003c1\u003e`,
		url.QueryEscape(v),
	} {
		if got := rs.Redact("before " + form + " after"); got != "before [REDACTED] after" {
			t.Errorf("%s: %q", form, got)
		}
	}
	base := io.ErrUnexpectedEOF
	err := rs.RedactError(errors.Join(errors.New("peer said "+v), base))
	if strings.Contains(err.Error(), "sEcReT") || !errors.Is(err, base) {
		t.Errorf("RedactError: %v (is %v)", err, errors.Is(err, base))
	}
	if plain := errors.New("nothing secret"); rs.RedactError(plain) != plain {
		t.Error("an error without a secret should come back as it was")
	}
}

// The log handler takes secrets out of messages, strings, errors, lists,
// groups and other values.
func TestHandlerRedacts(t *testing.T) {
	rs := &secrets.Resolver{Env: func(string) (string, bool) { return "canary-9f8e7d", true }}
	var buf bytes.Buffer
	log := slog.New(rs.Handler(slog.NewJSONHandler(&buf, nil)))
	log.Info("before any secret is known: canary-9f8e7d") // not yet resolved
	if !strings.Contains(buf.String(), "canary-9f8e7d") {
		t.Fatal("nothing should be redacted before the value is handed out")
	}
	buf.Reset()
	if _, err := rs.Resolve(ctx, "env:X"); err != nil {
		t.Fatal(err)
	}
	log.With("bound", "x canary-9f8e7d").WithGroup("g").Warn("msg canary-9f8e7d",
		"s", "canary-9f8e7d", "err", errors.New("echo: canary-9f8e7d"), "list", []string{"canary-9f8e7d"},
		slog.Group("inner", "k", "canary-9f8e7d"), "map", map[string]string{"k": "canary-9f8e7d"},
		"b64", base64.StdEncoding.EncodeToString([]byte("canary-9f8e7d")))
	if strings.Contains(buf.String(), "canary-9f8e7d") || strings.Contains(buf.String(), base64.StdEncoding.EncodeToString([]byte("canary-9f8e7d"))) {
		t.Errorf("leaked: %s", buf.String())
	}
	if strings.Count(buf.String(), secrets.Redacted) != 8 {
		t.Errorf("want 8 redactions: %s", buf.String())
	}
}
