package netguard_test

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/netguard"
)

// fakeDNS answers A and AAAA queries from a table, on 127.0.0.1, so a test
// can resolve names to metadata addresses without the network. Unknown
// names get NXDOMAIN.
func fakeDNS(t *testing.T, table map[string][]netip.Addr) *net.Resolver {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if resp := dnsAnswer(buf[:n], table); resp != nil {
				pc.WriteTo(resp, from)
			}
		}
	}()
	addr := pc.LocalAddr().String()
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", addr)
	}}
}

func dnsAnswer(q []byte, table map[string][]netip.Addr) []byte {
	if len(q) < 12 {
		return nil
	}
	i := 12
	var labels []string
	for i < len(q) && q[i] != 0 {
		l := int(q[i])
		if i+1+l > len(q) {
			return nil
		}
		labels = append(labels, string(q[i+1:i+1+l]))
		i += 1 + l
	}
	if i+5 > len(q) {
		return nil
	}
	qtype := binary.BigEndian.Uint16(q[i+1:])
	question := q[12 : i+5]
	name := strings.ToLower(strings.Join(labels, "."))
	var answers [][]byte
	addrs, known := table[name]
	for _, a := range addrs {
		if (qtype == 1 && a.Is4()) || (qtype == 28 && a.Is6()) {
			answers = append(answers, a.AsSlice())
		}
	}
	resp := make([]byte, 12, 512)
	copy(resp, q[:2])
	flags := uint16(0x8180)
	if !known {
		flags |= 3 // NXDOMAIN
	}
	binary.BigEndian.PutUint16(resp[2:], flags)
	binary.BigEndian.PutUint16(resp[4:], 1)
	binary.BigEndian.PutUint16(resp[6:], uint16(len(answers)))
	resp = append(resp, question...)
	for _, a := range answers {
		typ := uint16(1)
		if len(a) == 16 {
			typ = 28
		}
		resp = append(resp, 0xc0, 0x0c)
		resp = binary.BigEndian.AppendUint16(resp, typ)
		resp = binary.BigEndian.AppendUint16(resp, 1)
		resp = binary.BigEndian.AppendUint32(resp, 60)
		resp = binary.BigEndian.AppendUint16(resp, uint16(len(a)))
		resp = append(resp, a...)
	}
	return resp
}

var names = map[string][]netip.Addr{
	"metadata.test":   {netip.MustParseAddr("169.254.169.254")},
	"imds6.test":      {netip.MustParseAddr("fd00:ec2::254")},
	"ecs.test":        {netip.MustParseAddr("169.254.170.2")},
	"alibaba.test":    {netip.MustParseAddr("100.100.100.200")},
	"mixed.test":      {netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("169.254.169.254")},
	"loopback.test":   {netip.MustParseAddr("127.0.0.1")},
	"mapped.test":     {netip.MustParseAddr("::ffff:169.254.169.254")},
	"private.test":    {netip.MustParseAddr("10.1.2.3")},
	"metadata.test.a": nil,
}

// SSRF address forms (issue 13 item 6): every one is refused by the
// default policy, before any byte reaches the address.
func TestSSRFFormsRefused(t *testing.T) {
	var reached atomic.Int32
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		if to := r.URL.Query().Get("to"); to != "" {
			http.Redirect(w, r, to, http.StatusFound)
		}
	}))
	defer ok.Close()
	g := netguard.New(netguard.Policy{Resolver: fakeDNS(t, names)})
	client := g.Client(netguard.Dest{}, netguard.ClientOptions{FollowRedirects: true, Timeout: 10 * time.Second})
	forms := []string{
		"http://169.254.169.254/latest/meta-data/",
		"http://2852039166/",                 // decimal
		"http://0251.0376.0251.0376/",        // octal
		"http://0xa9fea9fe/",                 // hex
		"http://0xa9.0xfe.0xa9.0xfe/",        // dotted hex
		"http://169.254.43518/",              // two parts, the last 16 bits
		"http://0251.254.169.254/",           // mixed octal and decimal
		"http://169.254.169.254./",           // trailing dot
		"http://[::ffff:169.254.169.254]/",   // IPv4-mapped IPv6
		"http://[::ffff:a9fe:a9fe]/",         // the same in hex
		"http://[0:0:0:0:0:ffff:a9fe:a9fe]/", // the same written out
		"http://[::169.254.169.254]/",        // IPv4-compatible IPv6
		"http://[64:ff9b::a9fe:a9fe]/",       // NAT64
		"http://[2002:a9fe:a9fe::1]/",        // 6to4
		"http://[fd00:ec2::254]/",            // AWS IMDS over IPv6
		"http://[fe80::a9fe:a9fe%25lo]/",     // link-local IPv6 with a zone
		"http://169.254.170.2/v2/credentials",
		"http://100.100.100.200/latest/meta-data/",
		"http://user@169.254.169.254/", // userinfo in front of the host
		"http://0.0.0.0/",              // unspecified
		"http://[::]/",
		"http://224.0.0.1/", // multicast
		"http://metadata.test/",
		"http://imds6.test/",
		"http://ecs.test/",
		"http://alibaba.test/",
		"http://mapped.test/",
		ok.URL + "/?to=http://169.254.169.254/latest/meta-data/",
		ok.URL + "/?to=http://2852039166/",
		ok.URL + "/?to=http://metadata.test/",
		ok.URL + "/?to=http://[::ffff:169.254.169.254]/",
	}
	refused := 0
	for _, u := range forms {
		before := reached.Load()
		resp, err := client.Get(u)
		if err == nil {
			resp.Body.Close()
		}
		if !errors.Is(err, netguard.ErrRefused) {
			t.Errorf("%s: want refused, got %v", u, err)
			continue
		}
		if strings.Contains(u, "?to=") && reached.Load() != before+1 {
			t.Errorf("%s: the redirecting server was not reached once", u)
		}
		refused++
	}
	t.Logf("%d of %d SSRF address forms refused", refused, len(forms))
	// A name with a good and a refused address reaches only the good one.
	before := reached.Load()
	if resp, err := client.Get("http://mixed.test:" + port(ok.URL) + "/"); err != nil {
		t.Errorf("mixed.test: %v", err)
	} else if resp.Body.Close(); reached.Load() != before+1 {
		t.Errorf("mixed.test: the loopback server was not the one reached")
	}
	if refused < 24 {
		t.Errorf("want at least 24 forms refused")
	}
	// The same forms as SMTP hosts: the dialer refuses them too.
	d := g.Dialer(netguard.Dest{}, time.Second)
	for _, hp := range []string{"2852039166:25", "0xa9fea9fe:25", "[::ffff:169.254.169.254]:25", "metadata.test:25", "169.254.169.254:587"} {
		if _, err := d.DialContext(context.Background(), "tcp", hp); !errors.Is(err, netguard.ErrRefused) {
			t.Errorf("dial %s: want refused, got %v", hp, err)
		}
	}
}

func port(u string) string { return u[strings.LastIndexByte(u, ':')+1:] }

// Loopback and private ranges are allowed by default and refused with
// DenyPrivate; an allow list, global or per destination, opens what the
// policy refuses.
func TestPolicy(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	res := fakeDNS(t, names)
	get := func(g *netguard.Guard, d netguard.Dest, u string) error {
		resp, err := g.Client(d, netguard.ClientOptions{Timeout: 5 * time.Second}).Get(u)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	loopName := "http://loopback.test:" + port(srv.URL) + "/"
	open := netguard.New(netguard.Policy{Resolver: res})
	if err := get(open, netguard.Dest{}, srv.URL); err != nil {
		t.Errorf("loopback by default: %v", err)
	}
	if err := get(open, netguard.Dest{}, loopName); err != nil {
		t.Errorf("a name for loopback by default: %v", err)
	}
	strict := netguard.New(netguard.Policy{DenyPrivate: true, Resolver: res})
	for _, u := range []string{srv.URL, loopName, "http://127.1:" + port(srv.URL) + "/", "http://[::ffff:7f00:1]:" + port(srv.URL) + "/", "http://10.0.0.1/", "http://192.168.1.1/", "http://[fd12::1]/", "http://100.64.0.1/", "http://private.test/"} {
		if err := get(strict, netguard.Dest{}, u); !errors.Is(err, netguard.ErrRefused) || !strings.Contains(err.Error(), "deny_private") {
			t.Errorf("deny_private %s: %v", u, err)
		}
	}
	loop := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	if err := get(strict, netguard.Dest{Allow: loop}, srv.URL); err != nil {
		t.Errorf("deny_private with the destination allowing loopback: %v", err)
	}
	if err := get(netguard.New(netguard.Policy{DenyPrivate: true, Allow: loop}), netguard.Dest{}, srv.URL); err != nil {
		t.Errorf("deny_private with network.allow: %v", err)
	}
	// Metadata opened on purpose, for one destination only.
	meta := netguard.Dest{Allow: []netip.Prefix{netip.MustParsePrefix("169.254.169.254/32")}}
	if err := open.Check(netip.MustParseAddr("169.254.169.254"), meta); err != nil {
		t.Errorf("allowed metadata address: %v", err)
	}
	if err := open.Check(netip.MustParseAddr("169.254.170.2"), meta); err == nil {
		t.Errorf("only the listed address is allowed")
	}
	if err := open.Check(netip.MustParseAddr("fe80::1"), netguard.Dest{AllowLinkLocal: true}); err != nil {
		t.Errorf("allow_link_local: %v", err)
	}
	if err := open.Check(netip.MustParseAddr("0.0.0.0"), netguard.Dest{AllowLinkLocal: true}); err == nil {
		t.Errorf("unspecified is never allowed by allow_link_local")
	}
	// A redirect is not followed unless asked for.
	red := httptest.NewServer(http.RedirectHandler("http://169.254.169.254/", http.StatusFound))
	defer red.Close()
	resp, err := open.Client(netguard.Dest{}, netguard.ClientOptions{}).Get(red.URL)
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Errorf("no redirects: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	// A nil guard is the default policy.
	var none *netguard.Guard
	if err := none.Check(netip.MustParseAddr("169.254.169.254"), netguard.Dest{}); err == nil {
		t.Error("nil guard allowed metadata")
	}
}

func TestParseHost(t *testing.T) {
	meta := netip.MustParseAddr("169.254.169.254")
	for _, h := range []string{"169.254.169.254", "2852039166", "0xa9fea9fe", "0XA9FEA9FE", "0251.0376.0251.0376", "169.254.43518", "169.16689662", "0xa9.0xfe.0xa9.0xfe", "[::ffff:169.254.169.254]", "169.254.169.254."} {
		if a, ok := netguard.ParseHost(h); !ok || a != meta {
			t.Errorf("%s: %v %v", h, a, ok)
		}
	}
	for _, h := range []string{"example.com", "1.2.3.4.5", "256.1.1.1", "0x", "08.1.1.1", "a.b", "", "1.2.3.4.com", "169.254.169.254x"} {
		if a, ok := netguard.ParseHost(h); ok {
			t.Errorf("%s: read as %v", h, a)
		}
	}
}

func TestParsePrefixes(t *testing.T) {
	ps, err := netguard.ParsePrefixes([]string{"10.0.0.0/8", "169.254.169.254", "fd00:ec2::254", " 192.168.1.7/24 "})
	if err != nil || len(ps) != 4 || ps[1].Bits() != 32 || ps[3].String() != "192.168.1.0/24" {
		t.Errorf("%v %v", ps, err)
	}
	if _, err := netguard.ParsePrefixes([]string{"10.0.0.0/8", "nope"}); err == nil || !strings.Contains(err.Error(), `[1]: "nope"`) {
		t.Errorf("bad item: %v", err)
	}
}
