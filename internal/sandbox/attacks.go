package sandbox

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// An attack scenario is a game day: the demo account, with a logging
// trail, a GuardDuty detector and CIS-style CloudWatch alarms added, and
// an attacker who plays a sequence of real API calls against it. The
// calls are served like any other (CloudTrail records, "AWS API Call via
// CloudTrail" events), and the sandbox reports what AWS's detection would:
// GuardDuty findings (also in Security Hub), Security Hub control
// findings, and alarm state changes.
type attack struct {
	summary string
	play    func(p *player) error
}

// attacks are the game days, by the name --scenario takes.
var attacks = map[string]attack{
	"stolen-key": {"a leaked IAM user access key used from outside: discovery, secrets read, privilege escalation " +
		"(AdministratorAccess attached to itself), persistence (a new user with a key and a console password), " +
		"exfiltration (bucket objects read, an EBS snapshot shared with another account)", playStolenKey},
	"crypto-mining": {"a stolen key launches large instances in two regions to mine cryptocurrency and opens " +
		"egress to a mining pool", playCryptoMining},
	"public-bucket": {"the data bucket's public access block is removed and a public read policy put on it, " +
		"then its objects are read anonymously", playPublicBucket},
	"cloudtrail-stopped": {"an attacker stops the organisation trail, then creates a user unseen by the trail", playCloudTrailStopped},
	"ssh-open": {"SSH is opened to the world on the payments API security group, and the instance behind it " +
		"is brute-forced", playSSHOpen},
}

// AttackInfo names an attack scenario and says what it plays.
type AttackInfo struct {
	Name    string `json:"name"`
	Summary string `json:"summary"`
}

// Attacks lists the attack scenarios.
func Attacks() []AttackInfo {
	var out []AttackInfo
	for _, n := range sortedKeys(attacks) {
		out = append(out, AttackInfo{n, attacks[n].summary})
	}
	return out
}

// AttackStep is one thing an attack did: a call it made, or a finding or
// alarm AWS's detection raised.
type AttackStep struct {
	Time time.Time `json:"time"`
	// Tactic is the MITRE ATT&CK tactic, or Detection.
	Tactic string `json:"tactic"`
	What   string `json:"what"`
	Error  string `json:"error,omitempty"`
}

// AttackReport is what an attack did.
type AttackReport struct {
	Attack   string       `json:"attack"`
	Account  string       `json:"account"`
	Region   string       `json:"region"`
	SourceIP string       `json:"source_ip"`
	Steps    []AttackStep `json:"steps"`
}

// Attack-scenario constants: the demo account and region, and who the
// attacker is.
const (
	gameAccount   = "111122223333"
	gameRegion    = "ap-northeast-1"
	attackerIP    = "203.0.113.66"
	attackerAgent = "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-kali3-amd64 exe/x86_64.kali.2024 prompt/off command/iam.create-user"
	stolenKey     = "AKIAH24JZLHVCY3F7F6L" // etl-batch's key in the demo
	attackerAcct  = "999988887777"
	gameTrail     = "org-trail"
	trailBucket   = "example-cloudtrail-logs-111122223333"
	dataBucket    = "ap-analytics-raw-111122223333"
)

// AttackScenario is the scenario of an attack: the demo scenario with a
// logging multi-region trail (into a sandbox bucket), a GuardDuty
// detector, CIS-style alarms notifying security-oncall, and data objects
// to steal.
func AttackScenario(name string) (*Scenario, error) {
	if _, ok := attacks[name]; !ok {
		return nil, fmt.Errorf("scenario: %q is not an attack scenario (%s)", name, strings.Join(sortedKeys(attacks), ", "))
	}
	sc := Demo()
	sc.Name, sc.Attack = name, name
	a := sc.Accounts[0]
	a.Buckets = append(a.Buckets, &Bucket{Name: trailBucket, Region: gameRegion, PublicAccessBlock: &PublicAccessBlock{true, true, true, true}})
	for _, b := range a.Buckets {
		if b.Name == dataBucket {
			b.Objects = []*S3Object{
				{Key: "customers/2025-04.csv", Content: "id,name,email\n1,Aiko Tanaka,aiko@example.jp\n2,Ben Ito,ben@example.jp\n", ContentType: "text/csv"},
				{Key: "customers/2025-05.csv", Content: "id,name,email\n3,Chika Mori,chika@example.jp\n", ContentType: "text/csv"},
				{Key: "finance/payouts-2025-q1.parquet", Content: "PAR1 (sample data)", ContentType: "application/octet-stream"},
			}
		}
	}
	r := a.findRegion(gameRegion)
	r.Trails = append(r.Trails, &Trail{Name: gameTrail, Bucket: trailBucket, MultiRegion: true, Logging: true, LogFileValidation: true})
	r.Detectors = append(r.Detectors, &Detector{ID: "6ab3d8f7c2e14f0a9b5d1e7c3f8a2b64", FindingPublishingFrequency: "FIFTEEN_MINUTES"})
	oncall := regionalARN(gameRegion, "sns", gameAccount, "security-oncall")
	cis := func(name, metric string) *Alarm {
		return &Alarm{Name: name, Description: "CIS AWS Foundations: " + name, Namespace: "CloudTrailMetrics", MetricName: metric, Statistic: "Sum",
			Period: 300, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: "GreaterThanOrEqualToThreshold", TreatMissingData: "notBreaching",
			ActionsEnabled: true, AlarmActions: []string{oncall}, State: "OK", StateReason: "Threshold Crossed: no datapoints were breaching the threshold."}
	}
	r.Alarms = append(r.Alarms,
		cis("iam-policy-changes", "IAMPolicyEventCount"),
		cis("cloudtrail-config-changes", "CloudTrailEventCount"),
		cis("security-group-changes", "SecurityGroupEventCount"),
		cis("s3-bucket-policy-changes", "S3BucketPolicyEventCount"),
		&Alarm{Name: "ec2-cpu-high", Description: "Sustained CPU: possible cryptocurrency mining", Namespace: "AWS/EC2", MetricName: "CPUUtilization",
			Statistic: "Average", Period: 300, EvaluationPeriods: 1, Threshold: 90, ComparisonOperator: "GreaterThanThreshold",
			TreatMissingData: "notBreaching", ActionsEnabled: true, AlarmActions: []string{oncall}, State: "OK"},
	)
	return sc, sc.Validate()
}

// player plays an attack, recording its steps.
type player struct {
	sb     *Sandbox
	ctx    context.Context
	report *AttackReport
	// c acts as the attacker with the stolen key.
	c *caller
}

// Play plays an attack scenario against the running sandbox (which
// should hold its scenario, see AttackScenario) and reports what it did.
// The steps run at once, one after the other.
func (sb *Sandbox) Play(ctx context.Context, name string) (*AttackReport, error) {
	a, ok := attacks[name]
	if !ok {
		return nil, fmt.Errorf("sandbox: %q is not an attack scenario (%s)", name, strings.Join(sortedKeys(attacks), ", "))
	}
	p := &player{sb: sb, ctx: ctx, report: &AttackReport{Attack: name, Account: gameAccount, Region: gameRegion, SourceIP: attackerIP}}
	p.c = sb.caller(ctx, stolenKey, "stolen-secret", gameRegion, attackerIP, attackerAgent)
	err := a.play(p)
	if ferr := sb.Flush(ctx); err == nil {
		err = ferr
	}
	return p.report, err
}

// step records a call the attacker made; a failed call is recorded, and
// stops the attack only when stop is set.
func (p *player) step(tactic, what string, err error) error {
	s := AttackStep{Time: time.Now().UTC(), Tactic: tactic, What: what}
	if err != nil {
		s.Error = err.Error()
	}
	p.report.Steps = append(p.report.Steps, s)
	if err != nil {
		return fmt.Errorf("attack step %q: %w", what, err)
	}
	return nil
}

// finding raises a GuardDuty finding (also sent to Security Hub and as
// events) as GuardDuty would for what the attacker did.
func (p *player) finding(sp FindingSpec) {
	sp.Account, sp.Region = orDefault(sp.Account, gameAccount), orDefault(sp.Region, gameRegion)
	if sp.RemoteIP == "" {
		sp.RemoteIP = attackerIP
	}
	p.sb.mu.Lock()
	id, err := p.sb.addGuardDutyFinding(sp)
	p.sb.mu.Unlock()
	p.step("Detection", "GuardDuty finding "+sp.Type+" ("+id+")", err)
}

// control imports a failed Security Hub control finding for a resource.
func (p *player) control(controlID, title, resType, resID, severity string) {
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	p.sb.mu.Lock()
	defer p.sb.mu.Unlock()
	id := regionalARN(gameRegion, "securityhub", gameAccount, "security-control/"+controlID+"/finding/"+p.sb.st.uuid())
	f := map[string]any{
		"SchemaVersion": "2018-10-08", "Id": id, "ProductArn": "arn:aws:securityhub:" + gameRegion + "::product/aws/securityhub",
		"ProductName": "Security Hub", "CompanyName": "AWS", "Region": gameRegion, "GeneratorId": "security-control/" + controlID,
		"AwsAccountId": gameAccount, "Types": []string{"Software and Configuration Checks/Industry and Regulatory Standards/AWS-Foundational-Security-Best-Practices"},
		"FirstObservedAt": now, "LastObservedAt": now, "CreatedAt": now, "UpdatedAt": now,
		"Severity": map[string]any{"Label": severity, "Normalized": severityNormalized[severity], "Original": severity},
		"Title":    title, "Description": "This AWS control checks: " + title + ".",
		"Resources":  []map[string]any{{"Type": resType, "Id": resID, "Partition": "aws", "Region": gameRegion}},
		"Compliance": map[string]any{"Status": "FAILED", "SecurityControlId": controlID},
		"Workflow":   map[string]string{"Status": "NEW"}, "WorkflowState": "NEW", "RecordState": "ACTIVE",
		"ProductFields": map[string]string{"aws/securityhub/FindingId": "arn:aws:securityhub:" + gameRegion + "::product/aws/securityhub/" + id},
	}
	raw, _ := json.Marshal(f)
	hf, err := p.sb.st.findings.importRaw(raw, gameRegion, time.Now().UTC(), false)
	if err == nil {
		p.sb.emitFinding(hf)
	}
	p.report.Steps = append(p.report.Steps, AttackStep{Time: time.Now().UTC(), Tactic: "Detection", What: "Security Hub control " + controlID + " FAILED for " + resID})
}

// metric puts a data point, as a CloudWatch Logs metric filter on the
// trail (or EC2's own metrics) would, and evaluates the alarms on it.
func (p *player) metric(region, ns, name string, value float64) {
	p.sb.mu.Lock()
	defer p.sb.mu.Unlock()
	a := p.sb.st.account(gameAccount)
	r := a.region(region)
	m := &Metric{Namespace: ns, Name: name, Value: value, Unit: "Count", Timestamp: time.Now().UTC()}
	if ns == "AWS/EC2" {
		m.Unit = "Percent"
	}
	r.Metrics = append(r.Metrics, m)
	rq := &request{sb: p.sb, account: gameAccount, region: region}
	before := map[string]string{}
	for _, al := range r.Alarms {
		before[al.Name] = al.State
	}
	rq.evaluateAlarms(r, []*Metric{m})
	for _, al := range r.Alarms {
		if al.State != before[al.Name] {
			p.report.Steps = append(p.report.Steps, AttackStep{Time: time.Now().UTC(), Tactic: "Detection", What: "CloudWatch alarm " + al.Name + " " + before[al.Name] + " → " + al.State})
		}
	}
}

// xmlField reads the first <name>value</name> of an XML response.
func xmlField(b []byte, name string) string {
	re := regexp.MustCompile("<" + regexp.QuoteMeta(name) + ">([^<]*)</" + regexp.QuoteMeta(name) + ">")
	if m := re.FindSubmatch(b); m != nil {
		var s string
		if xml.Unmarshal([]byte("<x>"+string(m[1])+"</x>"), &s) == nil {
			return s
		}
		return string(m[1])
	}
	return ""
}

// xmlFields reads every <name>value</name> of an XML response.
func xmlFields(b []byte, name string) []string {
	re := regexp.MustCompile("<" + regexp.QuoteMeta(name) + ">([^<]*)</" + regexp.QuoteMeta(name) + ">")
	var out []string
	for _, m := range re.FindAllSubmatch(b, -1) {
		if !slices.Contains(out, string(m[1])) {
			out = append(out, string(m[1]))
		}
	}
	return out
}
