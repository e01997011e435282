// Package demo runs vigil's main job end to end on embedded defaults, with
// nothing leaving the machine: a simulated AWS account (the sandbox's demo
// scenario with generated Security Hub findings), vigil's pipeline with the
// configuration in config.yaml, and a local receiver standing in for a
// ticketing system. It posts GuardDuty, Security Hub and CloudTrail events,
// fires the weekly violation report, waits for every delivery and prints
// what happened: which rules matched, an explanation, the SNS messages, the
// tickets, and the report.
package demo

import (
	"bytes"
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/examples"
	"github.com/vigilhq/vigil/internal/audit"
	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/lang"
	"github.com/vigilhq/vigil/internal/notify/webhook"
	"github.com/vigilhq/vigil/internal/pipeline"
	"github.com/vigilhq/vigil/internal/remediate"
	"github.com/vigilhq/vigil/internal/route"
	"github.com/vigilhq/vigil/internal/sandbox"
	"github.com/vigilhq/vigil/internal/scan"
	"github.com/vigilhq/vigil/internal/schedule"
	"github.com/vigilhq/vigil/internal/secrets"
	"github.com/vigilhq/vigil/internal/server"
)

//go:embed config.yaml
var configText string

var configTemplate = template.Must(template.New("config.yaml").Parse(configText))

// eventFiles are the repository's sample events (examples/events).
var eventFiles = examples.Events

// Options configure a demo run.
type Options struct {
	// Lang is the language of explanations, notifications and the report:
	// en (the default) or ja.
	Lang string
	// Dir keeps the database, the configuration and the report CSV; a
	// temporary directory, removed afterwards, when empty.
	Dir string
	// Timeout bounds the wait for deliveries; one minute when zero.
	Timeout time.Duration
	// Logs receives the server's JSON logs; discarded when nil.
	Logs io.Writer
	// Attack, when set, plays that attack scenario (one of Attacks) and
	// follows it through detection, explanation, approval, remediation
	// and investigation, instead of the sample events.
	Attack string
}

// Result counts what the run did, for tests and the closing line.
type Result struct {
	Events       int // events posted
	Accepted     int // of which the server accepted
	Explanations int // events a summarize target explained
	SNSMessages  int // messages published to the sandbox's SNS topic
	Tickets      int // documents the ticketing webhook received
	Pages        int // transformed inputs the paging webhook received
	ReportRows   int // violations in the report CSV
	// Isolated is the instance the approved remediation isolated and
	// verified ("" when it did not).
	Isolated string
	// AuditRecords is the length of the verified audit log.
	AuditRecords int64
	// Attack is what vigil did about the attack, when one was played.
	Attack *AttackResult
}

const topicName = "vigil-demo-alerts"

// Run runs the demo and writes its account of it to out. It sets the AWS
// environment variables of this process to point at the sandbox while it
// runs and restores them afterwards.
func Run(ctx context.Context, out io.Writer, o Options) (*Result, error) {
	start := time.Now()
	lang := o.Lang
	if lang == "" {
		lang = "en"
	}
	if lang != "en" && lang != "ja" {
		return nil, fmt.Errorf("demo: language must be en or ja, got %q", lang)
	}
	if o.Timeout == 0 {
		o.Timeout = time.Minute
	}
	if _, ok := plays[o.Attack]; o.Attack != "" && !ok {
		return nil, fmt.Errorf("demo: %q is not an attack scenario the demo runs; use %s", o.Attack, strings.Join(Attacks(), ", "))
	}
	t := texts[lang]
	dir := o.Dir
	if dir == "" {
		d, err := os.MkdirTemp("", "vigil-demo-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(d)
		dir = d
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if o.Attack != "" {
		return runAttack(ctx, out, o, t, attackTexts[lang], dir)
	}

	sb, err := sandbox.Start(ctx, sandbox.Options{Scenario: sandbox.Demo(), Findings: 40, Seed: 7})
	if err != nil {
		return nil, fmt.Errorf("demo: starting the sandbox: %w", err)
	}
	defer sb.Close()
	signingKey := randomHex()
	apiKey := randomHex()
	// The demo's own secrets and AWS account: nothing of the process's
	// environment is read or changed.
	env := map[string]string{"VIGIL_DEMO_API_KEY": apiKey, "VIGIL_DEMO_SIGNING_KEY": signingKey}
	provider, awsCfg, err := sandboxAWS(ctx, sb.URL())
	if err != nil {
		return nil, err
	}
	topic, err := sns.NewFromConfig(awsCfg).CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(topicName)})
	if err != nil {
		return nil, fmt.Errorf("demo: creating the SNS topic: %w", err)
	}

	hook, err := startReceiver([]byte(signingKey))
	if err != nil {
		return nil, err
	}
	defer hook.close()

	cfgPath := filepath.Join(dir, "vigil-demo.yaml")
	var cfgText bytes.Buffer
	err = configTemplate.Execute(&cfgText, map[string]string{
		"Database": "sqlite://" + filepath.Join(dir, "vigil.db"),
		"Lang":     lang,
		"TopicARN": aws.ToString(topic.TopicArn),
		"HookURL":  hook.url,
	})
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(cfgPath, cfgText.Bytes(), 0o600); err != nil {
		return nil, err
	}
	fmt.Fprintf(out, t.header, sb.URL(), sb.FindingCount())
	v, err := startVigil(ctx, cfgPath, cfgText.Bytes(), provider, env, o.Logs)
	if err != nil {
		return nil, err
	}
	defer v.stop()
	p, base, table := v.p, v.base, v.p.Table()
	fmt.Fprintf(out, t.server, base, cfgPath)

	events, err := demoEvents(ctx, awsCfg, sb)
	if err != nil {
		return nil, err
	}
	res := &Result{Events: len(events)}
	accepted, err := post(ctx, base, apiKey, events)
	if err != nil {
		return nil, err
	}
	res.Accepted = accepted
	fmt.Fprintf(out, t.posted, len(events), accepted)

	// What routing decided, and what to wait for.
	want := expectations{summarized: map[string]bool{}}
	fmt.Fprintln(out, t.routing)
	for _, raw := range events {
		ev, err := event.Parse(raw)
		if err != nil {
			return nil, err
		}
		dec, err := table.Route(ev, time.Now(), nil)
		if err != nil {
			return nil, err
		}
		var parts []string
		for _, m := range dec.Matched {
			var ts []string
			for _, o := range m.Targets {
				ts = append(ts, o.Type+":"+o.Target)
				want.count(ev, o)
			}
			parts = append(parts, m.Rule+" → "+strings.Join(ts, ", "))
		}
		if len(parts) == 0 {
			parts = []string{t.noMatch}
		}
		fmt.Fprintf(out, "  %-44s %s\n", label(ev), strings.Join(parts, "; "))
	}

	// Fire the scheduled report now rather than at 09:00 on a weekday.
	if _, err := post(ctx, base, apiKey, [][]byte{schedule.ScheduledEvent("weekday-morning", time.Now())}); err != nil {
		return nil, err
	}
	want.tickets++

	if err := waitFor(ctx, o.Timeout, func() (bool, error) {
		n, err := countExplained(ctx, base, apiKey, want.summarized)
		if err != nil {
			return false, err
		}
		res.Explanations = n
		res.SNSMessages = len(published(sb))
		res.Tickets, res.Pages = hook.counts()
		return n >= len(want.summarized) && res.SNSMessages >= want.sns && res.Tickets >= want.tickets && res.Pages >= want.pages, nil
	}); err != nil {
		fmt.Fprintf(out, t.incomplete, res.Explanations, len(want.summarized), res.SNSMessages, want.sns, res.Tickets, want.tickets, res.Pages, want.pages)
		return res, err
	}

	// One explanation in full: the first GuardDuty finding of high severity.
	if id := want.example; id != "" {
		md, err := get(ctx, base+"/explanations/"+id+"?format=markdown", apiKey)
		if err != nil {
			return res, err
		}
		fmt.Fprintf(out, t.explanation, id)
		fmt.Fprintln(out, indent(firstLines(md, 45)))
	}

	msgs := published(sb)
	fmt.Fprintf(out, t.sns, len(msgs), topicName)
	for i, m := range msgs {
		if i == 5 {
			fmt.Fprintf(out, t.more, len(msgs)-i)
			break
		}
		fmt.Fprintf(out, "  • %s\n", m.Subject)
	}

	tickets, pages := hook.snapshot()
	fmt.Fprintf(out, t.tickets, len(tickets))
	for _, d := range tickets {
		fmt.Fprintf(out, "  • %s\n", d.Subject)
		for _, a := range d.Attachments {
			path := filepath.Join(dir, a.Name)
			if err := os.WriteFile(path, a.Content, 0o644); err != nil {
				return res, err
			}
			rows := bytes.Count(a.Content, []byte("\n")) - 1
			res.ReportRows += max(rows, 0)
			fmt.Fprintf(out, t.attachment, a.Name, rows, path)
			fmt.Fprintln(out, indent(firstLines(string(a.Content), 4)))
		}
	}
	fmt.Fprintf(out, t.pages, len(pages))
	for _, p := range pages {
		fmt.Fprintf(out, "  • %s\n", p)
	}

	if err := isolateWithApproval(ctx, out, t, base, apiKey, sb, res, o.Timeout); err != nil {
		return res, err
	}
	rep, err := audit.Verify(ctx, p.Store().Q())
	if err != nil {
		return res, err
	}
	if rep.Problem != nil {
		return res, fmt.Errorf("demo: the audit log does not verify: %v", rep.Problem)
	}
	res.AuditRecords = rep.Records
	fmt.Fprintf(out, t.auditOK, rep.Records)

	keep := t.removed
	if o.Dir != "" {
		keep = fmt.Sprintf(t.kept, dir)
	}
	fmt.Fprintf(out, t.done, time.Since(start).Round(100*time.Millisecond), keep)
	return res, nil
}

// expectations counts the deliveries the run waits for.
type expectations struct {
	summarized map[string]bool // event ids explained by a summarize target
	sns        int
	tickets    int
	pages      int
	snsGroups  map[string]bool
	example    string
}

func (e *expectations) count(ev *event.Event, o route.Output) {
	eventID := ev.ID
	if !o.Deliver {
		return
	}
	switch {
	case o.Type == "summarize":
		e.summarized[eventID] = true
		// Show a GuardDuty finding: it has the most to say.
		if e.example == "" && ev.Kind() == event.KindGuardDuty {
			e.example = eventID
		}
	case o.Type == "notify" && o.Target == "secops":
		if o.Group != "" {
			if e.snsGroups == nil {
				e.snsGroups = map[string]bool{}
			}
			if !e.snsGroups[o.Group] {
				e.snsGroups[o.Group] = true
				e.sns++
			}
		} else {
			e.sns++
		}
	case o.Type == "notify":
		e.tickets++
	case o.Type == "webhook":
		e.pages++
	}
}

// demoEvents returns the embedded events and, for a few of the sandbox's
// failed CRITICAL and HIGH Security Hub findings, the "Findings - Imported"
// events Security Hub would send.
func demoEvents(ctx context.Context, awsCfg aws.Config, sb *sandbox.Sandbox) ([][]byte, error) {
	var out [][]byte
	names, err := fs.Glob(eventFiles, "events/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	for _, n := range names {
		b, err := eventFiles.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	sc := &scan.Scanner{AWS: awsCfg}
	n := 0
	err = sc.Scan(ctx, scan.Query{SeverityFloor: "HIGH"}, func(f *scan.Finding) error {
		raw, ok := sb.Finding(f.ID)
		if !ok {
			return nil
		}
		ev, err := json.Marshal(map[string]any{
			"version":     "0",
			"id":          fmt.Sprintf("d3m0%04x-5ec0-4b1d-8f00-%012x", n, n),
			"detail-type": "Security Hub Findings - Imported",
			"source":      "aws.securityhub",
			"account":     f.Account,
			"time":        time.Now().UTC().Format(time.RFC3339),
			"region":      f.Region,
			"resources":   []string{f.ID},
			"detail":      map[string]any{"findings": []json.RawMessage{raw}},
		})
		if err != nil {
			return err
		}
		out = append(out, ev)
		if n++; n == 4 {
			return scan.ErrStop
		}
		return nil
	})
	if err != nil && !errors.Is(err, scan.ErrStop) {
		return nil, fmt.Errorf("demo: reading the sandbox's findings: %w", err)
	}
	return out, nil
}

// isolateWithApproval shows the remediation the crypto-mining finding is
// waiting with, approves it as "analyst" over the API, and waits until the
// isolation is verified.
func isolateWithApproval(ctx context.Context, out io.Writer, t catalog, base, apiKey string, sb *sandbox.Sandbox, res *Result, timeout time.Duration) error {
	var pending []remediate.ApprovalView
	if err := waitFor(ctx, timeout, func() (bool, error) {
		body, err := get(ctx, base+"/approvals", apiKey)
		if err != nil {
			return false, err
		}
		return len(pending) > 0, json.Unmarshal([]byte(body), &pending)
	}); err != nil {
		return fmt.Errorf("demo: no approval request: %w", err)
	}
	a := pending[0]
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
	groups := func(id string) string {
		for _, acct := range sb.State().Accounts {
			for _, r := range acct.Regions {
				for _, in := range r.Instances {
					if in.ID == id {
						return strings.Join(in.SecurityGroups, ",")
					}
				}
			}
		}
		return ""
	}
	before := groups(a.Resource)
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/approvals/"+a.ID+"/approve", strings.NewReader(`{"by": "analyst"}`))
	if err != nil {
		return err
	}
	req.Header.Set("x-api-key", apiKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("demo: approving: %w", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("demo: approving %s: status %d", a.ID, resp.StatusCode)
	}
	fmt.Fprintf(out, t.approved, "analyst", a.ID)
	var r remediate.Remediation
	if err := waitFor(ctx, timeout, func() (bool, error) {
		body, err := get(ctx, base+"/remediations/"+a.RemediationID, apiKey)
		if err != nil {
			return false, err
		}
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			return false, err
		}
		if r.Status == remediate.StatusEscalated {
			return false, fmt.Errorf("demo: the isolation failed: %s", r.Error)
		}
		return r.Status == remediate.StatusVerified, nil
	}); err != nil {
		return err
	}
	res.Isolated = a.Resource
	fmt.Fprintf(out, t.isolated, a.Resource, before, groups(a.Resource), r.VerificationIn(lang.Lang(t.lang)))
	return nil
}

// post sends events to POST /events and returns how many were accepted.
func post(ctx context.Context, base, apiKey string, events [][]byte) (int, error) {
	body := append([]byte{'['}, bytes.Join(events, []byte{','})...)
	body = append(body, ']')
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/events", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("x-api-key", apiKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("demo: posting events: %w", err)
	}
	defer resp.Body.Close()
	var r server.PutEventsResponse
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("demo: posting events: status %d (%v)", resp.StatusCode, err)
	}
	return len(events) - r.FailedEntryCount, nil
}

func get(ctx context.Context, url, apiKey string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("x-api-key", apiKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: %d", url, resp.StatusCode)
	}
	return string(b), err
}

// countExplained returns how many of the events have an explanation.
func countExplained(ctx context.Context, base, apiKey string, ids map[string]bool) (int, error) {
	n := 0
	for id := range ids {
		req, err := http.NewRequestWithContext(ctx, "GET", base+"/explanations/"+id, nil)
		if err != nil {
			return 0, err
		}
		req.Header.Set("x-api-key", apiKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			n++
		}
	}
	return n, nil
}

func waitFor(ctx context.Context, d time.Duration, done func() (bool, error)) error {
	deadline := time.Now().Add(d)
	for {
		ok, err := done()
		if err != nil || ok {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("demo: deliveries did not finish within %s", d)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// published returns the messages of the demo's SNS topic.
func published(sb *sandbox.Sandbox) []*sandbox.Published {
	var out []*sandbox.Published
	for _, a := range sb.State().Accounts {
		for _, r := range a.Regions {
			for _, tp := range r.Topics {
				if tp.Name == topicName {
					out = append(out, tp.Published...)
				}
			}
		}
	}
	return out
}

// receiver stands in for a ticketing system (signed notifier documents on
// /tickets) and a pager (transformed inputs on /page).
type receiver struct {
	url     string
	srv     *http.Server
	mu      sync.Mutex
	tickets []webhook.Document
	pages   []string
}

func startReceiver(key []byte) (*receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &receiver{url: "http://" + ln.Addr().String()}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /tickets", func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		if err := webhook.Verify(key, req.Header.Get(webhook.TimestampHeader), req.Header.Get(webhook.SignatureHeader), body, 5*time.Minute); err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var d webhook.Document
		if err := json.Unmarshal(body, &d); err != nil {
			http.Error(w, "bad document", http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		r.tickets = append(r.tickets, d)
		r.mu.Unlock()
	})
	mux.HandleFunc("POST /page", func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.pages = append(r.pages, string(body))
		r.mu.Unlock()
	})
	r.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go r.srv.Serve(ln)
	return r, nil
}

func (r *receiver) counts() (tickets, pages int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.tickets), len(r.pages)
}

func (r *receiver) snapshot() ([]webhook.Document, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]webhook.Document(nil), r.tickets...), append([]string(nil), r.pages...)
}

func (r *receiver) close() { r.srv.Close() }

func randomHex() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// label names an event in the routing table: its kind and what it is about.
func label(ev *event.Event) string {
	switch ev.Kind() {
	case event.KindGuardDuty:
		if g, err := ev.GuardDuty(); err == nil {
			return "GuardDuty " + g.Type
		}
	case event.KindSecurityHub:
		if d, err := ev.SecurityHub(); err == nil && len(d.Findings) > 0 {
			return "Security Hub " + d.Findings[0].ControlID() + " " + d.Findings[0].Severity.Label
		}
	case event.KindCloudTrail:
		if c, err := ev.CloudTrail(); err == nil {
			return "CloudTrail " + c.EventName
		}
	}
	return ev.Source + " " + ev.DetailType
}

func firstLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append(lines[:n], "…")
	}
	return strings.Join(lines, "\n")
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}

// sandboxAWS is the AWS client provider and configuration of the sandbox
// at url: the demo's own account, nothing of the process's environment.
func sandboxAWS(ctx context.Context, url string) (*awsx.Provider, aws.Config, error) {
	provider := awsx.NewProvider(awsx.ProviderOptions{Options: awsx.Options{
		Endpoint: url, Region: "ap-northeast-1",
		Credentials: credentials.NewStaticCredentialsProvider("sandbox", "sandbox", ""),
	}})
	cfg, err := provider.Config(ctx)
	if err != nil {
		return nil, aws.Config{}, fmt.Errorf("demo: %w", err)
	}
	return provider, cfg, nil
}

// vigil is the demo's running vigil serve.
type vigil struct {
	p    *pipeline.Pipeline
	base string // http://127.0.0.1:PORT
	stop func()
}

// startVigil builds the pipeline of the configuration text (written at
// path) and serves its API on a free port of 127.0.0.1; env holds the
// secrets the configuration names.
func startVigil(ctx context.Context, path string, text []byte, provider *awsx.Provider, env map[string]string, logs io.Writer) (*vigil, error) {
	cfg, err := config.Parse(path, text)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if logs == nil {
		logs = io.Discard
	}
	resolver := &secrets.Resolver{Env: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	p, err := pipeline.New(ctx, cfg, pipeline.Deps{Logger: slog.New(slog.NewJSONHandler(logs, nil)), AWS: provider, Secrets: resolver})
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	srvCtx, stopServer := context.WithCancel(ctx)
	addr := make(chan string, 1)
	served := make(chan error, 1)
	go func() {
		served <- server.Run(srvCtx, p, server.RunOptions{Listening: func(a string) { addr <- a }})
	}()
	select {
	case a := <-addr:
		return &vigil{p: p, base: "http://" + a, stop: func() { stopServer(); <-served }}, nil
	case err := <-served:
		stopServer()
		return nil, fmt.Errorf("demo: the server stopped: %w", err)
	case <-time.After(30 * time.Second):
		stopServer()
		<-served
		return nil, errors.New("demo: the server did not start within 30s")
	}
}
