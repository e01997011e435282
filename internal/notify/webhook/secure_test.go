package webhook

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/lang"
	"github.com/vigilhq/vigil/internal/notify"
)

func TestSignedRequestVerifies(t *testing.T) {
	t.Setenv("VIGIL_TEST_WEBHOOK_KEY", "k3y")
	var verr error
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ = io.ReadAll(r.Body)
		verr = Verify([]byte("k3y"), r.Header.Get(TimestampHeader), r.Header.Get(SignatureHeader), body, 5*time.Minute)
	}))
	defer srv.Close()
	n := &Notifier{URL: srv.URL, SigningKey: "env:VIGIL_TEST_WEBHOOK_KEY"}
	if _, err := n.Notify(context.Background(), Message{ID: "d", Body: []byte(`{"x":"日本語"}`)}); err != nil {
		t.Fatal(err)
	}
	if verr != nil {
		t.Errorf("receiver could not verify: %v", verr)
	}
	now := time.Now()
	sig := Sign([]byte("k3y"), now, body)
	for name, err := range map[string]error{
		"other key":     Verify([]byte("other"), unix(now), sig, body, time.Minute),
		"changed body":  Verify([]byte("k3y"), unix(now), sig, append(body, ' '), time.Minute),
		"replayed late": Verify([]byte("k3y"), unix(now.Add(-time.Hour)), Sign([]byte("k3y"), now.Add(-time.Hour), body), body, time.Minute),
	} {
		if err == nil {
			t.Errorf("%s: verified", name)
		}
	}
	if err := Verify([]byte("k3y"), unix(now), sig, body, time.Minute); err != nil {
		t.Errorf("good signature: %v", err)
	}
	// A missing key is reported by reference, without a request.
	n.SigningKey = "env:VIGIL_TEST_WEBHOOK_UNSET"
	if retry, err := n.Notify(context.Background(), Message{Body: []byte(`{}`)}); err == nil || !retry || !strings.Contains(err.Error(), "VIGIL_TEST_WEBHOOK_UNSET") {
		t.Errorf("missing key: retry=%v err=%v", retry, err)
	}
}

func unix(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

func TestLinkLocalAndMetadataRefused(t *testing.T) {
	for _, u := range []string{"http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/", "http://169.254.170.2/v2/credentials", "http://[fe80::1]:8080/"} {
		n := &Notifier{URL: u}
		retry, err := n.Notify(context.Background(), Message{Body: []byte(`{}`)})
		if !errors.Is(err, ErrBlockedAddress) || retry {
			t.Errorf("%s: retry=%v err=%v", u, retry, err)
		}
	}
}

func TestTLSVerifiedByDefault(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	n := &Notifier{URL: srv.URL}
	retry, err := n.Notify(context.Background(), Message{Body: []byte(`{}`)})
	var cv *tls.CertificateVerificationError
	if err == nil || retry || !errors.As(err, &cv) {
		t.Errorf("self-signed: retry=%v err=%v", retry, err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	n = &Notifier{URL: srv.URL, TLSConfig: &tls.Config{RootCAs: pool}}
	if _, err := n.Notify(context.Background(), Message{Body: []byte(`{}`)}); err != nil {
		t.Errorf("trusted CA: %v", err)
	}
}

func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	defer srv.Close()
	defer close(release)
	n := &Notifier{URL: srv.URL, Timeout: 100 * time.Millisecond}
	if retry, err := n.Notify(context.Background(), Message{Body: []byte(`{}`)}); err == nil || !retry {
		t.Errorf("timeout: retry=%v err=%v", retry, err)
	}
}

func TestJSONAdapter(t *testing.T) {
	var got Document
	var hdr http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr = r.Header
		json.NewDecoder(r.Body).Decode(&got)
	}))
	defer srv.Close()
	var nf notify.Notifier = JSON{&Notifier{URL: srv.URL}}
	m := notify.Message{ID: "rep-1", Thread: "inc", Lang: lang.JA, Subject: "🚨 本番 環境で 2 件の違反を検出しました", Text: "新規 2 件",
		Mentions:    []notify.Mention{{Who: "U0ALICE", Text: "2 件"}},
		Attachments: []notify.Attachment{notify.Bytes("a.csv", "text/csv", []byte("x,y\n"))}}
	if _, err := nf.Notify(WithAttempt(context.Background(), 3), m); err != nil {
		t.Fatal(err)
	}
	if got.Subject != m.Subject || got.Text != m.Text || got.Thread != "inc" || len(got.Mentions) != 1 || string(got.Attachments[0].Content) != "x,y\n" {
		t.Errorf("document %+v", got)
	}
	if hdr.Get("X-Vigil-Delivery") != "rep-1" || hdr.Get("X-Vigil-Attempt") != "3" {
		t.Errorf("headers %v", hdr)
	}
}
