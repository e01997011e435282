// Package email sends notifications over SMTP: STARTTLS (the default) or
// implicit TLS, optional authentication, a multipart/alternative body with a
// plain-text and an HTML part, and attachments. Headers and bodies are
// UTF-8; a Japanese subject is encoded as RFC 2047 encoded-words and
// attachment names per RFC 2231, so every mail client shows them as
// written.
package email

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/netip"
	"net/textproto"
	"os"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/vigilhq/vigil/internal/netguard"
	"github.com/vigilhq/vigil/internal/notify"
	"github.com/vigilhq/vigil/internal/secrets"
)

// Security modes of the connection to the SMTP server.
const (
	// StartTLS connects in clear and upgrades with STARTTLS before
	// anything else; a server that does not offer it is refused. The
	// default, for the submission port 587.
	StartTLS = "starttls"
	// ImplicitTLS speaks TLS from the start (SMTPS, port 465).
	ImplicitTLS = "tls"
	// Plain sends in clear. Only for a relay on the same host or a test
	// server; credentials are never sent this way.
	Plain = "none"
)

// Notifier sends each message as one email.
type Notifier struct {
	// Addr is the SMTP server's host:port, e.g. email-smtp.ap-northeast-1.amazonaws.com:587.
	Addr string
	// Security is StartTLS (the default when empty), ImplicitTLS or Plain.
	Security string
	// Username and Password authenticate with AUTH PLAIN when Username is
	// set. Password is a secret reference.
	Username string
	Password secrets.Ref
	// From is the sender, e.g. "vigil <vigil@example.com>".
	From string
	// To and Cc are the recipients; mentioned people with an email address
	// are added to Cc.
	To, Cc []string
	// TLSConfig is used for the TLS handshake; nil verifies the server's
	// certificate against the system roots for the host in Addr.
	TLSConfig *tls.Config
	// Hello is the name given in EHLO; the host name when empty.
	Hello string
	// Timeout bounds connecting and each SMTP command; 30 s when zero.
	Timeout time.Duration
	// Resolver reads Password; environment references only when nil.
	Resolver *secrets.Resolver
	// Net connects to the server under the process's network policy (the
	// default policy when nil); AllowNetworks adds this notifier's own
	// allowances.
	Net           *netguard.Guard
	AllowNetworks []netip.Prefix
}

// Check validates the notifier's settings without connecting.
func (n *Notifier) Check() error {
	if _, _, err := net.SplitHostPort(n.Addr); err != nil {
		return fmt.Errorf("addr: want host:port, got %q", n.Addr)
	}
	switch n.Security {
	case "", StartTLS, ImplicitTLS, Plain:
	default:
		return fmt.Errorf("security: want %s, %s or %s, got %q", StartTLS, ImplicitTLS, Plain, n.Security)
	}
	if n.Security == Plain && n.Username != "" {
		return fmt.Errorf("security: %s would send the password in clear; use %s or %s", Plain, StartTLS, ImplicitTLS)
	}
	if _, err := mail.ParseAddress(n.From); err != nil {
		return fmt.Errorf("from: %q is not an email address: %v", n.From, err)
	}
	if len(n.To) == 0 {
		return errors.New("to: at least one recipient is required")
	}
	for i, a := range n.To {
		if _, err := mail.ParseAddress(a); err != nil {
			return fmt.Errorf("to[%d]: %q is not an email address: %v", i, a, err)
		}
	}
	for i, a := range n.Cc {
		if _, err := mail.ParseAddress(a); err != nil {
			return fmt.Errorf("cc[%d]: %q is not an email address: %v", i, a, err)
		}
	}
	if n.Username != "" {
		if err := n.Password.Check(); err != nil {
			return fmt.Errorf("password: %w", err)
		}
	}
	return nil
}

// Notify sends m. An SMTP 4xx answer, a network error or a timeout is
// retryable; a 5xx answer, a refused certificate or address, or bad
// settings are not. The password, and the AUTH PLAIN string made from it,
// are taken out of the error, whatever the server's reply quoted.
func (n *Notifier) Notify(ctx context.Context, m notify.Message) (bool, error) {
	rs := n.resolver()
	retry, err := n.send(ctx, rs, m)
	return retry, rs.RedactError(err)
}

func (n *Notifier) send(ctx context.Context, rs *secrets.Resolver, m notify.Message) (bool, error) {
	if err := n.Check(); err != nil {
		return false, fmt.Errorf("email: %w", err)
	}
	from, _ := mail.ParseAddress(n.From)
	rcpts, cc := n.recipients(m)
	var msg bytes.Buffer
	if err := Compose(&msg, n.header(m, from, cc), m); err != nil {
		return false, fmt.Errorf("email: %w", err)
	}
	c, err := n.dial(ctx)
	if err != nil {
		return classify(err)
	}
	defer c.Close()
	if n.Username != "" {
		pw, err := rs.Resolve(ctx, n.Password)
		if err != nil {
			return true, fmt.Errorf("email: %w", err)
		}
		// What AUTH PLAIN sends, base64-encoded: a server may echo it.
		rs.Remember("\x00" + n.Username + "\x00" + pw)
		if err := c.Auth(sasl.NewPlainClient("", n.Username, pw)); err != nil {
			return classify(fmt.Errorf("AUTH as %s: %w", n.Username, err))
		}
	}
	if err := c.SendMail(from.Address, rcpts, &msg); err != nil {
		return classify(err)
	}
	c.Quit()
	return false, nil
}

func (n *Notifier) resolver() *secrets.Resolver {
	if n.Resolver == nil {
		return &secrets.Resolver{} // environment references only
	}
	return n.Resolver
}

func (n *Notifier) timeout() time.Duration {
	if n.Timeout > 0 {
		return n.Timeout
	}
	return 30 * time.Second
}

func (n *Notifier) tlsConfig() *tls.Config {
	host, _, _ := net.SplitHostPort(n.Addr)
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if n.TLSConfig != nil {
		cfg = n.TLSConfig.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	return cfg
}

func (n *Notifier) dial(ctx context.Context) (*smtp.Client, error) {
	conn, err := n.Net.Dialer(netguard.Dest{Allow: n.AllowNetworks}, n.timeout()).DialContext(ctx, "tcp", n.Addr)
	if err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	var c *smtp.Client
	switch n.Security {
	case ImplicitTLS:
		tc := tls.Client(conn, n.tlsConfig())
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, fmt.Errorf("TLS with %s: %w", n.Addr, err)
		}
		c = smtp.NewClient(tc)
	case Plain:
		c = smtp.NewClient(conn)
	default:
		c, err = smtp.NewClientStartTLS(conn, n.tlsConfig())
		if err != nil {
			conn.Close()
			return nil, fmt.Errorf("STARTTLS with %s: %w", n.Addr, err)
		}
	}
	c.CommandTimeout = n.timeout()
	c.SubmissionTimeout = 2 * n.timeout()
	if n.Hello != "" {
		if err := c.Hello(n.Hello); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

// recipients returns the envelope recipients and the Cc header list: To,
// Cc, and the mentioned addresses, each once.
func (n *Notifier) recipients(m notify.Message) (rcpts, cc []string) {
	seen := map[string]bool{}
	add := func(raw string, hdr *[]string) {
		a, err := mail.ParseAddress(raw)
		if err != nil || seen[strings.ToLower(a.Address)] {
			return
		}
		seen[strings.ToLower(a.Address)] = true
		rcpts = append(rcpts, a.Address)
		if hdr != nil {
			*hdr = append(*hdr, raw)
		}
	}
	for _, a := range n.To {
		add(a, nil)
	}
	for _, a := range n.Cc {
		add(a, &cc)
	}
	for _, mt := range m.Mentions {
		if mt.IsEmail() {
			add(mt.Who, &cc)
		}
	}
	return rcpts, cc
}

func (n *Notifier) header(m notify.Message, from *mail.Address, cc []string) textproto.MIMEHeader {
	h := textproto.MIMEHeader{}
	h.Set("From", from.String())
	h.Set("To", addressList(n.To))
	if len(cc) > 0 {
		h.Set("Cc", addressList(cc))
	}
	domain := from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	h.Set("Message-Id", messageID(m.ID, domain))
	if m.Thread != "" {
		// Every message of an incident refers to the same (virtual) first
		// message, so mail clients thread them.
		root := "<incident-" + hashHex(m.Thread) + "@" + domain + ">"
		h.Set("In-Reply-To", root)
		h.Set("References", root)
	}
	return h
}

func addressList(list []string) string {
	out := make([]string, 0, len(list))
	for _, raw := range list {
		if a, err := mail.ParseAddress(raw); err == nil {
			out = append(out, a.String())
		}
	}
	return strings.Join(out, ", ")
}

// messageID is stable for a delivery id, so a retried delivery that did
// reach the server the first time is recognisable as a duplicate.
func messageID(id, domain string) string {
	if id == "" {
		var b [16]byte
		rand.Read(b[:])
		return "<" + hex.EncodeToString(b[:]) + "@" + domain + ">"
	}
	return "<" + hashHex(id) + "@" + domain + ">"
}

func hashHex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}

// Compose writes m as a MIME message with the given header fields (From,
// To, ...) plus Subject, Date, MIME-Version and the body:
// multipart/alternative (text and HTML), inside multipart/mixed when there
// are attachments.
func Compose(w io.Writer, h textproto.MIMEHeader, m notify.Message) error {
	var hdr bytes.Buffer
	subject := strings.Join(strings.Fields(m.Title()), " ")
	h.Set("Subject", mime.BEncoding.Encode("UTF-8", subject))
	if h.Get("Date") == "" {
		h.Set("Date", time.Now().Format(time.RFC1123Z))
	}
	h.Set("MIME-Version", "1.0")
	h.Set("Auto-Submitted", "auto-generated")
	if m.ID != "" {
		h.Set("X-Vigil-Delivery", m.ID)
	}
	order := []string{"From", "To", "Cc", "Subject", "Date", "Message-Id", "In-Reply-To", "References", "MIME-Version", "Auto-Submitted", "X-Vigil-Delivery"}
	for _, k := range order {
		if v := h.Get(k); v != "" {
			fmt.Fprintf(&hdr, "%s: %s\r\n", k, v)
		}
	}
	text, html := bodies(m)
	if len(m.Attachments) == 0 {
		alt := multipart.NewWriter(io.Discard)
		fmt.Fprintf(&hdr, "Content-Type: multipart/alternative; boundary=%q\r\n\r\n", alt.Boundary())
		if _, err := w.Write(hdr.Bytes()); err != nil {
			return err
		}
		return writeAlternative(w, alt.Boundary(), text, html)
	}
	mixed := multipart.NewWriter(w)
	fmt.Fprintf(&hdr, "Content-Type: multipart/mixed; boundary=%q\r\n\r\n", mixed.Boundary())
	if _, err := w.Write(hdr.Bytes()); err != nil {
		return err
	}
	alt := multipart.NewWriter(io.Discard)
	part, err := mixed.CreatePart(textproto.MIMEHeader{"Content-Type": {`multipart/alternative; boundary="` + alt.Boundary() + `"`}})
	if err != nil {
		return err
	}
	if err := writeAlternative(part, alt.Boundary(), text, html); err != nil {
		return err
	}
	for _, a := range m.Attachments {
		ct := a.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		ph := textproto.MIMEHeader{}
		ph.Set("Content-Type", mime.FormatMediaType(ct, map[string]string{"name": a.Name}))
		ph.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Name}))
		ph.Set("Content-Transfer-Encoding", "base64")
		p, err := mixed.CreatePart(ph)
		if err != nil {
			return err
		}
		r, err := a.Open()
		if err != nil {
			return fmt.Errorf("attachment %q: %w", a.Name, err)
		}
		err = writeBase64(p, r)
		r.Close()
		if err != nil {
			return fmt.Errorf("attachment %q: %w", a.Name, err)
		}
	}
	return mixed.Close()
}

func writeAlternative(w io.Writer, boundary, text, html string) error {
	alt := multipart.NewWriter(w)
	if err := alt.SetBoundary(boundary); err != nil {
		return err
	}
	for _, p := range []struct{ ctype, body string }{{"text/plain; charset=UTF-8", text}, {"text/html; charset=UTF-8", html}} {
		part, err := alt.CreatePart(textproto.MIMEHeader{"Content-Type": {p.ctype}, "Content-Transfer-Encoding": {"quoted-printable"}})
		if err != nil {
			return err
		}
		qp := quotedprintable.NewWriter(part)
		if _, err := io.WriteString(qp, strings.ReplaceAll(p.body, "\n", "\r\n")); err != nil {
			return err
		}
		if err := qp.Close(); err != nil {
			return err
		}
	}
	return alt.Close()
}

// writeBase64 writes r base64-encoded in lines of 76 characters, as MIME
// requires, without holding the whole attachment in memory.
func writeBase64(w io.Writer, r io.Reader) error {
	lw := &lineWriter{w: w}
	enc := base64.NewEncoder(base64.StdEncoding, lw)
	if _, err := io.Copy(enc, r); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	if lw.n > 0 {
		_, err := w.Write([]byte("\r\n"))
		return err
	}
	return nil
}

type lineWriter struct {
	w io.Writer
	n int
}

func (l *lineWriter) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		k := min(76-l.n, len(p))
		if _, err := l.w.Write(p[:k]); err != nil {
			return written, err
		}
		written += k
		l.n += k
		p = p[k:]
		if l.n == 76 {
			if _, err := l.w.Write([]byte("\r\n")); err != nil {
				return written, err
			}
			l.n = 0
		}
	}
	return written, nil
}

// classify wraps err and says whether a retry can help.
func classify(err error) (bool, error) {
	err = fmt.Errorf("email: %w", err)
	var se *smtp.SMTPError
	var ne net.Error
	var certErr *tls.CertificateVerificationError
	switch {
	case errors.As(err, &se):
		return se.Temporary(), err
	case errors.As(err, &certErr), errors.Is(err, netguard.ErrRefused):
		return false, err
	case errors.As(err, &ne), errors.Is(err, context.DeadlineExceeded), errors.Is(err, io.EOF),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, os.ErrDeadlineExceeded):
		return true, err
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return true, err
	}
	return false, err
}
