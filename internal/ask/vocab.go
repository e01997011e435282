package ask

import (
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/vigilhq/vigil/internal/knowledge"
)

// The words of questions, in English and Japanese, that the built-in
// engine understands. Text is matched after width folding (Ｓ３ is S3,
// ｸﾘﾃｨｶﾙ is クリティカル) and, for English, in lower case.

var (
	regionRE = regexp.MustCompile(`^(us-gov|us|eu|ap|sa|ca|me|af|il|mx|cn)-(north|south|east|west|central|northeast|southeast|northwest|southwest)-[0-9]$`)
	// regionInTextRE finds region codes in a question.
	regionInTextRE = regexp.MustCompile(`\b(?:us-gov|us|eu|ap|sa|ca|me|af|il|mx|cn)-(?:north|south|east|west|central|northeast|southeast|northwest|southwest)-[0-9]\b`)
	accountRE      = regexp.MustCompile(`\b[0-9]{12}\b`)
	ipRE           = regexp.MustCompile(`\b(?:(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\b`)
	// findingARNRE finds finding ids: ARNs with a finding part
	// (Security Hub controls, GuardDuty, Inspector, ...).
	findingARNRE = regexp.MustCompile(`\barn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]{0,12}:[A-Za-z0-9_./:+=@,-]*finding/[A-Za-z0-9_./:+=@,-]+`)
	arnRE        = regexp.MustCompile(`\barn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]{0,12}:[A-Za-z0-9_./:+=@,*-]+`)
	// shortIDRE finds EC2 and VPC resource ids and access key ids.
	shortIDRE = regexp.MustCompile(`\b(?:(?:i|sg|vol|snap|vpc|subnet|eni|ami)-[0-9a-f]{8}(?:[0-9a-f]{9})?|(?:AKIA|ASIA)[A-Z0-9]{16})\b`)
	// controlRE finds control ids such as S3.1 and CloudTrail.1 (the
	// prefix is checked against the catalog's).
	controlRE = regexp.MustCompile(`\b([A-Za-z][A-Za-z0-9]{0,24})\.([0-9]{1,3})\b`)
)

// regionNames are regions as people name them.
var regionNames = []struct {
	words  []string
	region string
}{
	{[]string{"東京", "tokyo"}, "ap-northeast-1"},
	{[]string{"大阪", "osaka"}, "ap-northeast-3"},
	{[]string{"ソウル", "seoul"}, "ap-northeast-2"},
	{[]string{"シンガポール", "singapore"}, "ap-southeast-1"},
	{[]string{"シドニー", "sydney"}, "ap-southeast-2"},
	{[]string{"ムンバイ", "mumbai"}, "ap-south-1"},
	{[]string{"バージニア北部", "バージニア", "n. virginia", "northern virginia", "virginia"}, "us-east-1"},
	{[]string{"オハイオ", "ohio"}, "us-east-2"},
	{[]string{"北カリフォルニア", "n. california", "northern california"}, "us-west-1"},
	{[]string{"オレゴン", "oregon"}, "us-west-2"},
	{[]string{"フランクフルト", "frankfurt"}, "eu-central-1"},
	{[]string{"アイルランド", "ireland"}, "eu-west-1"},
	{[]string{"ロンドン", "london"}, "eu-west-2"},
	{[]string{"パリ", "paris"}, "eu-west-3"},
	{[]string{"ストックホルム", "stockholm"}, "eu-north-1"},
	{[]string{"サンパウロ", "são paulo", "sao paulo"}, "sa-east-1"},
	{[]string{"カナダ", "canada"}, "ca-central-1"},
}

// resourceTypes are resource nouns and their ASFF resource types, longest
// phrase first when matched ("RDS インスタンス" before "インスタンス").
var resourceTypes = []struct {
	phrases []string
	typ     string
}{
	{[]string{"rds インスタンス", "rdsインスタンス", `rds (?:db )?instances?`, `db instances?`}, "AwsRdsDbInstance"},
	{[]string{"ec2 インスタンス", "ec2インスタンス", "インスタンス", `ec2 instances?`, `instances?`}, "AwsEc2Instance"},
	{[]string{"セキュリティグループ", "セキュリティーグループ", `security groups?`}, "AwsEc2SecurityGroup"},
	{[]string{"s3 バケット", "s3バケット", "バケット", `s3 buckets?`, `buckets?`}, "AwsS3Bucket"},
	{[]string{"iam ユーザー", "iamユーザー", "iam ユーザ", `iam users?`}, "AwsIamUser"},
	{[]string{"iam ロール", "iamロール", "ロール", `iam roles?`, `roles?`}, "AwsIamRole"},
	{[]string{"アクセスキー", `access keys?`}, "AwsIamAccessKey"},
	{[]string{"ebs ボリューム", "ebsボリューム", "ボリューム", `ebs volumes?`, `volumes?`}, "AwsEc2Volume"},
	{[]string{"kms キー", "kmsキー", `kms keys?`}, "AwsKmsKey"},
	{[]string{"lambda 関数", "lambda関数", `lambda functions?`}, "AwsLambdaFunction"},
	{[]string{"シークレット", `secrets manager secrets?`, `secrets?`}, "AwsSecretsManagerSecret"},
	{[]string{"sns トピック", "snsトピック", `sns topics?`}, "AwsSnsTopic"},
	{[]string{"sqs キュー", "sqsキュー", `sqs queues?`}, "AwsSqsQueue"},
	{[]string{"アカウントレベル", "アカウント単位", `account[- ]level`}, "AwsAccount"},
}

// products are the finding products people name (ProductName). "Security
// Hub" is not one: it is where every finding is.
var products = []struct {
	phrases []string
	name    string
}{
	{[]string{"guardduty", "guard duty", "ガードデューティ"}, "GuardDuty"},
	{[]string{"inspector", "インスペクター"}, "Inspector"},
	{[]string{"macie", "メイシー"}, "Macie"},
	{[]string{"iam access analyzer", "access analyzer", "アクセスアナライザー"}, "IAM Access Analyzer"},
	{[]string{"firewall manager"}, "Firewall Manager"},
	{[]string{"aws config"}, "Config"},
}

// statusWords map words to workflow, compliance and record states.
var statusWords = []struct {
	field  string // workflow, compliance, record
	value  string
	phrase string
}{
	{"compliance", "FAILED", "不合格"},
	{"compliance", "FAILED", "失敗"},
	{"compliance", "FAILED", `failed`},
	{"compliance", "FAILED", `failing`},
	{"compliance", "PASSED", "合格"},
	{"compliance", "PASSED", `passed`},
	{"compliance", "WARNING", "警告"},
	{"compliance", "WARNING", `warning`},
	{"compliance", "NOT_AVAILABLE", `not[_ ]available`},
	{"workflow", "SUPPRESSED", "抑制"},
	{"workflow", "SUPPRESSED", `suppressed`},
	{"workflow", "RESOLVED", "解決済"},
	{"workflow", "RESOLVED", `resolved`},
	{"workflow", "NOTIFIED", "通知済"},
	{"workflow", "NOTIFIED", `notified`},
	{"workflow", "NEW", "ワークフロー(?:ステータス)?(?:が|は)?\\s*new"},
	{"workflow", "NEW", `workflow(?: status)? new`},
	{"workflow", "NEW", `status new`},
	{"record", "ARCHIVED", "アーカイブ"},
	{"record", "ARCHIVED", `archived`},
}

// severityWords are how people write severities. 高, 中 and 低 alone are
// too common to be read as severities without a hint: see severityKanji.
var severityWords = []struct {
	phrase string
	label  string
}{
	{`critical`, "CRITICAL"}, {"クリティカル", "CRITICAL"}, {"重大", "CRITICAL"}, {"致命的", "CRITICAL"}, {"緊急", "CRITICAL"},
	{`high`, "HIGH"}, {"ハイ", "HIGH"},
	{`medium`, "MEDIUM"}, {`moderate`, "MEDIUM"}, {"ミディアム", "MEDIUM"}, {"中程度", "MEDIUM"},
	{`low`, "LOW"}, {"ロー", "LOW"},
	{`informational`, "INFORMATIONAL"}, {"情報提供", "INFORMATIONAL"},
}

var kanjiLabel = map[string]string{"高": "HIGH", "中": "MEDIUM", "低": "LOW"}

var (
	// severityKanjiRE finds 高, 中 and 低 where they are severities:
	// after 重要度 or 深刻度, before 重要度, in quotes, or as 高い / 低い.
	severityKanjiRE = regexp.MustCompile(`(?:重要度|深刻度|severity|リスク)\s*(?:が|は|の|:|：|=)?\s*[「『"]?(高|中|低)|[「『"](高|中|低)[」』"]|(高|中|低)\s*(?:重要度|深刻度|リスク)|(?:^|[^\p{Han}])(高|低)(?:い|め)`)
	floorRE         = regexp.MustCompile(`^\s*(?:以上|or (?:higher|above|more|greater)|and (?:higher|above|up)|\+)`)
	ceilingRE       = regexp.MustCompile(`^\s*(?:以下|or (?:lower|below|less)|and (?:lower|below))`)
	atLeastRE       = regexp.MustCompile(`(?:at least|minimum)\s*$`)
)

var (
	countRE = regexp.MustCompile(`how many|number of|\bcount\b|\btotal\b|何件|件数|(?:いくつ|幾つ)(?:[^か]|$)|何個|どれくらい|どのくらい|合計`)
	fewRE   = regexp.MustCompile(`いくつか|幾つか|数件|いくらか|\bsome\b|\ba few\b|\bseveral\b|\bexamples?\b`)
	// findingsRE finds words that make a question about findings.
	findingsRE = regexp.MustCompile(`\bfindings?\b|\bviolations?\b|\balerts?\b|\bissues?\b|\bproblems?\b|検出結果|検出|違反|アラート|指摘|問題|所見|脆弱性|\bvulnerabilit`)
	// changeRE finds a request to change something. A question about how
	// (手順, how to) is not one.
	changeRE   = regexp.MustCompile(`(?:修復|修正|是正|対処|有効化|有効に|適用|無効化|無効に|隔離|停止|削除|ブロック|閉じ)\s*(?:して|しろ|せよ|してください|してほしい|をお願い|お願い|を実行)|直して|塞いで|^\s*(?:please\s+)?(?:fix|remediate|repair|enable|disable|apply|isolate|quarantine|block|revoke|delete|stop|terminate)\b|\b(?:please|can you|could you|go ahead and)\s+(?:fix|remediate|repair|enable|disable|apply|isolate|quarantine|block|revoke|delete|stop|terminate)\b|\b(?:fix|remediate) (?:it|this|them|these)\b`)
	howRE      = regexp.MustCompile(`\bhow\b|\bwhat\b|\bwhy\b|どうやって|どのように|方法|手順|やり方|仕方|とは|\?$|？$`)
	explainRE  = regexp.MustCompile(`\bexplain\b|\bwhat does\b.*\bmean\b|\bwhat is\b|\bwhy\b|\bhow (?:do i|to|can i|should i) (?:fix|remediate|resolve|address)\b|説明|解説|とは|どういう|意味|なぜ|対処方法|修復方法|修復手順|対応方法|直し方|対処法`)
	describeRE = regexp.MustCompile(`\bdescribe\b|\bdetails?\b|\btell me about\b|\bwhat is\b|\bconfiguration\b|\bsettings?\b|\bstatus of\b|\bstate of\b|詳細|設定|状態|について|とは|教えて|見せて`)
	policyRE   = regexp.MustCompile(`社内|当社|弊社|自社|規程|規定|規則|社則|ガイドライン|ナレッジ|\bour (?:security )?polic(?:y|ies)\b|\bcompany polic|\binternal polic|\bpolicy documents?\b|\bguidelines?\b|\bknowledge base\b|\bwhat does (?:the|our) polic`)
	timelineRE = regexp.MustCompile(`タイムライン|操作履歴|行動履歴|アクティビティ|何をした|何をして|呼び出し履歴|\btimeline\b|\bactivity\b|\bwhat did\b|\bcalls? (?:made )?by\b|\bhistory\b`)
	relatedRE  = regexp.MustCompile(`関連する|関連して|関係する|関係して|つながり|\brelated\b|\bconnected\b|\bassociated\b`)
	helpRE     = regexp.MustCompile(`^\s*(?:help|\?|ヘルプ|使い方)\s*$|\bwhat can you\b|何ができ|何を聞け`)
	updatedRE  = regexp.MustCompile(`\bupdated\b|\bupdate\b|更新`)
)

// controlPrefixes maps a control id prefix in lower case to the prefixes
// Security Hub uses (AutoScaling and Autoscaling both exist).
var controlPrefixes = sync.OnceValue(func() map[string][]string {
	m := map[string][]string{}
	seen := map[string]bool{}
	for _, c := range knowledge.Controls() {
		p, _, _ := strings.Cut(c.ID, ".")
		if !seen[p] {
			seen[p] = true
			m[strings.ToLower(p)] = append(m[strings.ToLower(p)], p)
		}
	}
	for _, ps := range m {
		sort.Strings(ps)
	}
	return m
})

// serviceWords are the service names a question may use alone ("S3 の
// 違反"), matched as words, with extra spellings.
var serviceAliases = map[string]string{"secrets manager": "secretsmanager", "cloud trail": "cloudtrail", "auto scaling": "autoscaling", "api gateway": "apigateway", "opensearch": "opensearch"}
