package email_test

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
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/lang"
	"github.com/vigilhq/vigil/internal/notify"
	"github.com/vigilhq/vigil/internal/notify/email"
	"github.com/vigilhq/vigil/internal/shareddata"
)

var ctx = context.Background()

// received is one message the test SMTP server accepted.
type received struct {
	From string
	To   []string
	User string
	TLS  bool
	Data []byte
}

// mailServer is a real SMTP server (emersion/go-smtp) on 127.0.0.1 that
// keeps what it receives.
type mailServer struct {
	addr  string
	mu    sync.Mutex
	got   []received
	fail  error // answered to DATA when set
	creds map[string]string
}

type session struct {
	s   *mailServer
	c   *smtp.Conn
	cur received
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if s.s.creds[username] != password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "authentication failed"}
		}
		s.cur.User = username
		return nil
	}), nil
}
func (s *session) Mail(from string, _ *smtp.MailOptions) error { s.cur.From = from; return nil }
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.To = append(s.cur.To, to)
	return nil
}
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.s.mu.Lock()
	defer s.s.mu.Unlock()
	if s.s.fail != nil {
		return s.s.fail
	}
	_, s.cur.TLS = s.c.TLSConnectionState()
	s.cur.Data = b
	s.s.got = append(s.s.got, s.cur)
	return nil
}
func (s *session) Reset()        { s.cur = received{User: s.cur.User} }
func (s *session) Logout() error { return nil }

func (m *mailServer) messages() []received {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]received(nil), m.got...)
}

// certificate makes a self-signed certificate for 127.0.0.1 and a pool
// that trusts it.
func certificate(t *testing.T) (tls.Certificate, *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "vigil test smtp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

func startSMTP(t *testing.T, implicit bool) (*mailServer, *x509.CertPool) {
	cert, pool := certificate(t)
	ms := &mailServer{creds: map[string]string{"vigil": "s3cret-pw"}}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{s: ms, c: c}, nil }))
	srv.Domain = "localhost"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	var ln net.Listener
	var err error
	if implicit {
		ln, err = tls.Listen("tcp", "127.0.0.1:0", srv.TLSConfig)
	} else {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	ms.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ms, pool
}

func explanation(t *testing.T, lang lang.Lang) *explain.Explanation {
	dir := shareddata.Dir(t, "events")
	b, err := os.ReadFile(filepath.Join(dir, "securityhub_findings_imported.fsbp_ec2_7.json"))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := event.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	x, err := explain.Builtin{}.Explain(ctx, ev, explain.Options{Lang: lang})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// parsed is a received message taken apart again.
type parsed struct {
	Header      mail.Header
	Subject     string
	Text, HTML  string
	Attachments map[string][]byte
}

func parse(t *testing.T, raw []byte) parsed {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var dec mime.WordDecoder
	subj, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	p := parsed{Header: msg.Header, Subject: subj, Attachments: map[string][]byte{}}
	var walk func(ctype string, body io.Reader)
	walk = func(ctype string, body io.Reader) {
		_, params, err := mime.ParseMediaType(ctype)
		if err != nil {
			t.Fatal(err)
		}
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextPart() // decodes quoted-printable
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			pt, pp, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
			switch {
			case strings.HasPrefix(pt, "multipart/"):
				walk(part.Header.Get("Content-Type"), part)
			case part.FileName() != "":
				b, _ := io.ReadAll(base64.NewDecoder(base64.StdEncoding, part))
				p.Attachments[part.FileName()] = b
			case pt == "text/plain":
				if pp["charset"] != "UTF-8" {
					t.Errorf("text part charset %q", pp["charset"])
				}
				b, _ := io.ReadAll(part)
				p.Text = string(b)
			case pt == "text/html":
				b, _ := io.ReadAll(part)
				p.HTML = string(b)
			}
		}
	}
	walk(msg.Header.Get("Content-Type"), msg.Body)
	return p
}

func TestStartTLSAuthJapaneseExplanation(t *testing.T) {
	ms, pool := startSMTP(t, false)
	t.Setenv("VIGIL_TEST_SMTP_PASSWORD", "s3cret-pw")
	n := &email.Notifier{
		Addr: ms.addr, Username: "vigil", Password: "env:VIGIL_TEST_SMTP_PASSWORD",
		From: "vigil 監視 <vigil@example.com>", To: []string{"secops@example.com"}, Cc: []string{"audit@example.com"},
		TLSConfig: &tls.Config{RootCAs: pool},
	}
	x := explanation(t, lang.JA)
	m := notify.Message{ID: "evt-1/rule/mail", Thread: "finding-1", Lang: lang.JA, Explanation: x,
		Mentions: []notify.Mention{{Who: "owner@example.com", Text: "EC2.7 のリソース"}, {Who: "U0ALICE", Text: "Slack の人"}}}
	if retry, err := n.Notify(ctx, m); err != nil {
		t.Fatalf("retry=%v err=%v", retry, err)
	}
	got := ms.messages()
	if len(got) != 1 {
		t.Fatalf("server got %d messages", len(got))
	}
	r := got[0]
	if !r.TLS || r.User != "vigil" || r.From != "vigil@example.com" {
		t.Errorf("tls=%v user=%q from=%q", r.TLS, r.User, r.From)
	}
	if strings.Join(r.To, ",") != "secops@example.com,audit@example.com,owner@example.com" {
		t.Errorf("envelope recipients %v", r.To)
	}
	p := parse(t, r.Data)
	if p.Subject != x.Title {
		t.Errorf("subject %q, want %q", p.Subject, x.Title)
	}
	if raw := p.Header.Get("Subject"); !strings.HasPrefix(raw, "=?UTF-8?b?") {
		t.Errorf("subject not RFC 2047 encoded: %q", raw)
	}
	if !strings.Contains(p.Header.Get("Cc"), "owner@example.com") {
		t.Errorf("Cc %q lacks the mentioned owner", p.Header.Get("Cc"))
	}
	from, err := p.Header.AddressList("From")
	if err != nil || from[0].Name != "vigil 監視" {
		t.Errorf("From %v, %v", from, err)
	}
	if p.Header.Get("In-Reply-To") == "" || p.Header.Get("In-Reply-To") != p.Header.Get("References") {
		t.Errorf("thread headers: %q %q", p.Header.Get("In-Reply-To"), p.Header.Get("References"))
	}
	wantText := string(explain.RenderText(x))
	if !strings.HasPrefix(strings.ReplaceAll(p.Text, "\r\n", "\n"), wantText) {
		t.Errorf("text part is not explain's text:\n%s", p.Text)
	}
	if !strings.Contains(p.Text, "担当者:\n") && !strings.Contains(p.Text, "担当者:\r\n") {
		t.Errorf("text part lacks the owners:\n%s", p.Text)
	}
	for _, want := range []string{`<html lang="ja">`, "<h2>" + x.Title + "</h2>", "owner@example.com", x.Sections[0].Title} {
		if !strings.Contains(p.HTML, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
}

func TestImplicitTLSWithAttachment(t *testing.T) {
	ms, pool := startSMTP(t, true)
	n := &email.Notifier{Addr: ms.addr, Security: email.ImplicitTLS, From: "vigil@example.com", To: []string{"a@example.com"}, TLSConfig: &tls.Config{RootCAs: pool}}
	csv := bytes.Repeat([]byte("リソース名,違反事項\n"), 500)
	m := notify.Message{Subject: "🚨 本番 環境で 500 件の違反を検出しました <script>", Text: "新規 500 件",
		Attachments: []notify.Attachment{notify.Bytes("違反一覧.csv", "text/csv; charset=utf-8", csv)}}
	if _, err := n.Notify(ctx, m); err != nil {
		t.Fatal(err)
	}
	got := ms.messages()
	if len(got) != 1 || !got[0].TLS {
		t.Fatalf("got %d messages", len(got))
	}
	p := parse(t, got[0].Data)
	if p.Subject != m.Subject {
		t.Errorf("subject %q", p.Subject)
	}
	if !bytes.Equal(p.Attachments["違反一覧.csv"], csv) {
		t.Errorf("attachment: got %d bytes, names %v", len(p.Attachments["違反一覧.csv"]), keys(p.Attachments))
	}
	if strings.Contains(p.HTML, "<script>") {
		t.Errorf("HTML not escaped")
	}
	for _, line := range strings.Split(string(got[0].Data), "\r\n") {
		if len(line) > 998 {
			t.Fatalf("line of %d bytes exceeds RFC 5322's limit", len(line))
		}
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestErrorsSayWhetherToRetry(t *testing.T) {
	ms, pool := startSMTP(t, false)
	t.Setenv("VIGIL_TEST_SMTP_PASSWORD", "wrong")
	base := email.Notifier{Addr: ms.addr, From: "vigil@example.com", To: []string{"a@example.com"}, TLSConfig: &tls.Config{RootCAs: pool}}

	n := base
	n.Username, n.Password = "vigil", "env:VIGIL_TEST_SMTP_PASSWORD"
	retry, err := n.Notify(ctx, notify.Message{Text: "x"})
	if err == nil || retry || strings.Contains(err.Error(), "wrong") {
		t.Errorf("bad password: retry=%v err=%v", retry, err)
	}

	ms.mu.Lock()
	ms.fail = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}
	ms.mu.Unlock()
	n = base
	if retry, err := n.Notify(ctx, notify.Message{Text: "x"}); err == nil || !retry {
		t.Errorf("451: retry=%v err=%v", retry, err)
	}
	ms.mu.Lock()
	ms.fail = &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "rejected"}
	ms.mu.Unlock()
	if retry, err := n.Notify(ctx, notify.Message{Text: "x"}); err == nil || retry {
		t.Errorf("554: retry=%v err=%v", retry, err)
	}

	// TLS verification is on: a certificate nobody vouched for is refused.
	n = base
	n.TLSConfig = nil
	retry, err = n.Notify(ctx, notify.Message{Text: "x"})
	var cv *tls.CertificateVerificationError
	if err == nil || retry || !errors.As(err, &cv) {
		t.Errorf("untrusted certificate: retry=%v err=%v", retry, err)
	}

	// Nobody listening: retry.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	n = base
	n.Addr = addr
	if retry, err := n.Notify(ctx, notify.Message{Text: "x"}); err == nil || !retry {
		t.Errorf("refused connection: retry=%v err=%v", retry, err)
	}

	for _, bad := range []email.Notifier{
		{Addr: "smtp.example.com", From: "a@example.com", To: []string{"b@example.com"}},
		{Addr: "h:25", From: "not an address", To: []string{"b@example.com"}},
		{Addr: "h:25", From: "a@example.com"},
		{Addr: "h:25", Security: email.Plain, Username: "u", Password: "env:X", From: "a@example.com", To: []string{"b@example.com"}},
		{Addr: "h:25", Username: "u", Password: "hunter2", From: "a@example.com", To: []string{"b@example.com"}},
	} {
		if retry, err := bad.Notify(ctx, notify.Message{Text: "x"}); err == nil || retry || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%+v: retry=%v err=%v", bad, retry, err)
		}
	}
}
