package event

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func sample(t *testing.T, name string) *Event {
	t.Helper()
	raw, ok := samples(t)[name]
	if !ok {
		t.Fatalf("no sample %s", name)
	}
	e, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestSecurityHubView(t *testing.T) {
	e := sample(t, "securityhub_findings_imported.fsbp_ec2_7.json")
	d, err := e.SecurityHub()
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Findings) != 1 {
		t.Fatalf("%d findings", len(d.Findings))
	}
	f := d.Findings[0]
	if f.ControlID() != "EC2.7" || f.Severity.Label != "INFORMATIONAL" || f.Compliance.Status != "FAILED" ||
		f.Resources[0].ID != "AWS::::Account:111111111111" || f.Remediation.Recommendation.URL != "https://docs.aws.amazon.com/console/securityhub/EC2.7/remediation" {
		t.Errorf("finding: %+v", f)
	}
	if got := f.RelatedConfigRules(); len(got) != 1 || got[0] != "securityhub-ec2-ebs-encryption-by-default-d60ccae6" {
		t.Errorf("config rules %v", got)
	}

	cis, err := sample(t, "securityhub_findings_imported.cis_1_4.json").SecurityHub()
	if err != nil {
		t.Fatal(err)
	}
	c := cis.Findings[0]
	if c.ControlID() != "" || c.RuleID() != "1.4" || c.Compliance.Status != "WARNING" ||
		c.Compliance.StatusReasons[0].ReasonCode != "CONFIG_ACCESS_DENIED" ||
		c.StandardsArn() != "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0" {
		t.Errorf("cis finding: %+v", c)
	}

	ca, err := sample(t, "securityhub_findings_custom_action.fsbp_ec2_7.json").SecurityHub()
	if err != nil {
		t.Fatal(err)
	}
	if ca.ActionName != "AFSBPec27" || ca.Findings[0].Severity.Label != "MEDIUM" {
		t.Errorf("custom action: %+v", ca)
	}
}

func TestSecurityHubSeveralFindings(t *testing.T) {
	raw := `{"source":"aws.securityhub","detail-type":"Security Hub Findings - Imported","detail":{"findings":[
		{"Id":"a","Title":"one","Compliance":{"SecurityControlId":"S3.1"},"Severity":{"Label":"HIGH"}},
		{"Id":"b","Title":"two","ProductFields":{"ControlId":"IAM.4"}}]}}`
	e, err := Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	d, err := e.SecurityHub()
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Findings) != 2 || d.Findings[0].ControlID() != "S3.1" || d.Findings[1].ControlID() != "IAM.4" {
		t.Errorf("%+v", d.Findings)
	}
}

func TestGuardDutyView(t *testing.T) {
	f, err := sample(t, "guardduty.unauthorizedaccess_ec2_sshbruteforce.json").GuardDuty()
	if err != nil {
		t.Fatal(err)
	}
	nc := f.Service.Action.NetworkConnectionAction
	if f.Type != "UnauthorizedAccess:EC2/SSHBruteForce" || f.Severity != 2 || f.Resource.InstanceDetails.InstanceID != "i-0a1b2c3d4e5f60718" ||
		nc == nil || nc.RemoteIPDetails.IPAddressV4 != "203.0.113.45" || nc.LocalPortDetails.Port != 22 || f.Service.Count != 14 ||
		f.Resource.InstanceDetails.NetworkInterfaces[0].SecurityGroups[0].GroupID != "sg-0e7d3c2b1a0f98765" {
		t.Errorf("%+v", f)
	}
	s3, err := sample(t, "guardduty.discovery_s3_maliciousipcaller.json").GuardDuty()
	if err != nil {
		t.Fatal(err)
	}
	api := s3.Service.Action.AwsAPICallAction
	if s3.Resource.S3BucketDetails[0].Name != "ap-analytics-raw-111122223333" || s3.Resource.AccessKeyDetails.AccessKeyID != "AKIAH24JZLHVCY3F7F6L" ||
		api == nil || api.API != "ListObjects" || api.RemoteIPDetails.IPAddressV4 != "198.51.100.142" {
		t.Errorf("%+v", s3)
	}
	pp, err := sample(t, "guardduty.recon_ec2_portprobeunprotectedport.json").GuardDuty()
	if err != nil {
		t.Fatal(err)
	}
	if p := pp.Service.Action.PortProbeAction; p == nil || len(p.PortProbeDetails) != 2 || p.PortProbeDetails[1].LocalPortDetails.Port != 80 {
		t.Errorf("port probe: %+v", pp.Service.Action)
	}
	dns, err := sample(t, "guardduty.backdoor_ec2_ccactivity_b_dns.json").GuardDuty()
	if err != nil {
		t.Fatal(err)
	}
	if d := dns.Service.Action.DNSRequestAction; d == nil || d.Domain != "telemetry-sync.cdn-update-check.example" {
		t.Errorf("dns: %+v", dns.Service.Action)
	}
}

func TestGuardDutyNumericLaunchTime(t *testing.T) {
	raw := `{"source":"aws.guardduty","detail-type":"GuardDuty Finding","detail":{"type":"X","resource":{"instanceDetails":{"instanceId":"i-1","launchTime":1492735675000}}}}`
	e, err := Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	f, err := e.GuardDuty()
	if err != nil {
		t.Fatal(err)
	}
	if f.Resource.InstanceDetails.LaunchTime != "1492735675000" {
		t.Errorf("launchTime %q", f.Resource.InstanceDetails.LaunchTime)
	}
}

func TestConfigView(t *testing.T) {
	c, err := sample(t, "config_rules_compliance_change.cloudtrail_enabled.docs_derived.json").Config()
	if err != nil {
		t.Fatal(err)
	}
	if c.ConfigRuleName != "cloudtrail-enabled" || c.ResourceID != "123456789012" || c.NewEvaluationResult.ComplianceType != "COMPLIANT" ||
		c.OldEvaluationResult.ComplianceType != "NON_COMPLIANT" {
		t.Errorf("%+v", c)
	}
}

func TestAlarmViews(t *testing.T) {
	tests := map[string]AlarmType{
		"cloudwatch_alarm_state_change.single_metric.json":     AlarmSingleMetric,
		"cloudwatch_alarm_state_change.metric_math.json":       AlarmMetricMath,
		"cloudwatch_alarm_state_change.anomaly_detection.json": AlarmAnomalyDetection,
		"cloudwatch_alarm_state_change.composite.json":         AlarmComposite,
	}
	for name, want := range tests {
		a, err := sample(t, name).Alarm()
		if err != nil {
			t.Fatal(err)
		}
		if a.Type() != want {
			t.Errorf("%s: type %s, want %s", name, a.Type(), want)
		}
		if a.State.Value != "ALARM" || a.State.ParsedReasonData() == nil {
			t.Errorf("%s: state %+v", name, a.State)
		}
	}
	a, _ := sample(t, "cloudwatch_alarm_state_change.single_metric.json").Alarm()
	rd := a.State.ParsedReasonData()
	if rd.Threshold.String() != "50.0" || rd.RecentDatapoints[0].String() != "99.50160229693434" {
		t.Errorf("reason data %+v", rd)
	}
	if a.Configuration.Metrics[0].MetricStat.Metric.Dimensions["InstanceId"] != "i-12345678901234567" {
		t.Errorf("dimensions %+v", a.Configuration.Metrics[0])
	}
	c, _ := sample(t, "cloudwatch_alarm_state_change.composite.json").Alarm()
	if rd := c.State.ParsedReasonData(); len(rd.TriggeringAlarms) != 1 || !strings.HasSuffix(rd.TriggeringAlarms[0].Arn, ":alarm:ServerCpuTooHigh") {
		t.Errorf("composite reason %+v", rd)
	}
	if c.Configuration.ActionsSuppressor != "ServiceMaintenanceAlarm" || c.State.ActionsSuppressedBy != "WaitPeriod" {
		t.Errorf("composite %+v", c)
	}
}

func TestHealthView(t *testing.T) {
	h, err := sample(t, "health_event.ec2_instance_store_drive_performance_degraded.json").Health()
	if err != nil {
		t.Fatal(err)
	}
	if h.EventTypeCode != "AWS_EC2_INSTANCE_STORE_DRIVE_PERFORMANCE_DEGRADED" || h.Service != "EC2" ||
		h.AffectedEntities[0].EntityValue != "i-abcd1111" || h.AffectedEntities[0].Tags["stage"] != "prod" ||
		h.Description("en_US") != "A description of the event will be provided here" {
		t.Errorf("%+v", h)
	}
}

func TestAccessAnalyzerView(t *testing.T) {
	a, err := sample(t, "access_analyzer_finding.cross_account_s3.json").AccessAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	if a.Resource != "arn:aws:s3:::my-bucket" || a.Principal["AWS"] != "999988887777" || a.Action[0] != "s3:GetObject" || a.Status != "ACTIVE" {
		t.Errorf("%+v", a)
	}
	d, err := sample(t, "access_analyzer_finding.error_access_denied.json").AccessAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	if d.Error != "ACCESS_DENIED" {
		t.Errorf("%+v", d)
	}
}

func TestCloudTrailView(t *testing.T) {
	c, err := sample(t, "cloudtrail_api_call.s3_createbucket_root.json").CloudTrail()
	if err != nil {
		t.Fatal(err)
	}
	if c.EventName != "CreateBucket" || c.UserIdentity.Type != "Root" || c.UserIdentity.SessionContext.Attributes.MfaAuthenticated != "false" ||
		c.SourceIPAddress != "100.100.100.100" || !strings.Contains(string(c.RequestParameters), "bucket-test-iad") {
		t.Errorf("%+v", c)
	}
}

func TestInstanceStateView(t *testing.T) {
	s, err := sample(t, "ec2_instance_state_change.terminated.json").InstanceState()
	if err != nil {
		t.Fatal(err)
	}
	if s.InstanceID != " i-1234567890abcdef0" || s.State != "terminated" {
		t.Errorf("%+v", s)
	}
}

func TestViewWrongKind(t *testing.T) {
	e := sample(t, "ec2_instance_state_change.terminated.json")
	_, err := e.GuardDuty()
	var ke *KindError
	if !errors.As(err, &ke) || ke.Want != KindGuardDuty || ke.Got != KindInstanceState {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), `"aws.ec2"`) {
		t.Errorf("error does not name the source: %v", err)
	}
}

func TestViewBadDetailType(t *testing.T) {
	raw := `{"source":"aws.guardduty","detail-type":"GuardDuty Finding","detail":{"severity":"high"}}`
	e, err := Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.GuardDuty()
	if err == nil || !strings.Contains(err.Error(), `"severity"`) || !strings.Contains(err.Error(), "string") {
		t.Errorf("err = %v", err)
	}
}

func TestTextUnmarshal(t *testing.T) {
	var v struct{ A, B, C, D, E Text }
	if err := json.Unmarshal([]byte(`{"A":"plain","B":"esc\"aped\u00e9","C":50.0,"D":null,"E":true}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != "plain" || v.B != `esc"apedé` || v.C != "50.0" || v.D != "" || v.E != "true" {
		t.Errorf("%+v", v)
	}
	if err := json.Unmarshal([]byte(`{"A":{}}`), &v); err == nil {
		t.Error("object accepted as Text")
	}
}

// A parsed event decodes each typed view once; a changed Detail, or an
// event not made by Parse, is decoded again.
func TestViewsDecodedOnce(t *testing.T) {
	raw := []byte(`{"version":"0","id":"1","detail-type":"GuardDuty Finding","source":"aws.guardduty","account":"111122223333","time":"2025-01-01T00:00:00Z","region":"us-east-1","resources":[],"detail":{"type":"Recon:EC2/PortProbeUnprotectedPort","severity":2}}`)
	e, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.GuardDuty()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := e.GuardDuty()
	if a != b {
		t.Error("the second call decoded the detail again")
	}
	if _, err := e.SecurityHub(); err == nil {
		t.Error("a GuardDuty event read as Security Hub")
	}
	e.Detail = json.RawMessage(`{"type":"Recon:EC2/Portscan","severity":5}`)
	c, _ := e.GuardDuty()
	if c == a || c.Type != "Recon:EC2/Portscan" {
		t.Errorf("a changed detail was not decoded again: %+v", c)
	}
	lit := &Event{Source: "aws.guardduty", DetailType: "GuardDuty Finding", Detail: e.Detail}
	x, _ := lit.GuardDuty()
	y, _ := lit.GuardDuty()
	if x == nil || x == y {
		t.Error("an event not made by Parse shares its views")
	}
	if testing.AllocsPerRun(100, func() { _, _ = e.GuardDuty() }) != 0 {
		t.Error("a cached view allocates")
	}
}
