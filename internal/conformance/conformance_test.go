package conformance_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/jobs"
	"github.com/vigilhq/vigil/internal/pipeline"
	"github.com/vigilhq/vigil/internal/secrets"
)

// canaries are the secret values of one run: random, so that finding one
// anywhere can only mean it leaked.
type canaries map[string]string // environment variable -> value

func newCanaries() canaries {
	c := canaries{}
	for _, name := range []string{"TOKEN", "KEY", "PASSWORD", "SIGNING", "HOOKPATH"} {
		var b [8]byte
		rand.Read(b[:])
		c["VIGIL_CANARY_"+name] = "canary-" + strings.ToLower(name) + "-" + hex.EncodeToString(b[:])
	}
	return c
}

// forms are the ways a value may be written where it leaks.
func forms(v string) []string {
	b := []byte(v)
	return []string{v, base64.StdEncoding.EncodeToString(b), base64.RawStdEncoding.EncodeToString(b), base64.URLEncoding.EncodeToString(b)}
}

// leaks returns the canary forms found in b.
func (c canaries) leaks(b []byte) []string {
	var out []string
	for _, v := range c {
		for _, f := range forms(v) {
			if bytes.Contains(b, []byte(f)) {
				out = append(out, f)
			}
		}
	}
	return out
}

// plainLeak is the one canary form any echo of a request shows: the value
// itself, or for SMTP the base64 AUTH PLAIN string.
func (c canaries) seenIn(b []byte) bool {
	for _, v := range c {
		if bytes.Contains(b, []byte(v)) {
			return true
		}
	}
	return false
}

// echo is a peer that answers every request with the whole request (its
// headers and body) in its answer, as a careless or hostile server would.
type echo struct {
	srv *httptest.Server
	// answer decides the status and wraps the dump (Slack wants JSON).
	answer func(dump []byte) (status int, contentType string, body []byte)
	mu     sync.Mutex
	seen   bytes.Buffer
}

func newEcho(t *testing.T, answer func(dump []byte) (int, string, []byte)) *echo {
	e := &echo{answer: answer}
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dump, _ := httputil.DumpRequest(r, true)
		e.mu.Lock()
		e.seen.Write(dump)
		e.mu.Unlock()
		status, ct, body := e.answer(dump)
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(status)
		w.Write(body)
	}))
	t.Cleanup(e.srv.Close)
	return e
}

func (e *echo) requests() []byte {
	e.mu.Lock()
	defer e.mu.Unlock()
	return bytes.Clone(e.seen.Bytes())
}

func plain(status int) func([]byte) (int, string, []byte) {
	return func(dump []byte) (int, string, []byte) { return status, "text/plain", dump }
}

// slackAPI answers as Slack's Web API does, with the dump in the error.
func slackAPI(status int, code string) func([]byte) (int, string, []byte) {
	return func(dump []byte) (int, string, []byte) {
		if status != 200 {
			return status, "text/plain", dump
		}
		b := fmt.Appendf(nil, `{"ok":false,"error":%q}`, code+" "+string(dump))
		return 200, "application/json", b
	}
}

// smtpEcho is an SMTP server whose AUTH answer quotes the password and the
// AUTH PLAIN string it received.
type smtpEcho struct {
	addr string
	code int
	mu   sync.Mutex
	seen bytes.Buffer
}

type smtpSession struct{ s *smtpEcho }

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		auth := base64.StdEncoding.EncodeToString([]byte(identity + "\x00" + username + "\x00" + password))
		s.s.mu.Lock()
		fmt.Fprintf(&s.s.seen, "%s %s %s\n", username, password, auth)
		s.s.mu.Unlock()
		enh := smtp.EnhancedCode{5, 7, 8}
		if s.s.code < 500 {
			enh = smtp.EnhancedCode{4, 7, 0}
		}
		return &smtp.SMTPError{Code: s.s.code, EnhancedCode: enh, Message: "no: " + password + " " + auth}
	}), nil
}
func (s *smtpSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *smtpSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *smtpSession) Data(io.Reader) error                 { return nil }
func (s *smtpSession) Reset()                               {}
func (s *smtpSession) Logout() error                        { return nil }

func startSMTP(t *testing.T, code int, cert tls.Certificate) *smtpEcho {
	se := &smtpEcho{code: code}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &smtpSession{s: se}, nil }))
	srv.Domain = "localhost"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	se.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return se
}

func (s *smtpEcho) requests() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.seen.Bytes())
}

// testCA makes a certificate for 127.0.0.1 and writes it where the system
// roots are read from (SSL_CERT_FILE), so the SMTP notifier verifies the
// test server as it would a real one.
func testCA(t *testing.T) tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "vigil conformance"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: nil}
}

// lockedBuffer collects log lines from concurrent workers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) bytes() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return bytes.Clone(l.b.Bytes())
}

// peerCase is one channel or target against one kind of failure.
type peerCase struct {
	name string
	// config is the notifiers: and the rule's targets: of the file; PEER
	// is replaced by the peer's URL, SMTP by its host:port.
	notifiers, targets string
	// top is more top-level configuration (explain:, reports:).
	top string
	// status the peer answers with, and whether a retry can help.
	permanent bool
	http      func([]byte) (int, string, []byte)
	smtpCode  int
	// noSecret: the request carries no secret of vigil's (AWS's own
	// credentials sign it): only the classification is checked.
	noSecret bool
	aws      bool
}

func cases() []peerCase {
	var cs []peerCase
	for _, perm := range []bool{true, false} {
		status := map[bool]int{true: 400, false: 503}[perm]
		kind := map[bool]string{true: "permanent", false: "transient"}[perm]
		smtpCode := map[bool]int{true: 535, false: 454}[perm]
		slackCode := map[bool]string{true: "channel_not_found", false: "internal_error"}[perm]
		cs = append(cs,
			peerCase{name: "webhook target/" + kind, permanent: perm, http: plain(status), targets: `
      - {id: t, type: webhook, url: "PEER/hook", signing_key: env:VIGIL_CANARY_SIGNING,
         headers: {Authorization: env:VIGIL_CANARY_BEARER, X-Api-Key: env:VIGIL_CANARY_KEY}}`},
			peerCase{name: "forward target url/" + kind, permanent: perm, http: plain(status), targets: `
      - {id: t, type: forward, url: "PEER/events", api_key: env:VIGIL_CANARY_KEY}`},
			peerCase{name: "forward target sqs/" + kind, permanent: perm, http: plain(status), noSecret: true, aws: true, targets: `
      - {id: t, type: forward, queue_url: "PEER/123456789012/q"}`},
			peerCase{name: "forward target sns/" + kind, permanent: perm, http: plain(status), noSecret: true, aws: true, targets: `
      - {id: t, type: forward, topic_arn: "arn:aws:sns:us-east-1:123456789012:t"}`},
			peerCase{name: "webhook channel/" + kind, permanent: perm, http: plain(status), notifiers: `
  - name: n
    webhook: {url: "PEER/n", signing_key: env:VIGIL_CANARY_SIGNING, headers: {Authorization: env:VIGIL_CANARY_BEARER}}`,
				targets: `
      - {id: t, type: notify, notifier: n}`},
			peerCase{name: "slack channel token/" + kind, permanent: perm, http: slackAPI(map[bool]int{true: 200, false: 503}[perm], slackCode), notifiers: `
  - name: n
    slack: {token: env:VIGIL_CANARY_TOKEN, channel: C0SECOPS, api_url: "PEER/api/"}`,
				targets: `
      - {id: t, type: notify, notifier: n}`},
			peerCase{name: "slack channel webhook_url/" + kind, permanent: perm, http: plain(map[bool]int{true: 404, false: 500}[perm]), notifiers: `
  - name: n
    slack: {webhook_url: env:VIGIL_CANARY_HOOKURL}`,
				targets: `
      - {id: t, type: notify, notifier: n}`},
			peerCase{name: "email channel/" + kind, permanent: perm, smtpCode: smtpCode, notifiers: `
  - name: n
    email: {smtp: "SMTP", username: vigil, password: env:VIGIL_CANARY_PASSWORD, from: "vigil@example.com", to: ["ops@example.com"]}`,
				targets: `
      - {id: t, type: notify, notifier: n}`},
			peerCase{name: "sns channel/" + kind, permanent: perm, http: plain(status), noSecret: true, aws: true, notifiers: `
  - name: n
    sns: {topic_arn: "arn:aws:sns:us-east-1:123456789012:t"}`,
				targets: `
      - {id: t, type: notify, notifier: n}`},
			peerCase{name: "summarize target with an LLM/" + kind, permanent: perm,
				http: plain(map[bool]int{true: 401, false: 503}[perm]), top: `
explain: {engine: openai, base_url: "PEER/v1", model: m, api_key: env:VIGIL_CANARY_KEY, strict: true, docs: off}`,
				targets: `
      - {id: t, type: summarize}`},
		)
	}
	// The report target reads Security Hub (signed by AWS's credentials)
	// before its notifiers send anything. A refusal is permanent; a
	// transient failure is retried, within the job, by the scanner's own
	// backoff of seconds, so only the permanent case runs here.
	cs = append(cs, peerCase{name: "report target/permanent", permanent: true, http: plain(400), noSecret: true, aws: true,
		notifiers: `
  - name: n
    webhook: {url: "PEER/n", headers: {Authorization: env:VIGIL_CANARY_BEARER}}`,
		top: `
reports: [{name: violations, notify: [n]}]`,
		targets: `
      - {id: t, type: report, report: violations}`})
	return cs
}

// Every channel and target: no canary in any error, log line, dead letter
// or byte of the database (the SQLite file, its WAL and shared memory), and
// failures classified as the peer's answer says.
func TestNoSecretLeaksAndRetryClassification(t *testing.T) {
	cert := testCA(t)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o600)
	// The SMTP notifier verifies certificates against the system roots,
	// which Go reads from SSL_CERT_FILE once, at the first verification:
	// nothing in this test binary verifies a certificate before this.
	t.Setenv("SSL_CERT_FILE", caFile)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDCONFORMANCE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "conformance-secret")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_CA_BUNDLE", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	var table []string
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			cn := newCanaries()
			cn["VIGIL_CANARY_BEARER"] = "Bearer " + cn["VIGIL_CANARY_TOKEN"]
			var peerURL, smtpAddr string
			var seen func() []byte
			if c.smtpCode != 0 {
				se := startSMTP(t, c.smtpCode, cert)
				smtpAddr, seen = se.addr, se.requests
			} else {
				e := newEcho(t, c.http)
				peerURL, seen = e.srv.URL, e.requests
			}
			cn["VIGIL_CANARY_HOOKURL"] = peerURL + "/services/T0/B0/" + cn["VIGIL_CANARY_HOOKPATH"]
			r := run(t, c, cn, peerURL, smtpAddr)
			dl, logs, db := r.dl, r.logs, r.db
			wantAttempts := 2
			if c.permanent {
				wantAttempts = 1
			}
			if dl.Attempts != wantAttempts {
				t.Errorf("classification: %d attempts, want %d (%s)", dl.Attempts, wantAttempts, dl.LastError)
			}
			if !c.noSecret && !cn.seenIn(seen()) {
				t.Fatalf("the peer never saw a canary: the case tests nothing\n%s", seen())
			}
			var leaks []string
			where := map[string][]byte{"dead letter": []byte(dl.LastError), "job errors": r.jobErrors, "logs": logs.bytes()}
			for _, suffix := range []string{"", "-wal", "-shm"} {
				b, _ := os.ReadFile(db + suffix)
				where["file vigil.db"+suffix] = b
			}
			for name, b := range where {
				for _, l := range cn.leaks(b) {
					leaks = append(leaks, name+": "+l)
				}
			}
			if len(leaks) > 0 {
				t.Errorf("canaries leaked: %v\ndead letter: %s", leaks, dl.LastError)
			}
			table = append(table, fmt.Sprintf("%-40s attempts %d, leaks %d: %.160s", c.name, dl.Attempts, len(leaks), dl.LastError))
		})
	}
	t.Logf("\n%s", strings.Join(table, "\n"))
}

// result is what one run of a case left behind.
type result struct {
	dl        *jobs.DeadLetter
	logs      *lockedBuffer
	db        string
	jobErrors []byte
}

// run builds the pipeline of case c against the peer, sends one event and
// waits for its dead letter.
func run(t *testing.T, c peerCase, cn canaries, peerURL, smtpAddr string) result {
	t.Helper()
	env := func(name string) (string, bool) { v, ok := cn[name]; return v, ok }
	dir := t.TempDir()
	db := filepath.Join(dir, "vigil.db")
	text := fmt.Sprintf(`
database: sqlite://%s
jobs: {workers: 4, poll_interval: 10ms, timeout: 5s, rescue_after: 10s}
%s
notifiers: %s
rules:
  - name: r
    event_pattern: {"source": ["my.app"]}
    targets: %s
`, db, c.top, orEmpty(c.notifiers), c.targets)
	text = strings.ReplaceAll(text, "PEER", peerURL)
	text = strings.ReplaceAll(text, "SMTP", smtpAddr)
	// Every target retries at most once, quickly.
	text = strings.ReplaceAll(text, "type: ", "retry: {max_attempts: 2, min_backoff: 10ms, max_backoff: 20ms}, type: ")
	cfg, err := config.Parse("vigil.yaml", []byte(text))
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	logs := &lockedBuffer{}
	deps := pipeline.Deps{
		Logger:  slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Secrets: &secrets.Resolver{Env: env},
	}
	if c.aws {
		deps.AWS = awsx.NewProvider(awsx.ProviderOptions{Options: awsx.Options{Endpoint: peerURL, MaxAttempts: 1}})
	}
	ctx := context.Background()
	p, err := pipeline.New(ctx, cfg, deps)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	res := p.Accept(ctx, "test", [][]byte{[]byte(`{"id":"e-1","source":"my.app","detail-type":"Test","detail":{"n":1}}`)})
	if res[0].Err != nil {
		t.Fatal(res[0].Err)
	}
	var dls []*jobs.DeadLetter
	deadline := time.Now().Add(30 * time.Second)
	for len(dls) == 0 && time.Now().Before(deadline) {
		dls, _ = jobs.ListDeadLetters(ctx, p.Store().Q(), jobs.DeadLetterFilter{})
		time.Sleep(20 * time.Millisecond)
	}
	var jobErrors []byte
	p.Store().Q().QueryRow(ctx, `SELECT COALESCE(CAST(errors AS TEXT), '') FROM river_job`).Scan(&jobErrors)
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	p.Stop(sctx)
	cancel()
	if len(dls) != 1 {
		t.Fatalf("want one dead letter, got %d; logs:\n%s", len(dls), logs.bytes())
	}
	return result{dl: dls[0], logs: logs, db: db, jobErrors: jobErrors}
}

func orEmpty(s string) string {
	if s == "" {
		return "[]"
	}
	return s
}

// Issue 13 item 6: every destination vigil dials itself goes through the
// network guard. Pointed at a cloud metadata address (written plainly, in
// decimal, or as IPv4-mapped IPv6), each is refused without a connection
// and dead-lettered at once; the summarize target retries whatever its
// model's error, as model failures go.
func TestEveryDestinationGuarded(t *testing.T) {
	t.Setenv("AWS_REGION", "us-east-1")
	hosts := []string{"169.254.169.254", "2852039166", "[::ffff:169.254.169.254]"}
	refused := 0
	for i, c := range cases() {
		if c.aws || !c.permanent {
			continue // AWS's endpoints are the SDK's; one pass per destination
		}
		host := hosts[i%len(hosts)]
		t.Run(c.name, func(t *testing.T) {
			cn := newCanaries()
			cn["VIGIL_CANARY_BEARER"] = "Bearer " + cn["VIGIL_CANARY_TOKEN"]
			peer := "http://" + host
			cn["VIGIL_CANARY_HOOKURL"] = peer + "/services/T0/B0/" + cn["VIGIL_CANARY_HOOKPATH"]
			r := run(t, c, cn, peer, host+":25")
			want := 1
			if r.dl.Attempts != want || !strings.Contains(r.dl.LastError, "refusing to connect to") {
				t.Errorf("%d attempts, want %d: %s", r.dl.Attempts, want, r.dl.LastError)
				return
			}
			refused++
		})
	}
	t.Logf("%d destinations refused a metadata address", refused)
}
