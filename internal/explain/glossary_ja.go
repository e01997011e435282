package explain

import "strings"

// identity は CloudTrail の ID の種類を日本語で名指しします。name は IAM
// ユーザー名、ロール名、プリンシパル（ルートユーザーでは空）です。
func (ja) identity(typ, name string) string {
	what := map[string]string{
		"Root": "ルートユーザー", "IAMUser": "IAM ユーザー", "AssumedRole": "ロール", "FederatedUser": "フェデレーションユーザー",
		"AWSService": "AWS のサービス", "AWSAccount": "AWS アカウント", "IdentityCenterUser": "IAM Identity Center のユーザー",
		"SAMLUser": "SAML ユーザー", "WebIdentityUser": "ウェブ ID ユーザー", "Directory": "ディレクトリのユーザー", "Unknown": "不明な ID",
	}[typ]
	switch {
	case typ == "Root":
		return "ルートユーザー"
	case what == "" && name == "":
		return "不明な ID"
	case what == "":
		return typ + " " + name
	case name == "":
		return what
	case typ == "AssumedRole":
		return "ロール " + name + " のセッション"
	}
	return what + " " + name
}

// resourceTypesJA は、リソースタイプの日本語名です。vigil 自身が付ける
// 種類（CloudTrail のパラメータ）と、各サービスがイベントで使う名前
// （GuardDuty、Security Hub の ASFF、AWS Config、Inspector）を収めます。
// 載っていない種類は、イベントの値をそのまま表示します。
var resourceTypesJA = map[string]string{
	"s3-bucket": "S3 バケット", "ec2-instance": "EC2 インスタンス", "security-group": "セキュリティグループ", "iam-user": "IAM ユーザー",
	"iam-role": "IAM ロール", "iam-group": "IAM グループ", "lambda-function": "Lambda 関数", "kms-key": "KMS キー",
	"secret": "シークレット", "ebs-snapshot": "EBS スナップショット", "ami": "AMI", "db-instance": "DB インスタンス",
	"db-snapshot": "DB スナップショット", "db-cluster-snapshot": "DB クラスタースナップショット", "trail": "証跡",
	"lambda-layer": "Lambda レイヤー", "ssm-document": "Systems Manager ドキュメント",
	// GuardDuty
	"Instance": "EC2 インスタンス", "AccessKey": "アクセスキー", "S3Bucket": "S3 バケット", "S3Object": "S3 オブジェクト",
	"EKSCluster": "EKS クラスター", "ECSCluster": "ECS クラスター", "Container": "コンテナ", "Lambda": "Lambda 関数",
	"RDSDBInstance": "RDS DB インスタンス", "RDSLimitlessDB": "RDS Limitless データベース", "EBSVolume": "EBS ボリューム",
	"KubernetesUser": "Kubernetes ユーザー", "KubernetesWorkload": "Kubernetes ワークロード",
	// Security Hub (ASFF)
	"AwsEc2Instance": "EC2 インスタンス", "AwsS3Bucket": "S3 バケット", "AwsIamUser": "IAM ユーザー", "AwsIamRole": "IAM ロール",
	"AwsIamPolicy": "IAM ポリシー", "AwsIamAccessKey": "アクセスキー", "AwsEc2SecurityGroup": "セキュリティグループ",
	"AwsEc2Volume": "EBS ボリューム", "AwsEc2Vpc": "VPC", "AwsEc2Subnet": "サブネット", "AwsEc2NetworkAcl": "ネットワーク ACL",
	"AwsAccount": "AWS アカウント", "AwsKmsKey": "KMS キー", "AwsLambdaFunction": "Lambda 関数", "AwsRdsDbInstance": "RDS DB インスタンス",
	"AwsRdsDbCluster": "RDS DB クラスター", "AwsRdsDbSnapshot": "RDS DB スナップショット", "AwsEcsTaskDefinition": "ECS タスク定義",
	"AwsEcsCluster": "ECS クラスター", "AwsEcsService": "ECS サービス", "AwsEksCluster": "EKS クラスター", "AwsCloudTrailTrail": "CloudTrail 証跡",
	"AwsSecretsManagerSecret": "シークレット", "AwsSnsTopic": "SNS トピック", "AwsSqsQueue": "SQS キュー", "AwsDynamoDbTable": "DynamoDB テーブル",
	"AwsEcrRepository": "ECR リポジトリ", "AwsEcrContainerImage": "ECR コンテナイメージ", "AwsCloudFrontDistribution": "CloudFront ディストリビューション",
	"AwsElbv2LoadBalancer": "ロードバランサー", "AwsElbLoadBalancer": "Classic Load Balancer", "AwsApiGatewayV2Stage": "API Gateway ステージ",
	"AwsApiGatewayStage": "API Gateway ステージ", "AwsOpenSearchServiceDomain": "OpenSearch ドメイン", "AwsElasticsearchDomain": "Elasticsearch ドメイン",
	"AwsRedshiftCluster": "Redshift クラスター", "AwsAutoScalingAutoScalingGroup": "Auto Scaling グループ", "AwsSsmPatchCompliance": "SSM パッチコンプライアンス",
	"AwsCertificateManagerCertificate": "ACM 証明書", "AwsWafWebAcl": "WAF ウェブ ACL", "AwsWafv2WebAcl": "WAF ウェブ ACL", "AwsEfsFileSystem": "EFS ファイルシステム",
	"AwsEc2LaunchTemplate": "起動テンプレート", "AwsEc2NetworkInterface": "ネットワークインターフェイス", "Other": "その他",
	// AWS Config
	"AWS::S3::Bucket": "S3 バケット", "AWS::EC2::Instance": "EC2 インスタンス", "AWS::EC2::SecurityGroup": "セキュリティグループ",
	"AWS::EC2::Volume": "EBS ボリューム", "AWS::EC2::VPC": "VPC", "AWS::IAM::User": "IAM ユーザー", "AWS::IAM::Role": "IAM ロール",
	"AWS::IAM::Policy": "IAM ポリシー", "AWS::IAM::Group": "IAM グループ", "AWS::KMS::Key": "KMS キー", "AWS::Lambda::Function": "Lambda 関数",
	"AWS::RDS::DBInstance": "RDS DB インスタンス", "AWS::RDS::DBCluster": "RDS DB クラスター", "AWS::CloudTrail::Trail": "CloudTrail 証跡",
	"AWS::::Account": "AWS アカウント", "AWS::CloudWatch::Alarm": "CloudWatch アラーム", "AWS::ECS::TaskDefinition": "ECS タスク定義",
	"AWS::SecretsManager::Secret": "シークレット", "AWS::DynamoDB::Table": "DynamoDB テーブル",
	// Inspector
	"AWS_EC2_INSTANCE": "EC2 インスタンス", "AWS_ECR_CONTAINER_IMAGE": "ECR コンテナイメージ", "AWS_ECR_REPOSITORY": "ECR リポジトリ",
	"AWS_LAMBDA_FUNCTION": "Lambda 関数", "CODE_REPOSITORY": "コードリポジトリ",
	// AWS Health
	"entity": "影響を受けるリソース",
	// CloudWatch metric dimensions that name a resource
	"InstanceId": "EC2 インスタンス", "DBInstanceIdentifier": "RDS DB インスタンス", "FunctionName": "Lambda 関数",
	"LoadBalancer": "ロードバランサー", "TargetGroup": "ターゲットグループ", "TableName": "DynamoDB テーブル", "QueueName": "SQS キュー",
	"BucketName": "S3 バケット", "AutoScalingGroupName": "Auto Scaling グループ", "ClusterName": "クラスター", "ServiceName": "サービス",
	"VolumeId": "EBS ボリューム", "TopicName": "SNS トピック", "ApiName": "API", "DistributionId": "CloudFront ディストリビューション",
}

func (ja) resourceType(t string) string {
	if s, ok := resourceTypesJA[t]; ok {
		return s
	}
	return t
}

// valuesJA は、列挙値の日本語訳を項目ごとに収めます。表示は「訳（元の値）」
// とし、元の値を残して照合できるようにします。
var valuesJA = map[string]map[string]string{
	"resource_role": {"TARGET": "標的", "ACTOR": "攻撃元"},
	"action_type": {"NETWORK_CONNECTION": "ネットワーク接続", "AWS_API_CALL": "AWS API 呼び出し", "DNS_REQUEST": "DNS クエリ",
		"PORT_PROBE": "ポートスキャン", "KUBERNETES_API_CALL": "Kubernetes API 呼び出し", "RDS_LOGIN_ATTEMPT": "RDS へのログイン試行"},
	"direction":    {"INBOUND": "受信", "OUTBOUND": "送信", "UNKNOWN": "不明"},
	"compliance":   {"PASSED": "合格", "FAILED": "不合格", "WARNING": "判定不能", "NOT_AVAILABLE": "評価不可"},
	"workflow":     {"NEW": "未対応", "NOTIFIED": "通知済み", "RESOLVED": "解決済み", "SUPPRESSED": "抑制済み"},
	"record_state": {"ACTIVE": "有効", "ARCHIVED": "アーカイブ済み"},
	"status": {"ACTIVE": "有効", "ARCHIVED": "アーカイブ済み", "RESOLVED": "解決済み", "SUPPRESSED": "抑制済み", "CLOSED": "クローズ済み",
		"open": "継続中", "closed": "終了", "upcoming": "予定", "OPEN": "未解決", "NEW": "新規"},
	"identity_type": {"Root": "ルートユーザー", "IAMUser": "IAM ユーザー", "AssumedRole": "引き受けたロール", "FederatedUser": "フェデレーションユーザー",
		"AWSService": "AWS のサービス", "AWSAccount": "別の AWS アカウント", "IdentityCenterUser": "IAM Identity Center のユーザー",
		"SAMLUser": "SAML ユーザー", "WebIdentityUser": "ウェブ ID ユーザー", "Unknown": "不明"},
	"instance_state": {"pending": "起動処理中", "running": "実行中", "stopping": "停止処理中", "stopped": "停止",
		"shutting-down": "終了処理中", "terminated": "終了"},
	"health_category":         {"issue": "障害", "accountNotification": "アカウントへの通知", "scheduledChange": "予定された変更", "investigation": "調査中"},
	"health_scope":            {"PUBLIC": "全体", "ACCOUNT_SPECIFIC": "アカウント固有", "NONE": "なし"},
	"fix_available":           {"YES": "あり", "NO": "なし", "PARTIAL": "一部あり"},
	"exploit_available":       {"YES": "あり", "NO": "なし"},
	"result":                  {"Success": "成功", "Failure": "失敗"},
	"insight_state":           {"Start": "開始", "End": "終了"},
	"insight_type":            {"ApiCallRateInsight": "API 呼び出し回数の異常", "ApiErrorRateInsight": "API エラー率の異常"},
	"finding_status":          {"ACTIVE": "有効", "SUPPRESSED": "抑制済み", "CLOSED": "クローズ済み"},
	"effective_permission":    {"PUBLIC": "公開", "NOT_PUBLIC": "非公開"},
	"public_via":              {"acl": "ACL", "bucket-policy": "バケットポリシー"},
	"block_public_access_off": {"bucket": "バケット単位", "account": "アカウント単位"},
	"alarm_type": {"single-metric": "単一メトリクス", "metric-math": "メトリクス計算", "anomaly-detection": "異常検出",
		"composite": "複合アラーム"},
	"change": {"pending": "起動処理中", "running": "実行中", "stopping": "停止処理中", "stopped": "停止",
		"shutting-down": "終了処理中", "terminated": "終了"},
	"finding_type": {"PACKAGE_VULNERABILITY": "パッケージの脆弱性", "NETWORK_REACHABILITY": "ネットワーク到達性",
		"CODE_VULNERABILITY": "コードの脆弱性"},
	"error": {"ACCESS_DENIED": "アクセス拒否", "INTERNAL_ERROR": "内部エラー", "INVALID_CONFIGURATION": "設定が無効",
		"NOT_FOUND": "見つからない", "NOT_SUPPORTED": "サポート対象外"},
	"auth_method":           {"PASSWORD": "パスワード", "IAM": "IAM 認証"},
	"actions_suppressed_by": {"WaitPeriod": "待機期間", "ExtensionPeriod": "延長期間", "Alarm": "抑制アラーム"},
	"feature": {"RuntimeMonitoring": "ランタイムモニタリング", "EksRuntimeMonitoring": "EKS ランタイムモニタリング",
		"EbsMalwareProtection": "EBS のマルウェア保護", "S3DataEvents": "S3 保護", "EksAuditLogs": "EKS 保護",
		"RdsLoginEvents": "RDS 保護", "LambdaNetworkLogs": "Lambda 保護"},
	"caller_type": {"Remote IP": "外部の IP アドレス", "Domain": "ドメイン", "AWS Service": "AWS のサービス"},
	"vendor_severity": {"CRITICAL": "重大", "HIGH": "高", "MEDIUM": "中", "LOW": "低", "INFORMATIONAL": "情報",
		"UNTRIAGED": "未評価", "NONE": "なし"},
}

// value は列挙値を日本語で表します。真偽値は「はい」「いいえ」、訳のある
// 値は「訳（元の値）」、それ以外は元の値のままです。
func (ja) value(key, v string) string {
	if boolKeys[key] {
		switch v {
		case "true", "Yes", "YES", "yes":
			return "はい"
		case "false", "No", "NO", "no":
			return "いいえ"
		}
	}
	if key == "compliance" {
		// "FAILED (CONFIG_EVALUATIONS_EMPTY)": the status, then reason codes.
		head, rest, _ := strings.Cut(v, " ")
		if t, ok := valuesJA[key][head]; ok {
			return strings.TrimSpace(t + "（" + head + "）" + rest)
		}
	}
	if listKeys[key] {
		items := strings.Split(v, ", ")
		for i, it := range items {
			if t, ok := valuesJA[key][it]; ok {
				items[i] = t
			}
		}
		return strings.Join(items, "、")
	}
	if t, ok := valuesJA[key][v]; ok {
		return t + "（" + v + "）"
	}
	return v
}

// timeValue は、時刻を送信元の表記のまま示し、日本時間を添えます。
func (ja) timeValue(s string) string {
	t, ok := parseTime(s)
	if !ok {
		return s
	}
	return s + "（日本時間 " + t.In(jst).Format("2006-01-02 15:04:05") + "）"
}
