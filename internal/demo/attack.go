package demo

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/vigilhq/vigil/internal/audit"
	"github.com/vigilhq/vigil/internal/investigate"
	"github.com/vigilhq/vigil/internal/lang"
	"github.com/vigilhq/vigil/internal/remediate"
	"github.com/vigilhq/vigil/internal/sandbox"
)

//go:embed attack.yaml
var attackConfigText string

var attackConfigTemplate = template.Must(template.New("attack.yaml").Parse(attackConfigText))

// response is one rule of an attack's response: the events it matches and
// the playbook a remediate target runs on them (the mapping decides when
// Playbook is empty).
type response struct {
	Rule, Pattern, Playbook string
}

// play is what the demo does about one attack scenario: the rules that
// answer its detections, how many remediations they ask for, and whose
// timeline tells the story.
type play struct {
	responses []response
	// remediations is how many remediations the responses ask for.
	remediations int
	// entity is the investigation's starting point: the attacker's key or
	// address, as CloudTrail names it.
	entity string
}

// attackerIP is where the sandbox's attacker calls from.
const attackerIP = "203.0.113.66"

// plays are the attack scenarios `vigil demo --attack` runs, each with the
// playbooks that answer it.
var plays = map[string]play{
	"ssh-open": {
		responses: []response{
			{"isolate-brute-forced-instances", `{"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"], "detail": {"type": [{"prefix": "UnauthorizedAccess:EC2/"}]}}`, "ec2-isolate"},
			{"close-admin-ports-to-the-world", `{"source": ["aws.securityhub"], "detail": {"findings": {"Compliance": {"SecurityControlId": ["EC2.19"]}, "ProductName": ["Security Hub"]}}}`, ""},
		},
		remediations: 2,
		entity:       "AKIAQ3EGRJ7WBUILD001",
	},
	"stolen-key": {
		responses: []response{
			{"deactivate-leaked-keys", `{"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"], "detail": {"type": [{"prefix": "UnauthorizedAccess:IAMUser/"}, {"prefix": "Exfiltration:IAMUser/"}]}}`, "iam-deactivate-access-key"},
		},
		remediations: 2,
		entity:       attackerIP,
	},
	"crypto-mining": {
		responses: []response{
			{"isolate-crypto-miners", `{"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"], "detail": {"type": [{"prefix": "CryptoCurrency:EC2/"}]}}`, "ec2-isolate"},
		},
		remediations: 1,
		entity:       attackerIP,
	},
	"public-bucket": {
		responses: []response{
			{"block-public-buckets", `{"source": ["aws.securityhub"], "detail": {"findings": {"Compliance": {"SecurityControlId": ["S3.2"]}, "ProductName": ["Security Hub"]}}}`, ""},
		},
		remediations: 1,
		entity:       attackerIP,
	},
	"cloudtrail-stopped": {
		responses: []response{
			{"deactivate-keys-that-blind-the-trail", `{"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"], "detail": {"type": [{"prefix": "Stealth:IAMUser/CloudTrailLoggingDisabled"}]}}`, "iam-deactivate-access-key"},
		},
		remediations: 1,
		entity:       attackerIP,
	},
}

// Attacks names the attack scenarios `vigil demo --attack` can run end to
// end, sorted.
func Attacks() []string {
	var out []string
	for _, a := range sandbox.Attacks() {
		if _, ok := plays[a.Name]; ok {
			out = append(out, a.Name)
		}
	}
	sort.Strings(out)
	return out
}

// AttackResult is what vigil did about an attack.
type AttackResult struct {
	Name string
	// Steps is what the attacker did and what AWS's detection raised.
	Steps []sandbox.AttackStep
	// Events the sandbox sent to vigil; Routed of them matched a rule.
	Events, Routed int
	// Remediations are the attack's remediations as they ended.
	Remediations []*remediate.Remediation
	// Approver is who approved them.
	Approver string
	// Timeline is the investigation's timeline of the attacker.
	Timeline *investigate.Timeline
	// Final is the sandbox's state at the end, for tests to inspect.
	Final *sandbox.Scenario
}

// approver is the person the demo approves as.
const approver = "analyst"

// runAttack plays an attack scenario against the sandbox with vigil
// listening, and follows it through: detection, explanation, remediation
// waiting for a person, approval, apply and verify, a describe call that
// shows the change, and the attacker's timeline.
func runAttack(ctx context.Context, out io.Writer, o Options, t catalog, at attackCatalog, dir string) (*Result, error) {
	start := time.Now()
	pl := plays[o.Attack]
	sc, err := sandbox.AttackScenario(o.Attack)
	if err != nil {
		return nil, err
	}
	// The attack is played below, once vigil listens.
	sc.Attack = ""
	// The sandbox's address first: vigil's AWS clients need it, and the
	// sandbox needs vigil's.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	sbURL := "http://" + ln.Addr().String()
	env := map[string]string{"VIGIL_DEMO_API_KEY": randomHex()}
	provider, awsCfg, err := sandboxAWS(ctx, sbURL)
	if err != nil {
		ln.Close()
		return nil, err
	}
	cfgPath := filepath.Join(dir, "vigil-demo.yaml")
	var cfgText bytes.Buffer
	err = attackConfigTemplate.Execute(&cfgText, map[string]any{
		"Database":  "sqlite://" + filepath.Join(dir, "vigil.db"),
		"Lang":      t.lang,
		"Responses": pl.responses,
	})
	if err == nil {
		err = os.WriteFile(cfgPath, cfgText.Bytes(), 0o600)
	}
	if err != nil {
		ln.Close()
		return nil, err
	}
	v, err := startVigil(ctx, cfgPath, cfgText.Bytes(), provider, env, o.Logs)
	if err != nil {
		ln.Close()
		return nil, err
	}
	defer v.stop()
	apiKey := env["VIGIL_DEMO_API_KEY"]

	// What the sandbox sends to vigil passes through a relay that keeps a
	// copy, so the demo can show what was routed where.
	relay, err := startRelay(v.base + "/events")
	if err != nil {
		ln.Close()
		return nil, err
	}
	defer relay.close()
	sb, err := sandbox.Start(ctx, sandbox.Options{Listener: ln, Scenario: sc, Seed: 7, EventsURL: relay.url, EventsAPIKey: apiKey})
	if err != nil {
		return nil, fmt.Errorf("demo: starting the sandbox: %w", err)
	}
	defer sb.Close()

	fmt.Fprintf(out, at.header, o.Attack, sb.URL(), v.base, cfgPath)

	// 1. The attack.
	rep, err := sb.Play(ctx, o.Attack)
	if err != nil {
		return nil, fmt.Errorf("demo: playing %s: %w", o.Attack, err)
	}
	ar := &AttackResult{Name: o.Attack, Steps: rep.Steps, Approver: approver}
	res := &Result{Attack: ar}
	fmt.Fprintf(out, at.attack, rep.SourceIP)
	for _, s := range rep.Steps {
		line := fmt.Sprintf("  %-20s %s", s.Tactic, s.What)
		if s.Error != "" {
			line += "  (" + s.Error + ")"
		}
		fmt.Fprintln(out, line)
	}

	// 2. Detection: what vigil received and routed. The sandbox's events
	// have all been posted when Play returns (it flushes).
	events := relay.events()
	ar.Events = len(events)
	fmt.Fprintf(out, at.routing, len(events))
	var explainIDs []string
	for _, raw := range events {
		ev, dec, err := v.p.Route(raw)
		if err != nil {
			return res, err
		}
		var parts []string
		for _, m := range dec.Matched {
			var ts []string
			for _, x := range m.Targets {
				ts = append(ts, x.Type)
				if x.Type == "summarize" {
					explainIDs = append(explainIDs, ev.ID)
				}
			}
			parts = append(parts, m.Rule+" → "+strings.Join(ts, ", "))
		}
		if len(parts) == 0 {
			continue
		}
		ar.Routed++
		fmt.Fprintf(out, "  %-58s %s\n", label(ev), strings.Join(parts, "; "))
	}
	fmt.Fprintf(out, at.unrouted, len(events)-ar.Routed)

	// 3. Remediation: the plans waiting for a person.
	var pending []remediate.ApprovalView
	if err := waitFor(ctx, o.Timeout, func() (bool, error) {
		body, err := get(ctx, v.base+"/approvals", apiKey)
		if err != nil {
			return false, err
		}
		pending = nil
		if err := json.Unmarshal([]byte(body), &pending); err != nil {
			return false, err
		}
		return len(pending) >= pl.remediations, nil
	}); err != nil {
		return res, fmt.Errorf("demo: %d of %d remediations are waiting for approval (%s): %w", len(pending), pl.remediations, remediationStates(ctx, v.base, apiKey), err)
	}
	sort.Slice(pending, func(i, j int) bool {
		return pending[i].Playbook+pending[i].Resource < pending[j].Playbook+pending[j].Resource
	})

	// 4. The explanation of the finding behind the first remediation.
	var first remediate.Remediation
	body, err := get(ctx, v.base+"/remediations/"+pending[0].RemediationID, apiKey)
	if err == nil {
		err = json.Unmarshal([]byte(body), &first)
	}
	if err != nil {
		return res, err
	}
	if slices.Contains(explainIDs, first.EventID) {
		var md string
		if err := waitFor(ctx, o.Timeout, func() (bool, error) {
			b, err := get(ctx, v.base+"/explanations/"+first.EventID+"?format=markdown", apiKey)
			if err != nil {
				return false, nil // not explained yet
			}
			md = b
			return true, nil
		}); err != nil {
			return res, fmt.Errorf("demo: no explanation of event %s: %w", first.EventID, err)
		}
		fmt.Fprintf(out, at.explanation, first.EventID)
		fmt.Fprintln(out, indent(firstLines(md, 30)))
	}

	before := map[string]string{}
	for _, a := range pending {
		why := a.Why
		if t.lang == "ja" && a.WhyJA != "" {
			why = a.WhyJA
		}
		fmt.Fprintf(out, t.approval, a.ID, a.Playbook, a.Resource, why)
		if a.Plan != nil {
			for _, st := range a.Plan.Steps {
				fmt.Fprintf(out, "    %s\n", st.API)
			}
		}
		state, _, err := describe(ctx, awsCfg, t.lang, a.Playbook, a.Resource)
		if err != nil {
			return res, err
		}
		before[a.ID] = state
		fmt.Fprintf(out, at.now, state)
	}

	// 5. Approval, as an operator gives it: POST /approvals/ID/approve,
	// what vigil approve ID --by NAME sends.
	fmt.Fprintln(out)
	for _, a := range pending {
		if err := approve(ctx, v.base, apiKey, a.ID, approver); err != nil {
			return res, err
		}
		fmt.Fprintf(out, t.approved, approver, a.ID)
	}

	// 6. Apply and verify, then a describe call of our own.
	fmt.Fprint(out, at.applied)
	for _, a := range pending {
		var r remediate.Remediation
		if err := waitFor(ctx, o.Timeout, func() (bool, error) {
			body, err := get(ctx, v.base+"/remediations/"+a.RemediationID, apiKey)
			if err != nil {
				return false, err
			}
			if err := json.Unmarshal([]byte(body), &r); err != nil {
				return false, err
			}
			if r.Status == remediate.StatusEscalated || r.Status == remediate.StatusRolledBack {
				return false, fmt.Errorf("demo: %s on %s failed: %s", r.Playbook, r.Resource, r.Error)
			}
			return r.Status == remediate.StatusVerified, nil
		}); err != nil {
			return res, err
		}
		ar.Remediations = append(ar.Remediations, &r)
		after, ok, err := describe(ctx, awsCfg, t.lang, a.Playbook, a.Resource)
		if err != nil {
			return res, err
		}
		if !ok {
			return res, fmt.Errorf("demo: %s on %s is verified, yet the sandbox says: %s", r.Playbook, r.Resource, after)
		}
		fmt.Fprintf(out, at.verified, r.Playbook, r.Resource, r.Status, r.VerificationIn(lang.Lang(t.lang)), before[a.ID], after)
	}

	// 7. Investigation: the trail's log files (every call, reads too) on
	// top of what vigil recorded live, then the attacker's timeline.
	if err := sb.Flush(ctx); err != nil {
		return res, err
	}
	if bucket := trailBucket(sb.State()); bucket != "" {
		stats, err := v.p.Investigate().Load(ctx, "s3://"+bucket+"/AWSLogs/", investigate.LoadOptions{})
		if err != nil {
			return res, fmt.Errorf("demo: loading the trail's log files: %w", err)
		}
		fmt.Fprintf(out, at.loaded, stats.Loaded, stats.Files, bucket)
	}
	q := url.Values{"entity": {pl.entity}, "lang": {t.lang}}
	body, err = get(ctx, v.base+"/investigate/timeline?"+q.Encode(), apiKey)
	if err != nil {
		return res, err
	}
	var tl investigate.Timeline
	if err := json.Unmarshal([]byte(body), &tl); err != nil {
		return res, err
	}
	ar.Timeline = &tl
	fmt.Fprintf(out, at.timeline, q.Encode())
	var text bytes.Buffer
	investigate.WriteTimeline(&text, &tl)
	// Its first line, in the run's language.
	_, calls, _ := strings.Cut(text.String(), "\n")
	fmt.Fprintf(out, at.timelineHead, tl.Entity, tl.Kind, len(tl.Events))
	fmt.Fprintln(out, indent(strings.TrimRight(calls, "\n")))

	rp, err := audit.Verify(ctx, v.p.Store().Q())
	if err != nil {
		return res, err
	}
	if rp.Problem != nil {
		return res, fmt.Errorf("demo: the audit log does not verify: %v", rp.Problem)
	}
	res.AuditRecords = rp.Records
	fmt.Fprintf(out, t.auditOK, rp.Records)
	ar.Final = sb.State()

	keep := t.removed
	if o.Dir != "" {
		keep = fmt.Sprintf(at.kept, dir)
	}
	fmt.Fprintf(out, t.done, time.Since(start).Round(100*time.Millisecond), keep)
	return res, nil
}

// approve decides an approval over the API as the person by.
func approve(ctx context.Context, base, apiKey, id, by string) error {
	b, _ := json.Marshal(map[string]string{"by": by})
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/approvals/"+id+"/approve", bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("x-api-key", apiKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("demo: approving %s: %w", id, err)
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("demo: approving %s: status %d: %s", id, resp.StatusCode, bytes.TrimSpace(msg))
	}
	return nil
}

// trailBucket is the bucket of the game account's logging trail.
func trailBucket(st *sandbox.Scenario) string {
	for _, a := range st.Accounts {
		for _, r := range a.Regions {
			for _, tr := range r.Trails {
				if tr.Bucket != "" {
					return tr.Bucket
				}
			}
		}
	}
	return ""
}

// relay passes the sandbox's events on to vigil's POST /events, keeping a
// copy of each.
type relay struct {
	url string
	srv *http.Server
	mu  sync.Mutex
	got [][]byte
}

func startRelay(to string) (*relay, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &relay{url: "http://" + ln.Addr().String() + "/events"}
	r.srv = &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fwd, err := http.NewRequestWithContext(req.Context(), "POST", to, bytes.NewReader(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fwd.Header.Set("content-type", "application/json")
		fwd.Header.Set("x-api-key", req.Header.Get("x-api-key"))
		resp, err := http.DefaultClient.Do(fwd)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		answer, _ := io.ReadAll(resp.Body)
		if resp.StatusCode == http.StatusOK {
			var batch []json.RawMessage
			if json.Unmarshal(body, &batch) == nil {
				r.mu.Lock()
				for _, e := range batch {
					r.got = append(r.got, e)
				}
				r.mu.Unlock()
			}
		}
		w.Header().Set("content-type", resp.Header.Get("content-type"))
		w.WriteHeader(resp.StatusCode)
		w.Write(answer)
	})}
	go r.srv.Serve(ln)
	return r, nil
}

func (r *relay) events() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

func (r *relay) close() { r.srv.Close() }

// remediationStates lists the remediations vigil holds, for an error
// that says why the demo stopped waiting.
func remediationStates(ctx context.Context, base, apiKey string) string {
	body, err := get(ctx, base+"/remediations", apiKey)
	if err != nil {
		return err.Error()
	}
	var rs []remediate.Remediation
	if err := json.Unmarshal([]byte(body), &rs); err != nil {
		return err.Error()
	}
	var parts []string
	for _, r := range rs {
		s := r.Playbook + " on " + r.Resource + ": " + r.Status
		if r.Error != "" {
			s += " (" + r.Error + ")"
		} else if r.Reason != "" {
			s += " (" + r.Reason + ")"
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return "none requested"
	}
	return strings.Join(parts, "; ")
}
