package explain

import (
	"fmt"
	"strings"
	"time"

	"github.com/vigilhq/vigil/event"
)

// ja は日本語のメッセージカタログです。英語版と同じ内容を、日本のセキュリティ
// 担当者が書く文章（です・ます調）で表します。イベントの値は引数で受け取り、
// 日本語の語順に合わせて埋め込みます。
type ja struct{}

var jaLabels = map[string]string{
	"title": "タイトル", "severity": "重要度", "account": "アカウント", "region": "リージョン", "time": "発生日時",
	"finding_id": "検出結果 ID", "event_arn": "イベント ARN", "event_id": "イベント ID", "resource": "リソース", "change": "状態の変化", "count": "観測回数",
	"first_seen": "初回観測", "last_seen": "最終観測",
	"description": "説明（イベント本文より）", "annotation": "注釈（イベント本文より）",
	"alarm_description": "アラームの説明（イベント本文より）", "reason": "状態変化の理由（イベント本文より）",
	"health_description": "イベントの説明（AWS Health より）", "status_reason": "ステータスの理由",
	"code.control": "コントロール", "code.cis-rule": "CIS ルール", "code.generator": "ジェネレーター",
	"code.finding-type": "検出結果タイプ", "code.config-rule": "Config ルール", "code.health-event-type": "イベントタイプコード",
	"code.alarm": "アラーム", "code.api-call": "API 呼び出し",
	"product": "製品", "standard": "セキュリティ標準", "compliance": "コンプライアンス", "workflow": "ワークフローのステータス",
	"record_state": "レコードの状態", "config_rule": "関連する Config ルール", "custom_action": "カスタムアクション",
	"public_ip": "パブリック IP", "private_ip": "プライベート IP", "security_groups": "セキュリティグループ", "network": "ネットワーク",
	"instance_profile": "インスタンスプロファイル", "instance_type": "インスタンスタイプ", "instance_state": "インスタンスの状態",
	"principal": "プリンシパル", "resource_role": "リソースの役割", "action_type": "アクション", "direction": "通信方向",
	"protocol": "プロトコル", "local_port": "ローカルポート", "remote_port": "リモートポート", "blocked": "ブロック済み",
	"api": "API", "service": "サービス", "caller_type": "呼び出し元の種類", "error_code": "エラーコード",
	"user_agent": "ユーザーエージェント", "domain": "ドメイン", "probed_ports": "探索されたポート", "remote_ip": "リモート IP",
	"remote_location": "リモートの所在地", "remote_org": "リモートのネットワーク", "threat_list": "脅威リスト",
	"finding_arn": "検出結果 ARN", "config_rule_arn": "Config ルール ARN", "resource_type": "リソースタイプ",
	"alarm_type": "アラームの種類", "metric": "メトリクス", "expression": "数式", "threshold": "しきい値",
	"datapoints": "直近のデータポイント", "lower_thresholds": "バンドの下限", "upper_thresholds": "バンドの上限",
	"triggering_alarms": "トリガーとなったアラーム", "alarm_rule": "アラームルール", "actions_suppressor": "アクション抑制アラーム",
	"actions_suppressed_by": "アクションの抑制理由", "health_service": "サービス", "health_category": "カテゴリ",
	"health_scope": "スコープ", "status": "ステータス", "start_time": "開始日時", "end_time": "終了日時",
	"actions": "アクション", "conditions": "条件", "public": "パブリック", "error": "エラー", "analyzer": "アナライザー",
	"event_source": "イベントソース", "identity": "呼び出し元", "access_key": "アクセスキー", "mfa": "MFA 認証",
	"session_issuer": "セッション発行元", "source_ip": "送信元 IP", "error_message": "エラーメッセージ",
}

func (ja) sectionTitle(k SectionKind) string {
	switch k {
	case SectionOverview:
		return "概要"
	case SectionProblem:
		return "問題点と影響"
	case SectionResponse:
		return "推奨される対応"
	case SectionSteps:
		return "対応手順"
	case SectionDocs:
		return "公式ドキュメント"
	}
	return string(k)
}

func (ja) label(key string) string {
	if s, ok := jaLabels[key]; ok {
		return s
	}
	return key
}

func (ja) notGiven() string { return "（イベントに記載なし）" }

func (ja) severityName(s Severity) string {
	switch s {
	case SevCritical:
		return "重大"
	case SevHigh:
		return "高"
	case SevMedium:
		return "中"
	case SevLow:
		return "低"
	case SevInformational:
		return "情報"
	}
	return "評価なし"
}

func (m ja) severityText(s Severity, given string) string {
	if given == "" || strings.EqualFold(given, string(s)) {
		return m.severityName(s)
	}
	return m.severityName(s) + "（元の値: " + given + "）"
}

func (ja) severityGivenOnly(given string) string {
	return "送信元による評価なし（状態: " + given + "）"
}

func (ja) timeText(t time.Time) string {
	return t.Format(time.RFC3339) + "（日本時間 " + t.In(jst).Format("2006-01-02 15:04:05") + "）"
}

func (ja) findingN(i int) string { return fmt.Sprintf("検出結果 %d", i) }

func (ja) notesTitle() string { return "補足" }

func (ja) sourceLabel(s LinkSource) string {
	switch s {
	case FromEvent:
		return "イベント記載"
	case FromSecurityHub:
		return "Security Hub コントロールカタログ"
	case FromGuardDuty:
		return "GuardDuty カタログ"
	case FromConfig:
		return "AWS Config ルールカタログ"
	case FromBuiltin:
		return "組み込み"
	case FromDocsSearch:
		return "AWS ドキュメント検索"
	}
	return string(s)
}

func (m ja) sourceNote(s LinkSource) string { return "（" + m.sourceLabel(s) + "）" }

func (ja) generalResponse(s Severity) string {
	switch s {
	case SevCritical, SevHigh:
		return "ただちに対応してください。活動や設定が想定どおりのものか確認し、想定外であれば、詳しく調査する前に封じ込めます。"
	case SevInformational:
		return "この変化が想定外でない限り、対応は不要です。"
	}
	return "活動や設定が想定どおりのものか確認してください。想定外であれば修正し、原因を調べます。"
}

func (ja) generalSteps() []string {
	return []string{
		"上記のリソースと値が、チームの想定と一致しているか確認します。",
		"AWS CloudTrail で、誰が（何が）変更を行ったのかを確認します。",
		"想定外のものは修正または封じ込めを行い、判断の内容を記録します。",
	}
}

func (ja) noKnowledge(kind CodeKind, code string) string {
	what := map[CodeKind]string{
		CodeControl: "コントロール", CodeCISRule: "CIS ルール", CodeGenerator: "ジェネレーター", CodeFindingType: "検出結果タイプ",
		CodeConfigRule: "AWS Config ルール", CodeHealthType: "AWS Health イベントタイプ", CodeAlarm: "アラーム", CodeAPICall: "API 呼び出し",
	}[kind]
	if what == "" {
		what = "項目"
	}
	return fmt.Sprintf("%s %s について、vigil には組み込みの解説がありません。上記の事実はイベントから取得したもので、以下の対応は一般的な指針です。", what, code)
}

func (ja) noKnowledgeSource(source, detailType string) string {
	return fmt.Sprintf("%s からの「%s」イベントについて、vigil には組み込みの知識がありません。上記の事実はイベントのエンベロープから取得したもので、以下の対応は一般的な指針です。", source, detailType)
}

func (ja) resolvedResponse() string {
	return "解消済み、または合格の状態を示しています。変化そのものが想定外でない限り、対応は不要です。"
}

func (ja) titleGeneric(source, detailType string) string {
	return detailType + "（" + source + "）"
}

func (ja) summaryGeneric(f *Facts) string {
	return fmt.Sprintf("アカウント %s（%s）について、%s から「%s」イベントを受信しました。", orDash(f.Account), orDash(f.Region), f.Source, f.DetailType)
}

func (m ja) titleSecurityHub(f *Facts) string {
	if f.Title != "" {
		return "Security Hub 検出結果: " + f.Title
	}
	return m.titleGeneric(f.Source, f.DetailType)
}

func (ja) summarySecurityHub(f *Facts) string {
	status := ""
	if f.sh != nil {
		status = f.sh.Compliance.Status
	}
	switch {
	case f.Code.Kind == CodeControl && status != "":
		return fmt.Sprintf("Security Hub が、アカウント %s（%s）のコントロール %s の評価結果を %s と報告しました。", orDash(f.Account), orDash(f.Region), f.Code.Value, status)
	case f.Code.Kind == CodeCISRule && status != "":
		return fmt.Sprintf("Security Hub が、アカウント %s（%s）の CIS ルール %s の評価結果を %s と報告しました。", orDash(f.Account), orDash(f.Region), f.Code.Value, status)
	}
	return fmt.Sprintf("Security Hub が、アカウント %s（%s）の検出結果を報告しました。", orDash(f.Account), orDash(f.Region))
}

func (ja) summaryFindings(n int) string {
	return fmt.Sprintf("この Security Hub イベントには %d 件の検出結果が含まれています。", n)
}

func (ja) titleFindings(n int, first string) string {
	return fmt.Sprintf("Security Hub の検出結果 %d 件: %s ほか %d 件", n, first, n-1)
}

func (m ja) controlIntro(id, title string, s Severity) string {
	return fmt.Sprintf("Security Hub コントロール %s（タイトル: %s）の検出結果です。コントロールカタログ上の重要度は「%s」です。", id, strings.TrimSuffix(title, "."), m.severityName(s))
}

func (ja) cisIntro(rule, title string) string {
	return fmt.Sprintf("これは Security Hub が評価する CIS AWS Foundations Benchmark のルール %s（%s）です。", rule, strings.TrimSuffix(strings.TrimPrefix(title, rule+" "), "."))
}

func (ja) complianceStatus(status string) string {
	switch status {
	case "FAILED":
		return "上記のリソースでチェックが不合格（FAILED）になりました。"
	case "PASSED":
		return "上記のリソースでチェックが合格（PASSED）しました。"
	case "WARNING":
		return "Security Hub はチェックを完了できませんでした（WARNING）。合格ではなく、結果が不明な状態です。"
	case "NOT_AVAILABLE":
		return "Security Hub はチェックを評価できませんでした（NOT_AVAILABLE）。"
	}
	return ""
}

func (ja) complianceWarningResponse() string {
	return "まず、Security Hub がコントロールを評価できない原因を解消してください。多くの場合、このアカウントとリージョンで AWS Config が有効になっていないか記録していない、または Security Hub が Config ルールを参照できないことが原因です。"
}

func (ja) checkConfigRecordingStep() string {
	return "このリージョンで AWS Config が記録中であることを確認します。"
}

func (ja) followRemediationStep() string {
	return "検出結果にリンクされている修復ガイド（「公式ドキュメント」を参照）の手順に従います。"
}

func (ja) linkRecommendation(code string) string {
	if code == "" {
		return "修復ガイド（検出結果に記載のリンク）"
	}
	return code + " の修復ガイド（検出結果に記載のリンク）"
}

func (ja) linkControlRemediation(id string) string {
	return "Security Hub: コントロール " + id + " の修復"
}

func (ja) linkControlsReference() string { return "Security Hub コントロールリファレンス" }

func (ja) titleGuardDuty(f *Facts) string {
	var target string
	for _, r := range f.Resources {
		target = r.ID
		break
	}
	if target == "" {
		return "GuardDuty 検出結果: " + f.Code.Value
	}
	return "GuardDuty 検出結果: " + f.Code.Value + "（" + target + "）"
}

func (m ja) summaryGuardDuty(f *Facts) string {
	s := fmt.Sprintf("GuardDuty が、アカウント %s（%s）で %s を検出しました。重要度は「%s」（元の値: %s）です。", orDash(f.Account), orDash(f.Region), f.Code.Value, m.severityName(f.Severity), orDash(f.SeverityGiven))
	if f.Count > 0 {
		s += fmt.Sprintf("この活動は %d 回観測されています。", f.Count)
	}
	return s
}

func (ja) reviewFindingStep() string { return "検出結果の全文を確認します。" }

func (ja) archivedNote() string {
	return "この検出結果は GuardDuty でアーカイブ済みです。"
}

func (ja) linkFindingType(t string) string { return "GuardDuty 検出結果タイプ " + t }

func (ja) linkFindingTypes() string { return "GuardDuty の検出結果タイプ" }

func (ja) titleConfig(rule, to string) string {
	if to == "" {
		return "AWS Config ルール " + rule + " の準拠状況が変化しました"
	}
	return "AWS Config ルール " + rule + " の評価が " + to + " になりました"
}

func (ja) summaryConfig(f *Facts) string {
	res := ""
	if len(f.Resources) > 0 {
		res = resourceText(f.Resources[0])
	}
	if f.Change != nil && f.Change.From != "" {
		return fmt.Sprintf("AWS Config がルール %s で %s を評価し、結果が %s から %s に変わりました（アカウント %s、%s）。", f.Code.Value, orDash(res), f.Change.From, f.Change.To, orDash(f.Account), orDash(f.Region))
	}
	to := ""
	if f.Change != nil {
		to = f.Change.To
	}
	return fmt.Sprintf("AWS Config がルール %s で %s を評価し、結果は %s でした（アカウント %s、%s）。", f.Code.Value, orDash(res), orDash(to), orDash(f.Account), orDash(f.Region))
}

func (ja) configRuleMatch(name, identifier string) string {
	if name == identifier {
		return fmt.Sprintf("ルール名が AWS Config マネージドルール %s と一致しています。", identifier)
	}
	return fmt.Sprintf("ルール %s は、Security Hub が AWS Config マネージドルール %s から作成したものです。", name, identifier)
}

func (ja) configRuleControl(id, title string) string {
	return fmt.Sprintf("Security Hub コントロール %s（タイトル: %s）は、このルールを使って評価されます。", id, strings.TrimSuffix(title, "."))
}

func (ja) configResolved(to string) string {
	if to == "NOT_APPLICABLE" {
		return "このルールはこのリソースに適用されなくなりました。対応は不要です。"
	}
	return "リソースは現在準拠しています。以前の非準拠がなぜ起きたかを振り返る必要がない限り、対応は不要です。"
}

func (ja) configHistoryStep() string { return "ルールの現在の評価結果を確認します。" }

func (ja) linkConfigRule(identifier string) string {
	return "AWS Config マネージドルール " + identifier
}

func (ja) linkConfigRules() string { return "AWS Config マネージドルールの一覧" }

func (ja) titleAlarm(name, state string) string {
	return "CloudWatch アラーム " + name + " が " + state + " 状態です"
}

func (ja) summaryAlarm(f *Facts, t event.AlarmType) string {
	from, to := "", ""
	if f.Change != nil {
		from, to = f.Change.From, f.Change.To
	}
	kind := map[event.AlarmType]string{
		event.AlarmSingleMetric: "メトリクスアラーム", event.AlarmMetricMath: "メトリクス数式のアラーム",
		event.AlarmAnomalyDetection: "異常検出のアラーム", event.AlarmComposite: "複合アラーム",
	}[t]
	return fmt.Sprintf("アカウント %s（%s）の%s %s が %s から %s に変わりました。", orDash(f.Account), orDash(f.Region), kind, f.Code.Value, orDash(from), orDash(to))
}

func (ja) alarmType(t event.AlarmType) string {
	switch t {
	case event.AlarmMetricMath:
		return "このアラームは複数のメトリクスから計算した数式（メトリクス数式）を監視し、その値がしきい値を超えると状態が変わります。"
	case event.AlarmAnomalyDetection:
		return "このアラームは、CloudWatch の異常検出が過去のデータから学習した予測範囲（バンド）とメトリクスを比較し、メトリクスがバンドから外れると ALARM 状態になります。"
	case event.AlarmComposite:
		return "この複合アラームは、ほかのアラームの状態をアラームルールで組み合わせたもので、ルールの結果が変わると状態が変わります。"
	}
	return "このアラームは 1 つのメトリクスを監視し、設定したデータポイント数にわたってしきい値を超えると状態が変わります。"
}

func (ja) alarmOwnRunbook() string {
	return "このアラームは自組織で定義したものです。意味と対応方法は自組織のランブックに記載されているべきものなので、vigil は事実の要約だけを示します。"
}

func (ja) alarmSuppressed(by, suppressor string) string {
	if suppressor == "" {
		return "このアラームのアクションは抑制されています（" + by + "）。通知や自動アクションは実行されていません。"
	}
	return "アクション抑制アラーム " + suppressor + " により、このアラームのアクションは抑制されています（" + by + "）。通知や自動アクションは実行されていません。"
}

func (ja) alarmResponse(state, name string) string {
	switch state {
	case "ALARM":
		return "アラーム " + name + " のランブックに従って対応してください。まず上記の値とリソースを確認します。"
	case "OK":
		return "アラームは OK に戻りました。以前の ALARM を追跡中でない限り、対応は不要です。"
	case "INSUFFICIENT_DATA":
		return "アラームを判定するためのデータが不足しています。リソースが存在し、メトリクスが送信され続けているか確認してください。"
	}
	return "アラーム " + name + " のランブックに従って対応してください。"
}

func (ja) checkInstanceStep(id string) string {
	return "インスタンス " + id + " の状態とステータスチェックを確認します。"
}

func (ja) alarmHistoryStep() string { return "アラームの最近の履歴を確認します。" }

func (ja) compositeChildrenStep() string {
	return "上記のトリガーとなったアラームを確認します。原因は複合アラームではなく、そちらにあります。"
}

func (ja) linkAlarms() string { return "Amazon CloudWatch アラームの使用" }

func (ja) linkAnomaly() string { return "CloudWatch の異常検出の使用" }

func (ja) linkMetricMath() string { return "メトリクス数式の使用" }

func (ja) linkComposite() string { return "複合アラームの作成" }

func (ja) titleHealth(code string) string { return "AWS Health イベント: " + code }

func (ja) summaryHealth(f *Facts) string {
	svc, cat := "", ""
	if f.health != nil {
		svc, cat = f.health.Service, f.health.EventTypeCategory
	}
	return fmt.Sprintf("AWS Health が、アカウント %s（%s）に %s（サービス: %s、カテゴリ: %s）を通知しました。", orDash(f.Account), orDash(f.Region), f.Code.Value, orDash(svc), orDash(cat))
}

func (ja) healthDetailsStep() string {
	return "イベントの最新の説明を確認します（AWS Health API の利用には、ビジネス、エンタープライズ On-Ramp、またはエンタープライズのサポートプランが必要です）。"
}

func (ja) linkAccessKeys() string { return "IAM ユーザーのアクセスキーの管理" }

func (ja) linkHealth() string { return "AWS Health ユーザーガイド" }

func (ja) titleAccessAnalyzer(resource string, failed bool) string {
	if failed {
		return "IAM Access Analyzer が " + resource + " を分析できませんでした"
	}
	return "IAM Access Analyzer: 信頼ゾーンの外部から " + resource + " へのアクセス"
}

func (ja) summaryAccessAnalyzer(f *Facts) string {
	res := ""
	if len(f.Resources) > 0 {
		res = resourceText(f.Resources[0])
	}
	return fmt.Sprintf("IAM Access Analyzer が、アカウント %s（%s）の %s について検出結果を報告しました。", orDash(f.Account), orDash(f.Region), orDash(res))
}

func (ja) accessAnalyzerError(resource, code string) string {
	return fmt.Sprintf("アナライザーは %s を分析できませんでした（%s）。アクセスが許可されていないのではなく、許可されているかどうかが不明な状態です。", resource, code)
}

func (ja) accessAnalyzerErrorResponse() string {
	return "IAM Access Analyzer がリソースポリシーを読み取れるようにしてください（たとえば、アクセスを拒否しているバケットポリシーや SCP を確認します）。そのうえで、リソースを再度分析させます。"
}

func (ja) accessAnalyzerActive(resource, principal, actions string, public bool) string {
	if public {
		return fmt.Sprintf("%s のリソースポリシーが誰にでもアクセスを許可しています（パブリックアクセス）。インターネット上の誰もが %s を実行できる可能性があります。", resource, orDash(actions))
	}
	return fmt.Sprintf("%s のリソースポリシーが、信頼ゾーンの外部にある %s に %s の実行を許可しています。意図した共有であれば問題ありませんが、そうでなければ情報漏えいにつながります。", resource, orDash(principal), orDash(actions))
}

func (ja) accessAnalyzerResponse() string {
	return "このアクセスが意図したものか判断してください。意図したものであれば検出結果をアーカイブし、そうでなければアクセスを削除します。"
}

func (ja) accessAnalyzerReviewStep() string {
	return "リソースポリシーを確認し、上記のプリンシパルとアクションが意図したものかリソースの管理者に確認します。"
}

func (ja) accessAnalyzerArchiveStep() string {
	return "意図したアクセスであれば検出結果をアーカイブ（またはアーカイブルールを追加）します。意図していなければ、アクセスを許可しているステートメントを削除します。削除すると検出結果は解決済みになります。"
}

func (ja) accessAnalyzerGetStep() string { return "検出結果を表示します。" }

func (ja) linkAccessAnalyzer() string { return "AWS IAM Access Analyzer の使用" }

func (ja) titleCloudTrail(identityType, eventName, eventSource string) string {
	if identityType == "" {
		return eventName + " が呼び出されました（" + eventSource + "）"
	}
	return identityType + " が " + eventName + " を呼び出しました（" + eventSource + "）"
}

func (ja) summaryCloudTrail(f *Facts) string {
	c := f.ct
	return fmt.Sprintf("CloudTrail が、アカウント %s（%s）で %s の ID による %s（%s）の呼び出しを記録しました。送信元 IP は %s です。", orDash(f.Account), orDash(f.Region), orDash(c.UserIdentity.Type), c.EventName, orDash(c.EventSource), orDash(c.SourceIPAddress))
}

func (ja) cloudTrailRoot(eventName string) string {
	return eventName + " はルートユーザーで呼び出されました。ルートユーザーはアカウントに対して無制限の権限を持つため、AWS はルートユーザーが必要な一部の作業以外では使わないよう推奨しています。"
}

func (ja) cloudTrailNoMFA() string {
	return "このセッションは MFA で認証されていません。"
}

func (ja) cloudTrailGeneric() string {
	return "この API 呼び出しがルールに一致しました。正当な呼び出しかどうかは、誰が何のために行ったかによるため、呼び出しの内容だけでは vigil は判断できません。"
}

func (ja) cloudTrailFailed(code string) string {
	return "呼び出しはエラー " + code + " で失敗しています。試行はされましたが、操作は実行されていません。"
}

func (ja) cloudTrailResponse(root bool) string {
	if root {
		return "アカウントの管理者に、ルートユーザーを意図して使ったのか確認してください。意図したものでなければ、ルートユーザーの認証情報が侵害されたものとして扱います。"
	}
	return "呼び出し元がこの操作を行うことが想定されていたか確認してください。"
}

func (ja) cloudTrailConfirmStep() string {
	return "上記の ID と送信元 IP から、誰が何のために呼び出したのかを確認します。"
}

func (ja) cloudTrailLookupStep() string {
	return "CloudTrail のレコード全体を表示します。"
}

func (ja) rootMFAStep() string {
	return "ルートユーザーで MFA が有効になっていること、アクセスキーがないことを確認します。"
}

func (ja) linkRootUser() string {
	return "AWS アカウントのルートユーザーのベストプラクティス"
}

func (ja) linkUserIdentity() string { return "CloudTrail の userIdentity 要素" }

func (ja) titleInstanceState(id, state string) string {
	return "EC2 インスタンス " + id + " が " + state + " 状態になりました"
}

func (ja) summaryInstanceState(f *Facts, id, state string) string {
	return fmt.Sprintf("アカウント %s（%s）の EC2 インスタンス %s の状態が %s に変わりました。", orDash(f.Account), orDash(f.Region), orDash(id), orDash(state))
}

func (ja) instanceStateMeaning(state string) string {
	switch state {
	case "terminated":
		return "終了（terminated）したインスタンスは再び起動できません。インスタンスストアのデータは失われ、終了時に削除する設定の EBS ボリューム（既定ではルートボリューム）は削除されます。"
	case "stopped", "stopping":
		return "停止したインスタンスは EBS ボリュームを保持しますが、インスタンスストアのデータは失われ、起動するまでサービスを提供しません。"
	case "running", "pending":
		return "インスタンスは起動中または実行中です。"
	case "shutting-down":
		return "インスタンスは終了に向けてシャットダウン中です。"
	}
	return "インスタンスの状態が変わりました。"
}

func (ja) instanceStateResponse(state string) string {
	if state == "terminated" || state == "stopped" || state == "stopping" || state == "shutting-down" {
		return "デプロイ、Auto Scaling、担当者の操作など、計画された変更か確認してください。計画されたものでなければ、誰が変更したかを調べます。"
	}
	return "変更が想定外でない限り、対応は不要です。"
}

func (ja) whoChangedInstanceStep() string {
	return "インスタンスに対して行われた API 呼び出しを確認します。"
}

func (ja) linkInstanceLifecycle() string { return "Amazon EC2 インスタンスの状態の変化" }

// ---- LLM engines ----

func (ja) markIdentifier() string { return "［未確認の ID を削除］" }

func (ja) markURL() string { return "［未確認のリンクを削除］" }

func (ja) docsUnavailable(url string, rateLimited bool) string {
	if rateLimited {
		return "AWS ドキュメント検索（" + url + "）がレート制限中だったため、この説明は最新の AWS ドキュメントではなく vigil の組み込み知識にもとづいています。"
	}
	return "AWS ドキュメント検索（" + url + "）を利用できなかったため、この説明は最新の AWS ドキュメントではなく vigil の組み込み知識にもとづいています。"
}

func (ja) groundingRemoved(ids, urls, commands int) string {
	var parts []string
	if ids > 0 {
		parts = append(parts, "イベントにない識別子 "+itoa(ids)+" 件")
	}
	if urls > 0 {
		parts = append(parts, "AWS ドキュメント検索結果にも vigil のカタログにもないリンク "+itoa(urls)+" 件")
	}
	if commands > 0 {
		parts = append(parts, "イベントの値だけで組み立てた単一の AWS CLI 呼び出しではないコマンド "+itoa(commands)+" 件")
	}
	return "根拠チェックにより、モデルの回答から" + strings.Join(parts, "、") + "を削除しました。"
}

func (ja) refusedTools(names string) string {
	return "モデルが提供されていないツール（" + names + "）を要求しましたが、実行していません。モデルが使えるのは読み取り専用のドキュメントツールだけです。"
}

func (ja) modelFallback(model, reason string) string {
	return "これは vigil の組み込みエンジンによる説明です。" + model + " の回答は使用できませんでした（" + reason + "）。"
}

func (ja) reasonMalformed() string { return "回答が所定の形式ではありませんでした" }

func (ja) reasonNoAnswer() string {
	return "規定の回数内に最終回答がありませんでした"
}

func (ja) reasonError() string { return "モデルに接続できませんでした" }

func (ja) writtenBy(model string, docs bool) string {
	if docs {
		return "この説明は " + model + " が、イベント、vigil のカタログ、AWS ドキュメント検索の結果をもとに作成しました。識別子とリンクはすべてそれらと照合済みです。"
	}
	return "この説明は " + model + " が、イベントと vigil のカタログをもとに作成しました。識別子とリンクはすべてそれらと照合済みです。"
}
