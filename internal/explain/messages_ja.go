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
	"identity_type": "ID の種類", "invoked_by": "呼び出した AWS のサービス", "service_event_details": "サービスイベントの詳細（イベント本文より）", "target_user": "対象の IAM ユーザー", "target_role": "対象の IAM ロール", "target_group": "対象の IAM グループ", "group": "IAM グループ", "policy_arn": "ポリシー ARN", "created_key": "作成されたアクセスキー", "rule_ids": "セキュリティグループルール ID", "cidrs": "送信元 CIDR", "ports": "ポート", "accounts": "ほかの AWS アカウント", "version": "ポリシーのバージョン", "mfa_device": "MFA デバイス", "min_password_length": "パスワードの最小文字数", "role": "ロール", "flow_logs": "フローログ ID", "disabled": "無効にされた設定", "grantees": "アクセスの付与先", "pending_days": "待機期間（日）", "grantee": "被付与者", "changed": "変更された設定", "standards": "セキュリティ標準", "target": "対象", "layers": "レイヤー", "parameters": "パラメータ", "secrets": "シークレット", "targets": "対象", "disabled_reason": "理由（イベント本文より）", "result": "結果", "mfa_used": "MFA の使用", "mfa_type": "MFA の種類", "login_to": "サインイン先", "insight_state": "インサイトの状態", "insight_type": "インサイトの種類", "baseline": "ベースライン（1 分あたりの平均）", "insight_average": "異常発生時（1 分あたりの平均）", "insight_duration": "継続時間（分）", "top_identities": "主な呼び出し元", "top_user_agents": "主なユーザーエージェント", "top_errors": "主なエラー", "os_user": "OS ユーザー", "query_log_config": "クエリログ記録の設定", "log_destination": "ログの送信先", "log_group": "ロググループ", "trust_anchor": "トラストアンカー", "shared_event_id": "共有イベント ID",
	"code.vulnerability": "脆弱性", "finding_type": "検出結果の種類", "finding_status": "検出結果のステータス", "cvss": "CVSS", "vendor_severity": "ベンダーの重要度", "package": "パッケージ", "installed_version": "インストール済みのバージョン", "fixed_version": "修正済みのバージョン", "file_path": "ファイルパス", "advisory": "アドバイザリ（イベント記載）", "inspector_score": "Inspector スコア", "epss": "EPSS スコア", "exploit_available": "エクスプロイトの有無", "last_exploit": "最後に確認されたエクスプロイト", "fix_available": "修正の有無", "open_ports": "到達可能なポート", "detector": "検出器", "cwes": "CWE", "remediation_text": "推奨される修復（イベント本文より）", "event_link": "イベント内のリンク（AWS のドキュメントではありません）", "created_at": "作成日時", "updated_at": "更新日時",
	"command_line": "コマンドライン（イベント本文より）", "kubernetes_user": "Kubernetes ユーザー", "kubernetes_workload": "Kubernetes ワークロード", "service_account": "サービスアカウント", "images": "コンテナイメージ", "privileged": "特権コンテナ", "ecs_task": "ECS タスク", "task_definition": "タスク定義", "function_role": "関数の実行ロール", "db_engine": "データベースエンジン", "db_user": "データベースユーザー", "auth_method": "認証方式", "anomaly": "通常と異なる活動", "effective_permission": "実際の公開状態", "public_via": "公開の経路", "block_public_access_off": "ブロックパブリックアクセスが無効な範囲", "kubernetes_api": "Kubernetes API 呼び出し", "db_logins": "ログイン（成功 / 失敗）", "process": "プロセス", "process_sha256": "プロセスの SHA-256", "process_pid": "プロセス ID", "process_user": "プロセスの実行ユーザー", "tool": "ツール", "module": "カーネルモジュール", "mount_target": "マウント先", "modifying_process": "変更したプロセス", "malware": "検出されたマルウェア", "scan_id": "スキャン ID", "feature": "GuardDuty の機能",
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

func (m ja) severityAssessed(s Severity) string {
	return m.severityName(s) + "（vigil の評価）"
}

func (ja) timeText(t time.Time) string {
	return t.Format(time.RFC3339) + "（日本時間 " + t.In(jst).Format("2006-01-02 15:04:05") + "）"
}

func (ja) findingN(i int) string { return fmt.Sprintf("検出結果 %d", i) }

func (ja) approvalNote() string {
	return "（アカウントを変更するコマンドです。承認を得てから実行してください）"
}

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

func (ja) generalSteps(api bool) []string {
	if !api {
		return []string{
			"上記のリソースと値が、チームの想定と一致しているか確認します。",
			"イベントの送信元を管理するチームに、イベントの意味と誰が対応すべきかを確認します。",
			"想定外のものは修正または封じ込めを行い、判断の内容を記録します。",
		}
	}
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
	return fmt.Sprintf("%s からの「%s」イベントについて、vigil には組み込みの知識がありません。上記の事実はイベントから読み取れた範囲のもので、以下の対応は一般的な指針です。", source, detailType)
}

func (ja) resolvedResponse() string {
	return "解消済み、または合格の状態を示しています。変化そのものが想定外でない限り、対応は不要です。"
}

func (ja) titleGeneric(source, detailType string) string {
	return detailType + "（" + source + "）"
}

func (ja) titleGenericWith(source, title string) string {
	return title + "（" + source + "）"
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

func (ja) inspectResourceStep(name string) string {
	return padJA(name) + "の現在の設定を確認します。"
}

func (ja) listFailingStep() string {
	return "同じチェックに不合格となっているリソースを、このリージョンで一覧表示します（この Security Hub が検出結果を受け取るすべてのアカウントが対象です）。"
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

func (m ja) summaryConfig(f *Facts) string {
	res := ""
	if len(f.Resources) > 0 {
		res = resourceTextIn(m, f.Resources[0])
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

func (m ja) summaryAccessAnalyzer(f *Facts) string {
	res := ""
	if len(f.Resources) > 0 {
		res = resourceTextIn(m, f.Resources[0])
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

func (ja) titleCloudTrail(who, eventName, eventSource string, failed, refused bool) string {
	if failed && !refused {
		return padJA(who) + "による " + eventName + " の呼び出しが失敗しました（" + eventSource + "）"
	}
	if failed {
		return padJA(who) + "による " + eventName + " の呼び出しが拒否されました（" + eventSource + "）"
	}
	return padJA(who) + "が " + eventName + " を呼び出しました（" + eventSource + "）"
}

func (ja) summaryCloudTrail(f *Facts, who string) string {
	c := f.ct.rec
	s := fmt.Sprintf("CloudTrail が、アカウント %s（%s）での%sによる %s（%s）の呼び出しを記録しました。送信元 IP は %s です。", orDash(f.Account), orDash(f.Region), spaceJA(who), c.EventName, orDash(c.EventSource), orDash(c.SourceIPAddress))
	if f.ct.failed {
		return s + "呼び出しは失敗しています。"
	}
	return s + "呼び出しは成功しています。"
}

func (ja) cloudTrailAttempted(meaning string) string {
	return "成功していれば、次の変更が行われるところでした: " + meaning
}

func (m ja) assessment(s Severity, risks []risk, failed bool) string {
	var why []string
	for _, r := range risks {
		if t := m.risk(r); t != "" {
			why = append(why, t)
		}
	}
	switch {
	case len(why) == 0:
		return "vigil の評価は「" + m.severityName(s) + "」です。パラメータそのものに危険な点はありません。"
	case failed:
		return "vigil の評価は「" + m.severityName(s) + "」です。失敗した試行のため、変更そのものより 1 段階低く評価しています。試みられた内容: " + strings.Join(why, "")
	}
	return "vigil の評価は「" + m.severityName(s) + "」です。" + strings.Join(why, "")
}

func (m ja) signInAssessment(s Severity, root, failed, noMFA bool) string {
	level := "vigil の評価は「" + m.severityName(s) + "」です。"
	switch {
	case root && failed:
		return level + "ルートユーザーへのサインイン試行は、失敗していても注意が必要です。"
	case root && noMFA:
		return level + "ルートユーザーが MFA なしで使われています。"
	case root:
		return level + "ルートユーザーは、使う機会がほとんどないはずのものです。"
	case failed:
		return level + "1 回のサインイン失敗です。"
	case noMFA:
		return level + "MFA を使わないサインインです。"
	}
	return level
}

func (ja) cloudTrailRoot(eventName string) string {
	return eventName + " はルートユーザーで呼び出されました。ルートユーザーはアカウントに対して無制限の権限を持つため、AWS はルートユーザーが必要な一部の作業以外では使わないよう推奨しています。"
}

func (ja) cloudTrailNoMFA() string {
	return "このセッションは MFA で認証されていません。"
}

func (ja) cloudTrailGeneric(eventName string) string {
	return "この " + eventName + " の呼び出しがルールに一致しました。vigil はこの API について個別の知識を持たないため、正当な呼び出しかどうかは呼び出しの内容だけでは判断できません。誰が何のために行ったかによります。"
}

func (ja) cloudTrailFailed(code, message string) string {
	switch {
	case code != "" && message != "":
		return "呼び出しは失敗しています（" + code + ": " + message + "）。試行はされましたが、AWS は操作を実行していません。"
	case code != "":
		return "呼び出しはエラー " + code + " で失敗しています。試行はされましたが、AWS は操作を実行していません。"
	case message != "":
		return "呼び出しは失敗しています（" + message + "）。試行はされましたが、AWS は操作を実行していません。"
	}
	return "呼び出しは失敗しています。試行はされましたが、AWS は操作を実行していません。"
}

func (ja) cloudTrailResponse(s Severity, root, failed, refused bool) string {
	switch {
	case root:
		return "アカウントの管理者に、ルートユーザーを意図して使ったのか確認してください。意図したものでなければ、ルートユーザーの認証情報が侵害されたものとして扱います。"
	case failed && !refused:
		return "変更は行われていません。権限で拒否されたのではなく、上記のエラーで失敗しています。それでも、呼び出し元がなぜ試みたのか、その後の再試行が成功していないかを確認してください。"
	case failed:
		return "変更は行われていませんが、呼び出し元がなぜ試みたのかを確認してください。拒否された呼び出しの繰り返しは、盗まれた認証情報を試すときの典型的な挙動です。"
	case s == SevCritical || s == SevHigh:
		return "ただちに呼び出し元に、意図した変更か確認してください。意図したものでなければ、以下の手順で元に戻し、呼び出し元の認証情報が侵害されたものとして扱います。"
	case s == SevMedium:
		return "呼び出し元に、意図した変更か確認してください。意図したものでなければ、以下の手順で元に戻します。"
	}
	return "呼び出し元がこの操作を行うことが想定されていたか確認してください。"
}

func (ja) cloudTrailConfirmStep() string {
	return "上記の呼び出し元と送信元 IP から、誰が何のために呼び出したのかを確認します。"
}

func (ja) cloudTrailActivityStep() string {
	return "同じ認証情報で最近ほかに何が行われたかを確認します。"
}

func (ja) rootMFAStep() string {
	return "ルートユーザーで MFA が有効になっていること、アクセスキーがないことを確認します。"
}

func (ja) linkRootUser() string {
	return "AWS アカウントのルートユーザーのベストプラクティス"
}

func (ja) linkUserIdentity() string { return "CloudTrail の userIdentity 要素" }

func (ja) linkAPIReference(operation string) string {
	return operation + "（API リファレンス）"
}

func (ja) titleServiceEvent(eventName, eventSource string) string {
	return "AWS サービスイベント " + eventName + "（" + eventSource + "）"
}

func (ja) summaryServiceEvent(f *Facts) string {
	return fmt.Sprintf("CloudTrail が、アカウント %s（%s）で、%s 自身が生成したイベント %s を記録しました。人や認証情報による API 呼び出しではありません。", orDash(f.Account), orDash(f.Region), orDash(f.ct.rec.EventSource), f.Code.Value)
}

func (ja) serviceEventMeaning(eventName string) string {
	return "サービスイベントは、AWS が自ら行ったことや検知したこと（共有されたスナップショットの利用、スケジュールされた処理など）を記録するもので、お客様の認証情報による呼び出しではありません。vigil は " + eventName + " について個別の知識を持っていません。"
}

func (ja) serviceEventStep() string {
	return "このリージョンで同じ名前のイベントをほかに確認します。"
}

func (ja) linkCloudTrailEvents() string { return "CloudTrail の AWS サービスイベント" }

func (m ja) titleInstanceState(id, state string) string {
	return "EC2 インスタンス " + id + " が" + spaceJA(padJA(m.value("instance_state", state))) + "状態になりました"
}

func (m ja) summaryInstanceState(f *Facts, id, state string) string {
	return fmt.Sprintf("アカウント %s（%s）の EC2 インスタンス %s の状態が%sに変わりました。", orDash(f.Account), orDash(f.Region), orDash(id), spaceJA(padJA(m.value("instance_state", orDash(state)))))
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

// ---- コンソールへのサインイン ----

func (ja) titleSignIn(who string, failed bool) string {
	if failed {
		return padJA(who) + "のコンソールサインインに失敗しました"
	}
	return padJA(who) + "がコンソールにサインインしました"
}

func (ja) summarySignIn(f *Facts, who string, failed bool) string {
	c := f.ct.rec
	res := "成功しました"
	if failed {
		res = "失敗しました"
	}
	return fmt.Sprintf("アカウント %s で、%sによる AWS マネジメントコンソールへのサインインが%s。送信元 IP は %s です。", orDash(f.Account), padJA(who), res, orDash(c.SourceIPAddress))
}

func (ja) signInFailed(root bool, message string) string {
	s := "サインインは失敗しています"
	if message != "" {
		s += "（" + message + "）"
	}
	s += "。サインインした者はいません。"
	if root {
		return s + "何者かがルートユーザーのパスワードを試しています。失敗が繰り返されている場合は、パスワードを推測されています。"
	}
	return s + "1 回だけならパスワードの入力ミスがほとんどですが、何度も失敗している場合や、見慣れないアドレスからの失敗であれば、パスワードを推測されています。"
}

func (ja) signInRoot(noMFA bool) string {
	if noMFA {
		return "ルートユーザーが MFA を使わずにサインインしました。ルートユーザーはアカウントに対して無制限の権限を持つため、AWS は MFA で保護し、必要な一部の作業以外では使わないよう推奨しています。"
	}
	return "ルートユーザーが（MFA を使って）サインインしました。ルートユーザーはアカウントに対して無制限の権限を持つため、AWS は必要な一部の作業以外では使わないよう推奨しています。"
}

func (ja) signInNoMFA() string {
	return "MFA を使わず、パスワードだけでサインインしています。パスワードが盗まれれば、同じようにサインインされてしまいます。"
}

func (ja) signInOK() string { return "MFA を使ってサインインしています。" }

func (ja) signInResponse(root, failed bool) string {
	switch {
	case root && failed:
		return "ルートユーザーに強固なパスワードと MFA が設定されていることを確認してください。試行が続くようであれば、送信元アドレスの出どころを調べます。"
	case root:
		return "アカウントの管理者に、ルートユーザーを意図して使ったのか確認してください。意図したものでなければ、ルートユーザーの認証情報が侵害されたものとして扱い、パスワードを変更して MFA デバイスを確認します。"
	case failed:
		return "本人にパスワードの入力ミスか確認してください。そうでなければ（特に失敗が多い場合は）、ユーザーに MFA が設定されていることを確認します。"
	}
	return "本人に、想定どおりのアドレスからの本人によるサインインか確認してください。"
}

func (ja) signInConfirmStep() string {
	return "上記の ID の本人に、このサインイン（と送信元 IP）が本人によるものか確認します。"
}

func (ja) signInActivityStep() string {
	return "サインイン後にユーザーが何を行ったかを確認します。"
}

func (ja) signInMFAStep() string {
	return "ユーザーに MFA デバイスがあるか確認します。"
}

func (ja) titleSignInOther(who, eventName string) string {
	return padJA(who) + "のコンソールサインインイベント " + eventName
}

func (ja) summarySignInOther(f *Facts, who string) string {
	return fmt.Sprintf("CloudTrail が、アカウント %s で%sのサインインイベント %s を記録しました。送信元 IP は %s です。", orDash(f.Account), spaceJA(who), f.Code.Value, orDash(f.ct.rec.SourceIPAddress))
}

func (ja) signInOtherMeaning(eventName string) string {
	switch eventName {
	case "CheckMfa":
		return "CheckMfa は、コンソールへのサインイン時の MFA 確認です。"
	case "PasswordUpdated":
		return "PasswordUpdated は、この ID のコンソールパスワードが変更されたことを示します。"
	}
	return "コンソールへのサインインの過程で AWS が記録するイベントの 1 つです。"
}

func (ja) linkSignInEvents() string {
	return "AWS マネジメントコンソールのサインインイベント"
}

// ---- CloudTrail Insights ----

func (ja) titleInsight(eventName, eventSource, insightType, state string) string {
	what := "呼び出し回数"
	if insightType == "ApiErrorRateInsight" {
		what = "エラー率"
	}
	if state == "End" {
		return "CloudTrail Insights: " + orDash(eventName) + " の" + what + "の異常が終わりました（" + orDash(eventSource) + "）"
	}
	return "CloudTrail Insights: " + orDash(eventName) + " の" + what + "が通常と異なります（" + orDash(eventSource) + "）"
}

func (ja) summaryInsight(f *Facts, eventName, insightType, state string) string {
	what := "呼び出し回数"
	if insightType == "ApiErrorRateInsight" {
		what = "エラー率"
	}
	if state == "End" {
		return fmt.Sprintf("CloudTrail Insights によると、アカウント %s（%s）での %s の%sの異常は終わりました。", orDash(f.Account), orDash(f.Region), orDash(eventName), what)
	}
	return fmt.Sprintf("CloudTrail Insights が、アカウント %s（%s）で %s の%sが過去 7 日間のベースラインから外れたことを検知しました。", orDash(f.Account), orDash(f.Region), orDash(eventName), what)
}

func (ja) insightMeaning(insightType string) string {
	if insightType == "ApiErrorRateInsight" {
		return "いつもより多くの呼び出しが失敗しています。デプロイの不具合でも起こりますが、何者かが持っていない認証情報や権限を試している場合にも起こります。"
	}
	return "API がいつもよりはるかに多く呼び出されています。新しいワークロードやスクリプトの誤動作でも起こりますが、何者かがリソースを一括で列挙・変更している場合にも起こります。"
}

func (ja) insightResponse(state string) string {
	if state == "End" {
		return "異常な活動は終わっています。まだ確認していなければ、誰が原因だったかを確認してください。"
	}
	return "誰が呼び出しているのか（上記の ID）と、それが想定どおりかを確認してください。"
}

func (ja) insightLookupStep(eventName string) string {
	return "最近の " + eventName + " の呼び出しと、その呼び出し元を一覧にします。"
}

func (ja) insightCallersStep() string {
	return "上記の ID の管理者に、何をしていたのかを確認します。"
}

func (ja) linkInsights() string { return "CloudTrail Insights の使用" }

// padJA returns s followed by a space when it ends with a letter or digit
// of the Latin alphabet, as Japanese text sets words apart from
// identifiers: "IAM ユーザー alice が" but "ルートユーザーが".
func padJA(s string) string {
	if s != "" && isLatin(s[len(s)-1]) {
		return s + " "
	}
	return s
}

// spaceJA also puts a space before s when it starts with a Latin letter
// or digit.
func spaceJA(s string) string {
	if s != "" && isLatin(s[0]) {
		s = " " + s
	}
	return padJA(s)
}

func isLatin(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == ')'
}

// ---- Amazon Inspector ----

func (ja) titleInspector(f *Facts) string {
	if f.Code.Value != "" && f.Title != "" && !strings.Contains(f.Title, f.Code.Value) {
		return "Inspector: " + f.Code.Value + " " + f.Title
	}
	return "Inspector: " + firstNonEmpty(f.Title, f.Code.Value, "検出結果")
}

func (m ja) summaryInspector(f *Facts) string {
	res := ""
	if len(f.Resources) > 0 {
		res = resourceTextIn(m, f.Resources[0])
	}
	what := "脆弱性"
	if f.Code.Value != "" {
		what = "脆弱性 " + f.Code.Value
	}
	return fmt.Sprintf("Amazon Inspector が、アカウント %s（%s）の %s で%sを検出しました。重要度は「%s」です。", orDash(f.Account), orDash(f.Region), orDash(res), spaceJA(what), m.severityName(f.Severity))
}

func (ja) inspectorMeaning(findingType string, exploit bool) string {
	var s string
	switch findingType {
	case "NETWORK_REACHABILITY":
		s = "このリソースには、上記のポートでインターネットや他のネットワークから到達できます。そこで待ち受けているものは外部にさらされています。"
	case "CODE_VULNERABILITY":
		s = "関数のコードに、攻撃者に悪用されるおそれのある欠陥があります。"
	default:
		s = "リソース上のパッケージに既知の脆弱性があります。更新するまでは、脆弱なコードに到達できる攻撃者に悪用されるおそれがあります。"
	}
	if exploit {
		s += "攻撃コードが公開されているため、攻撃を受ける可能性が高まっています。"
	}
	return s
}

func (ja) inspectorNoFix() string {
	return "修正済みのバージョンはまだ提供されていません。ネットワークからの到達範囲や権限を絞ってさらされる範囲を小さくし、修正の提供を待ってください。"
}

func (ja) inspectorResponse(s Severity, exploit bool) string {
	if exploit || s == SevCritical || s == SevHigh {
		return "インターネットから到達できるリソースを優先して、早めにパッケージを修正済みのバージョンに更新してください。"
	}
	return "次のメンテナンス時間帯に、パッケージを修正済みのバージョンに更新してください。"
}

func (ja) inspectorPatchEC2Step() string {
	return "Systems Manager Patch Manager で、インスタンスに更新をインストールします（インスタンスに変更を加えるため、メンテナンス時間帯に実施します）。"
}

func (ja) inspectorRebuildImageStep() string {
	return "修正済みのバージョンのパッケージでコンテナイメージをビルドし直してプッシュし、そのイメージを使っているサービスを再デプロイします。"
}

func (ja) inspectorLambdaStep() string {
	return "関数のデプロイパッケージまたはレイヤーの依存関係を修正済みのバージョンに更新し、関数をデプロイし直します。"
}

func (ja) inspectorRecheckStep() string {
	return "更新後、検出結果のステータスを確認します。脆弱性が検出されなくなると、Inspector が検出結果をクローズします。"
}

func (ja) linkInspector() string { return "EventBridge での Amazon Inspector の検出結果" }

func (ja) linkPatchBaseline() string { return "AWS-RunPatchBaseline ドキュメント" }

func (m ja) gdDefaultSeverity(s Severity, variable bool) string {
	if variable {
		return "この検出結果タイプの GuardDuty での通常の重要度は「" + m.severityName(s) + "」です（検出結果によって変わります）。"
	}
	return "この検出結果タイプの GuardDuty での重要度は「" + m.severityName(s) + "」です。"
}

func (ja) gdFollowGuide(title string) string {
	return "想定された活動か確認してください。想定外であれば、GuardDuty のガイド（" + title + "）に従って対応します。"
}

func (ja) gdRetired(typ string) string {
	return "検出結果タイプ " + typ + " は GuardDuty で廃止されており、新しい検出結果は生成されません。"
}
