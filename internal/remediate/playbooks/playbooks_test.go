package playbooks

import (
	"context"
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/examples"
	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/remediate"
	"github.com/vigilhq/vigil/internal/sandbox"
	"github.com/vigilhq/vigil/internal/sandbox/sandboxtest"
)

// demoEvent reads one of the demo's embedded sample events.
func demoEvent(t *testing.T, name string) *event.Event {
	t.Helper()
	b, err := examples.Events.ReadFile("events/" + name)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := event.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// harness runs one playbook against a fresh sandbox.
type harness struct {
	t   *testing.T
	sb  *sandbox.Sandbox
	src remediate.ClientSource
	pb  remediate.Playbook

	mu    sync.Mutex
	calls []remediate.Call
}

func newHarness(t *testing.T, name string, sc *sandbox.Scenario) *harness {
	t.Helper()
	sb := sandboxtest.Start(t, sandbox.Options{Scenario: sc})
	pb, err := All().Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, sb: sb, src: remediate.ClientSource{AWS: awsx.NewProvider(awsx.ProviderOptions{Role: "vigil-remediation-{account}"})}, pb: pb}
}

func (h *harness) record(c remediate.Call) {
	h.mu.Lock()
	h.calls = append(h.calls, c)
	h.mu.Unlock()
}

func (h *harness) clients(f *remediate.Finding, readOnly bool) *remediate.Clients {
	c, err := h.src.Clients(context.Background(), f.Account, f.Region, readOnly, h.record)
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

// since returns the calls the sandbox received after seq, and those of
// them that were not reads.
func (h *harness) since(seq int64) (all, mutating []sandbox.Call) {
	for _, c := range h.sb.Calls() {
		if c.Seq <= seq {
			continue
		}
		if c.Service != "sts" {
			all = append(all, c)
		}
		// AssumeRole into the finding's account changes nothing there (and
		// is made only for other accounts than the caller's).
		if !isReadOp(c.Operation) && !(c.Service == "sts" && c.Operation == "AssumeRole") {
			mutating = append(mutating, c)
		}
	}
	return all, mutating
}

func isReadOp(op string) bool {
	for _, p := range []string{"Describe", "Get", "List", "Head"} {
		if strings.HasPrefix(op, p) {
			return true
		}
	}
	return false
}

func (h *harness) lastSeq() int64 {
	cs := h.sb.Calls()
	if len(cs) == 0 {
		return 0
	}
	return cs[len(cs)-1].Seq
}

// stepCounts is the number of sandbox calls of each phase, for the report,
// without STS (GetCallerIdentity and AssumeRole come with a role
// configured, once per account, not with the playbook).
type stepCounts struct{ Plan, Apply, Verify, Rollback int }

// cycle plans, applies, verifies, applies again and rolls back, checking
// each promise of the Playbook interface, and returns the calls per phase.
func (h *harness) cycle(f *remediate.Finding, res remediate.Resource, params string) (*remediate.Plan, stepCounts) {
	t := h.t
	t.Helper()
	ctx := context.Background()
	before := stateJSON(t, h.sb)
	var n stepCounts

	seq := h.lastSeq()
	plan, err := h.pb.Plan(ctx, remediate.PlanInput{Clients: h.clients(f, true), Finding: f, Resource: res, Params: json.RawMessage(params), Now: time.Date(2025, 4, 15, 12, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	all, mut := h.since(seq)
	n.Plan = len(all)
	if len(mut) > 0 {
		t.Fatalf("plan made mutating calls: %+v", mut)
	}
	if stateJSON(t, h.sb) != before {
		t.Fatal("plan changed the sandbox's state")
	}
	if plan.NoChange || len(plan.Steps) == 0 {
		t.Fatalf("plan says there is nothing to do: %s", plan.Explanation)
	}
	plan.Playbook = h.pb.Name()

	key := "rem-test/apply"
	seq = h.lastSeq()
	r, err := h.pb.Apply(ctx, h.clients(f, false), plan, key)
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	all, _ = h.since(seq)
	n.Apply = len(all)
	if !r.Changed {
		t.Fatal("apply reports no change")
	}
	r.Key = key
	if stateJSON(t, h.sb) == before {
		t.Fatal("apply left the sandbox's state as it was")
	}

	seq = h.lastSeq()
	ok, detail, err := h.pb.Verify(ctx, h.clients(f, true), plan, r)
	if err != nil || !ok {
		t.Fatalf("verify = %v %q %v", ok, detail, err)
	}
	checkNote(t, detail, verifyID(f, plan, h.clients(f, true)))
	all, mut = h.since(seq)
	n.Verify = len(all)
	if len(mut) > 0 {
		t.Fatalf("verify made mutating calls: %+v", mut)
	}

	// A second apply (a retry, a restart) changes nothing.
	applied := stateJSON(t, h.sb)
	seq = h.lastSeq()
	r2, err := h.pb.Apply(ctx, h.clients(f, false), plan, key)
	if err != nil {
		t.Fatalf("second apply: %v", err)
	}
	if _, mut := h.since(seq); len(mut) > 0 || r2.Changed {
		t.Fatalf("second apply changed something: changed=%v calls %+v", r2.Changed, mut)
	}
	if stateJSON(t, h.sb) != applied {
		t.Fatal("second apply changed the state")
	}

	seq = h.lastSeq()
	if err := h.pb.Rollback(ctx, h.clients(f, false), plan, r); err != nil {
		t.Fatalf("rollback: %v", err)
	}
	all, _ = h.since(seq)
	n.Rollback = len(all)
	if after := stateJSON(t, h.sb); after != before {
		t.Fatalf("rollback did not restore the state exactly:\n%s", diffLines(before, after))
	}
	t.Logf("%s API calls: plan %d, apply %d, verify %d, rollback %d", h.pb.Name(), n.Plan, n.Apply, n.Verify, n.Rollback)
	return plan, n
}

// verifyID is the resource id a verification's text names: the plan's
// resource, or for account-wide playbooks the account or region.
func verifyID(f *remediate.Finding, plan *remediate.Plan, c *remediate.Clients) string {
	if plan.Resource != "account" {
		return plan.Resource
	}
	switch plan.Playbook {
	case "ebs-enable-default-encryption", "guardduty-enable":
		return c.Region()
	}
	return f.Account
}

// checkNote checks a verification's text in both languages: both said,
// the Japanese really Japanese (not the English again) and naming id.
func checkNote(t *testing.T, n remediate.Note, id string) {
	t.Helper()
	if n.EN == "" || n.JA == "" || n.JA == n.EN {
		t.Fatalf("verify detail = %+v: want English and Japanese", n)
	}
	if !strings.Contains(n.JA, id) {
		t.Errorf("verify detail %+v does not name %s", n, id)
	}
	if !strings.ContainsFunc(n.JA, func(r rune) bool { return r >= 0x3040 && r <= 0x30ff }) {
		t.Errorf("verify detail in Japanese has no kana: %q", n.JA)
	}
	t.Logf("verify: %s / %s", n.EN, n.JA)
}

// stateJSON is the sandbox's whole state, normalised so that the order of
// security group rules (which AWS does not keep either) does not count,
// nor a GuardDuty detector's UpdatedAt (set by the service at every change;
// no API restores it).
func stateJSON(t *testing.T, sb *sandbox.Sandbox) string {
	t.Helper()
	st := sb.State()
	for _, a := range st.Accounts {
		for _, r := range a.Regions {
			for _, g := range r.SecurityGroups {
				g.Ingress = normaliseRules(g.Ingress)
				g.Egress = normaliseRules(g.Egress)
			}
			for _, d := range r.Detectors {
				d.Updated = time.Time{}
			}
		}
	}
	b, err := json.MarshalIndent(st, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// normaliseRules splits rules into one rule per source, sorted: AWS's own
// model (one security group rule per CIDR).
func normaliseRules(rs []*sandbox.Rule) []*sandbox.Rule {
	var out []*sandbox.Rule
	for _, r := range rs {
		for _, c := range r.CIDRs {
			out = append(out, &sandbox.Rule{Protocol: r.Protocol, FromPort: r.FromPort, ToPort: r.ToPort, CIDRs: []string{c}})
		}
		for _, c := range r.IPv6 {
			out = append(out, &sandbox.Rule{Protocol: r.Protocol, FromPort: r.FromPort, ToPort: r.ToPort, IPv6: []string{c}})
		}
		for _, g := range r.Groups {
			out = append(out, &sandbox.Rule{Protocol: r.Protocol, FromPort: r.FromPort, ToPort: r.ToPort, Groups: []string{g}})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, _ := json.Marshal(out[i])
		b, _ := json.Marshal(out[j])
		return string(a) < string(b)
	})
	return out
}

func diffLines(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			out = append(out, "- "+x, "+ "+y)
			if len(out) > 30 {
				break
			}
		}
	}
	return strings.Join(out, "\n")
}

func findingOf(t *testing.T, ev *event.Event) *remediate.Finding {
	t.Helper()
	fs, err := remediate.Findings(ev)
	if err != nil {
		t.Fatal(err)
	}
	return fs[0]
}

func resourceOf(t *testing.T, f *remediate.Finding, typ string) remediate.Resource {
	t.Helper()
	r, ok := f.Resource(typ)
	if !ok {
		t.Fatalf("finding %s has no %s", f.ID, typ)
	}
	return r
}

func TestRegistryHasEveryPlaybook(t *testing.T) {
	want := []string{"ebs-enable-default-encryption", "ec2-enforce-imdsv2", "ec2-forensic-snapshot", "ec2-isolate", "ec2-stop", "ec2-terminate",
		"guardduty-enable", "iam-deactivate-access-key", "iam-password-policy", "s3-block-public-access", "sg-revoke-open-ingress", "ssm-automation"}
	if got := All().Names(); !reflect.DeepEqual(got, want) {
		t.Errorf("playbooks = %v, want %v", got, want)
	}
	for _, n := range want {
		p, _ := All().Get(n)
		info := p.Info()
		if info.Summary == "" || info.SummaryJA == "" || len(info.Permissions) == 0 {
			t.Errorf("%s: Info lacks a summary or permissions: %+v", n, info)
		}
		for _, rp := range info.ReadPermissions {
			found := false
			for _, ap := range info.Permissions {
				found = found || ap == rp
			}
			if !found {
				t.Errorf("%s: read permission %s is not among its permissions", n, rp)
			}
		}
	}
}
