package ask

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/lang"
)

func TestParse(t *testing.T) {
	t.Parallel()
	jst := time.FixedZone("JST", 9*3600)
	now := time.Date(2026, 12, 3, 15, 4, 5, 0, jst) // a Thursday
	cases := []struct {
		q     string
		kind  intent
		count bool
		few   bool
		lang  lang.Lang
		want  string // the filter as JSON
	}{
		{q: "Security Hub の検出結果のうち、Critical なものを幾つか提示して", kind: intentFindings, few: true, lang: lang.JA, want: `{"severity":["CRITICAL"]}`},
		{q: "クリティカルな検出結果はいくつありますか", kind: intentFindings, count: true, lang: lang.JA, want: `{"severity":["CRITICAL"]}`},
		{q: "ｸﾘﾃｨｶﾙ と Ｈｉｇｈ の違反を見せて", kind: intentFindings, lang: lang.JA, want: `{"severity":["CRITICAL","HIGH"]}`},
		{q: "重要度「中」の検出結果", kind: intentFindings, lang: lang.JA, want: `{"severity":["MEDIUM"]}`},
		{q: "その中で対応中のものは？", kind: intentHelp, lang: lang.JA, want: `{}`},
		{q: "ハイブリッド構成の IAM ロールの検出結果", kind: intentFindings, lang: lang.JA, want: `{"resource_type":["AwsIamRole"]}`},
		{q: "Medium or higher findings in ap-northeast-1 and us-east-1", kind: intentFindings, lang: lang.EN,
			want: `{"severity":["CRITICAL","HIGH","MEDIUM"],"region":["ap-northeast-1","us-east-1"]}`},
		{q: "low or lower findings", kind: intentFindings, lang: lang.EN, want: `{"severity":["LOW","INFORMATIONAL"]}`},
		{q: "at least high severity violations", kind: intentFindings, lang: lang.EN, want: `{"severity":["CRITICAL","HIGH"]}`},
		{q: "highlight the s3.1 and EC2.19 findings of account 123456789012", kind: intentFindings, lang: lang.EN,
			want: `{"control_id":["S3.1","EC2.19"],"account_id":["123456789012"]}`},
		{q: "S3 の違反は何件", kind: intentFindings, count: true, lang: lang.JA, want: `{"service":["S3"]}`},
		{q: "EC2 インスタンスの検出結果", kind: intentFindings, lang: lang.JA, want: `{"resource_type":["AwsEc2Instance"]}`},
		{q: "RDS インスタンスの検出結果", kind: intentFindings, lang: lang.JA, want: `{"resource_type":["AwsRdsDbInstance"]}`},
		{q: "GuardDuty の検出結果を見せて", kind: intentFindings, lang: lang.JA, want: `{"product":["GuardDuty"]}`},
		{q: "今日の検出結果", kind: intentFindings, lang: lang.JA, want: `{"since":"2026-12-02T15:00:00Z","until":"2026-12-03T06:04:05Z"}`},
		{q: "昨日の検出結果", kind: intentFindings, lang: lang.JA, want: `{"since":"2026-12-01T15:00:00Z","until":"2026-12-02T15:00:00Z"}`},
		{q: "findings this week", kind: intentFindings, lang: lang.EN, want: `{"since":"2026-11-29T15:00:00Z","until":"2026-12-03T06:04:05Z"}`},
		{q: "直近3日間に更新された検出結果", kind: intentFindings, lang: lang.JA, want: `{"since":"2026-11-30T06:04:05Z","until":"2026-12-03T06:04:05Z","time_field":"updated"}`},
		{q: "findings in the last 12 hours", kind: intentFindings, lang: lang.EN, want: `{"since":"2026-12-02T18:04:05Z","until":"2026-12-03T06:04:05Z"}`},
		{q: "解決済みで失敗の検出結果", kind: intentFindings, lang: lang.JA, want: `{"workflow_status":["RESOLVED"],"compliance_status":["FAILED"]}`},
		{q: "不合格の検出結果", kind: intentFindings, lang: lang.JA, want: `{"compliance_status":["FAILED"]}`},
		{q: "違反を教えて", kind: intentFindings, lang: lang.JA, want: `{}`},
		{q: "i-0123456789abcdef0 について教えて", kind: intentDescribe, lang: lang.JA, want: `{}`},
		{q: "i-0123456789abcdef0 の検出結果を教えて", kind: intentFindings, lang: lang.JA, want: `{"resource_id":["i-0123456789abcdef0"]}`},
		{q: "Describe sg-0123456789abcdef0", kind: intentDescribe, lang: lang.EN, want: `{}`},
		{q: "S3.8 とは？", kind: intentExplain, lang: lang.JA, want: `{"control_id":["S3.8"]}`},
		{q: "How do I fix EC2.19?", kind: intentExplain, lang: lang.EN, want: `{"control_id":["EC2.19"]}`},
		{q: "explain arn:aws:securityhub:ap-northeast-1:111122223333:security-control/S3.1/finding/abc", kind: intentExplain, lang: lang.EN, want: `{}`},
		{q: "GuardDuty.1 を修復して", kind: intentRemediate, lang: lang.JA, want: `{"control_id":["GuardDuty.1"]}`},
		{q: "GuardDuty を有効化してください", kind: intentRemediate, lang: lang.JA, want: `{"product":["GuardDuty"]}`},
		{q: "fix it", kind: intentRemediate, lang: lang.EN, want: `{}`},
		{q: "S3.1 の修復手順を教えて", kind: intentExplain, lang: lang.JA, want: `{"control_id":["S3.1"]}`},
		{q: "パスワードについての社内規程は？", kind: intentPolicies, lang: lang.JA, want: `{}`},
		{q: "What does our policy say about access keys?", kind: intentPolicies, lang: lang.EN, want: `{"resource_type":["AwsIamAccessKey"]}`},
		{q: "help", kind: intentHelp, lang: lang.EN, want: `{}`},
		{q: "天気はどう？", kind: intentHelp, lang: lang.JA, want: `{}`},
	}
	for _, c := range cases {
		p := parse(c.q, now, jst)
		got, _ := json.Marshal(p.filter)
		if p.kind != c.kind || p.count != c.count || p.few != c.few || p.lang != c.lang || string(got) != c.want {
			t.Errorf("%s:\n got kind %d count %v few %v lang %s %s\nwant kind %d count %v few %v lang %s %s",
				c.q, p.kind, p.count, p.few, p.lang, got, c.kind, c.count, c.few, c.lang, c.want)
		}
	}
	if q := parse("パスワードについての社内規程は？", now, jst).query; q == "" || q == "パスワードについての社内規程は？" {
		t.Errorf("policy query %q", q)
	}
}
