package sandbox_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/vigilhq/vigil/internal/sandbox"
)

// TestAttackScenariosEmitWhatAWSWould plays every attack scenario against
// a sandbox posting events to a stand-in for vigil's POST /events and
// writing CloudTrail files, and checks each produced the records, findings
// and alarm events AWS would.
func TestAttackScenariosEmitWhatAWSWould(t *testing.T) {
	want := map[string]struct {
		calls    []string // eventNames that must reach the events URL
		findings []string // GuardDuty finding types
		alarms   []string
	}{
		"stolen-key": {[]string{"AttachUserPolicy", "CreateUser", "CreateAccessKey", "CreateLoginProfile", "ModifySnapshotAttribute"},
			[]string{"UnauthorizedAccess:IAMUser/MaliciousIPCaller", "PrivilegeEscalation:IAMUser/AnomalousBehavior", "Persistence:IAMUser/AnomalousBehavior", "Exfiltration:IAMUser/AnomalousBehavior"},
			[]string{"iam-policy-changes"}},
		"crypto-mining":      {[]string{"RunInstances", "AuthorizeSecurityGroupEgress"}, []string{"CryptoCurrency:EC2/BitcoinTool.B!DNS"}, []string{"ec2-cpu-high"}},
		"public-bucket":      {[]string{"DeletePublicAccessBlock", "PutBucketPolicy"}, []string{"Policy:S3/BucketBlockPublicAccessDisabled", "Policy:S3/BucketAnonymousAccessGranted"}, []string{"s3-bucket-policy-changes"}},
		"cloudtrail-stopped": {[]string{"StopLogging"}, []string{"Stealth:IAMUser/CloudTrailLoggingDisabled"}, []string{"cloudtrail-config-changes"}},
		"ssh-open":           {[]string{"AuthorizeSecurityGroupIngress"}, []string{"UnauthorizedAccess:EC2/SSHBruteForce"}, []string{"security-group-changes"}},
	}
	if got := sandbox.Attacks(); len(got) != len(want) {
		t.Fatalf("attacks = %v", got)
	}
	for _, a := range sandbox.Attacks() {
		t.Run(a.Name, func(t *testing.T) {
			t.Parallel()
			w := want[a.Name]
			dir := t.TempDir()
			col := newEventCollector(t, "game-day-key")
			sc, err := sandbox.LoadScenario(a.Name)
			if err != nil {
				t.Fatal(err)
			}
			sb := startOpts(t, sandbox.Options{Scenario: sc, TrailDir: dir, EventsURL: col.srv.URL, EventsAPIKey: "game-day-key"})
			rep := sb.AttackReport()
			if rep == nil || len(rep.Steps) < 3 {
				t.Fatalf("report = %+v", rep)
			}
			for _, s := range rep.Steps {
				if s.Error != "" {
					t.Errorf("step %q failed: %s", s.What, s.Error)
				}
			}
			if err := sb.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			evs := col.list()
			var calls, findings, alarms []string
			for _, e := range evs {
				d, _ := e["detail"].(map[string]any)
				switch e["detail-type"] {
				case "AWS API Call via CloudTrail":
					calls = append(calls, d["eventName"].(string))
				case "GuardDuty Finding":
					findings = append(findings, d["type"].(string))
				case "CloudWatch Alarm State Change":
					if d["state"].(map[string]any)["value"] == "ALARM" {
						alarms = append(alarms, d["alarmName"].(string))
					}
				}
			}
			for _, c := range w.calls {
				if !slices.Contains(calls, c) {
					t.Errorf("no CloudTrail event for %s (got %v)", c, calls)
				}
			}
			for _, f := range w.findings {
				if !slices.Contains(findings, f) {
					t.Errorf("no GuardDuty finding %s (got %v)", f, findings)
				}
			}
			for _, al := range w.alarms {
				if !slices.Contains(alarms, al) {
					t.Errorf("alarm %s did not go to ALARM (got %v)", al, alarms)
				}
			}
			if n := len(eventsOf(col, "Security Hub Findings - Imported")); n < len(w.findings) {
				t.Errorf("%d Security Hub events for %d GuardDuty findings", n, len(w.findings))
			}
			// The attacker's calls are in the trail files, from the attacker.
			var fromAttacker int
			for _, r := range readTrail(t, dir) {
				if r["sourceIPAddress"] == rep.SourceIP {
					fromAttacker++
				}
			}
			if fromAttacker == 0 && a.Name != "ssh-open" {
				t.Errorf("no trail record from %s", rep.SourceIP)
			}
		})
	}
}

// TestCloudTrailStoppedHidesLaterCallsFromTheTrail checks what stopping
// the trail achieves: later calls are in CloudTrail's event history but
// not delivered.
func TestCloudTrailStoppedHidesLaterCallsFromTheTrail(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sc, err := sandbox.AttackScenario("cloudtrail-stopped")
	if err != nil {
		t.Fatal(err)
	}
	sb := startOpts(t, sandbox.Options{Scenario: sc, TrailDir: dir})
	var names []string
	for _, r := range readTrail(t, dir) {
		names = append(names, r["eventName"].(string))
	}
	if !slices.Contains(names, "StopLogging") || slices.Contains(names, "CreateUser") {
		t.Errorf("delivered %v: want StopLogging and not the CreateUser that followed", names)
	}
	ct := cloudtrail.NewFromConfig(cfg(sb, "us-east-1"))
	lk := must[*cloudtrail.LookupEventsOutput](t)(ct.LookupEvents(ctx, &cloudtrail.LookupEventsInput{
		LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: cttypes.LookupAttributeKeyEventName, AttributeValue: aws.String("CreateUser")}}}))
	if len(lk.Events) != 1 || !strings.Contains(aws.ToString(lk.Events[0].CloudTrailEvent), "203.0.113.66") {
		t.Errorf("event history = %+v", lk.Events)
	}
}
