package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// signed returns a PutEvents request signed by aws-sdk-go-v2's signer
// with key id AKIAVIGILTEST0000001 and secret, at t.
func signed(t *testing.T, body, secret string, at time.Time, edit func(*http.Request)) *http.Request {
	t.Helper()
	r := httptest.NewRequest("POST", "http://127.0.0.1:8080/?x=1&a=b%20c", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	r.Header.Set("X-Amz-Target", "AWSEvents.PutEvents")
	r.Header.Set("X-Custom", "  two   spaces ")
	if edit != nil {
		edit(r)
	}
	sum := sha256.Sum256([]byte(body))
	err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKIAVIGILTEST0000001", SecretAccessKey: secret},
		r, hex.EncodeToString(sum[:]), "events", "ap-northeast-1", at)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSigV4Verify(t *testing.T) {
	t.Parallel()
	keys := map[string]string{"AKIAVIGILTEST0000001": "s3cret"}
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	body := `{"Entries":[{"Source":"app","DetailType":"x","Detail":"{}"}]}`
	for _, c := range []struct {
		name     string
		req      *http.Request
		at       time.Time
		wantType string
	}{
		{name: "valid", req: signed(t, body, "s3cret", now, nil), at: now},
		{name: "valid within the skew", req: signed(t, body, "s3cret", now.Add(-4*time.Minute), nil), at: now},
		{name: "wrong secret", req: signed(t, body, "other", now, nil), at: now, wantType: "InvalidSignatureException"},
		{name: "expired", req: signed(t, body, "s3cret", now.Add(-6*time.Minute), nil), at: now, wantType: "InvalidSignatureException"},
		{name: "from the future", req: signed(t, body, "s3cret", now.Add(6*time.Minute), nil), at: now, wantType: "InvalidSignatureException"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := verifySigV4(c.req, keys, c.at)
			switch {
			case c.wantType == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.wantType != "" && (err == nil || err.Type != c.wantType):
				t.Fatalf("got %v, want %s", err, c.wantType)
			}
			if err == nil {
				// The body is still there for the handler.
				var b bytes.Buffer
				b.ReadFrom(c.req.Body)
				if b.String() != body {
					t.Errorf("body after verification: %q", b.String())
				}
			}
		})
	}

	// A request changed after it was signed is refused: body, a signed
	// header, the query.
	for name, tamper := range map[string]func(*http.Request){
		"body":   func(r *http.Request) { r.Body = http.NoBody },
		"header": func(r *http.Request) { r.Header.Set("X-Amz-Target", "AWSEvents.PutRule") },
		"query":  func(r *http.Request) { r.URL.RawQuery = "x=2" },
		"host":   func(r *http.Request) { r.Host = "evil.example" },
	} {
		r := signed(t, body, "s3cret", now, nil)
		tamper(r)
		if err := verifySigV4(r, keys, now); err == nil || err.Type != "InvalidSignatureException" {
			t.Errorf("tampered %s: got %v, want InvalidSignatureException", name, err)
		}
	}
	r := signed(t, body, "s3cret", now, nil)
	if err := verifySigV4(r, map[string]string{"AKIAOTHER00000000001": "s3cret"}, now); err == nil || err.Type != "UnrecognizedClientException" || !strings.Contains(err.Message, "server.access_keys") {
		t.Errorf("unknown key: %v", err)
	}
	r = signed(t, body, "s3cret", now, nil)
	r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/events/", "/sqs/", 1))
	if err := verifySigV4(r, keys, now); err == nil || !strings.Contains(err.Message, "service") {
		t.Errorf("other service: %v", err)
	}
	r = signed(t, body, "s3cret", now, nil)
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAVIGILTEST0000001/20261203/ap-northeast-1/events/aws4_request")
	if err := verifySigV4(r, keys, now); err == nil || err.Type != "IncompleteSignatureException" {
		t.Errorf("incomplete: %v", err)
	}
}
