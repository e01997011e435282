package knowledge

// controlStepsJA は controlStepsEN の日本語版です。コマンドは英語版と同じです。
var controlStepsJA = map[string][]string{
	// ---- S3 ----
	"S3.1": {
		"アカウントの S3 ブロックパブリックアクセスの設定を確認します。\n$ aws s3control get-public-access-block --account-id {account} --region {region}",
		"公開が必要なバケットがなければ、アカウント全体で 4 つの設定をすべて有効にします。\n$ aws s3control put-public-access-block --account-id {account} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true --region {region}",
	},
	"S3.2": s3PublicJA,
	"S3.3": s3PublicJA,
	"S3.8": s3PublicJA,
	"CloudTrail.6": {
		"各証跡のログの配信先バケットを確認します。\n$ aws cloudtrail describe-trails --query 'trailList[].[Name,S3BucketName]' --region {region}",
		"そのバケットでパブリックアクセスをブロックします。アカウント外の誰かが CloudTrail のログを直接読む必要はありません。\n$ aws s3api put-public-access-block --bucket <BUCKET_NAME> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
	},
	"S3.5": {
		"{bucket} のバケットポリシーを確認します。\n$ aws s3api get-bucket-policy --bucket {bucket}",
		"aws:SecureTransport が false のリクエストを、バケットとそのオブジェクトに対してすべて拒否するステートメントを追加し、HTTPS のリクエストだけを受け付けるようにします。",
	},
	"S3.6": {
		"{bucket} のバケットポリシーを読み、ほかの AWS アカウントにバケットのポリシー、ACL、暗号化設定の変更を許可しているステートメントを探します。\n$ aws s3api get-bucket-policy --bucket {bucket}",
		"それらのアクションをステートメントから削除するか、自アカウントのプリンシパルだけに限定します。",
	},
	"S3.9": {
		"{bucket} でサーバーアクセスログが有効か確認します。\n$ aws s3api get-bucket-logging --bucket {bucket}",
		"バケットのプロパティで有効にします。ログの保存先には、同じアカウント・同じリージョンの別のバケットを指定します。",
	},
	"S3.12": {
		"{bucket} のオブジェクト所有者の設定を確認します。\n$ aws s3api get-bucket-ownership-controls --bucket {bucket}",
		"ACL に依存しているアプリケーションがないことを確認したうえで、オブジェクト所有者を「バケット所有者の強制」にして ACL を無効にし、アクセスはポリシーで許可します。\n$ aws s3api put-bucket-ownership-controls --bucket {bucket} --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'",
	},
	"S3.19": {
		"アクセスポイント {access_point} のブロックパブリックアクセスの設定を確認します。\n$ aws s3control get-access-point --account-id {account} --name {access_point} --region {region}",
		"アクセスポイントのブロックパブリックアクセスの設定は、作成後には変更できません。設定を有効にしたアクセスポイントを新しく作成して利用者を移行し、古いアクセスポイントを削除します。",
	},

	// ---- EC2 と VPC ----
	"EC2.1": {
		"{region} にあるこのアカウントのスナップショットのうち、誰でも復元できるものを一覧表示します。\n$ aws ec2 describe-snapshots --owner-ids self --restorable-by-user-ids all --region {region}",
		"公開が必要なもの以外は、それぞれ非公開にします。\n$ aws ec2 modify-snapshot-attribute --snapshot-id <SNAPSHOT_ID> --attribute createVolumePermission --operation-type remove --group-names all --region {region}",
		"リージョンで EBS スナップショットのブロックパブリックアクセスを有効にし、今後スナップショットが公開されないようにします。\n$ aws ec2 enable-snapshot-block-public-access --state block-all-sharing --region {region}",
	},
	"EC2.182": {
		"{region} の EBS スナップショットのブロックパブリックアクセスの状態を確認します。\n$ aws ec2 get-snapshot-block-public-access-state --region {region}",
		"有効にして、リージョン内のスナップショットの公開をすべてブロックします。\n$ aws ec2 enable-snapshot-block-public-access --state block-all-sharing --region {region}",
	},
	"EC2.2": {
		"デフォルトセキュリティグループ {sg} のルールを一覧表示します。\n$ aws ec2 describe-security-group-rules --filters Name=group-id,Values={sg} --region {region}",
		"まだこのグループを使っているリソースを洗い出し、専用のセキュリティグループに移します。\n$ aws ec2 describe-network-interfaces --filters Name=group-id,Values={sg} --region {region}",
		"そのうえで、デフォルトセキュリティグループのルールを ID（sgr-...）を指定してインバウンド、アウトバウンドともすべて削除します。\n$ aws ec2 revoke-security-group-ingress --group-id {sg} --security-group-rule-ids <RULE_ID> --region {region}",
		"アウトバウンドのルールも同じように削除します。\n$ aws ec2 revoke-security-group-egress --group-id {sg} --security-group-rule-ids <RULE_ID> --region {region}",
	},
	"EC2.13": sgOpenJA,
	"EC2.14": sgOpenJA,
	"EC2.18": sgOpenJA,
	"EC2.19": sgOpenJA,
	"EC2.21": {
		"ネットワーク ACL {nacl} のエントリを一覧表示し、0.0.0.0/0 または ::/0 からポート 22 や 3389 への通信を許可しているものを探します。\n$ aws ec2 describe-network-acls --network-acl-ids {nacl} --region {region}",
		"アクセスが必要なアドレス範囲だけを許可するエントリに置き換えるか、インスタンスへの接続を Systems Manager Session Manager に切り替えます。",
	},
	"EC2.3": {
		"ボリュームの暗号化の状態を確認します。\n$ aws ec2 describe-volumes --volume-ids {volume} --query 'Volumes[].[Encrypted,Attachments[].InstanceId]' --region {region}",
		"既存のボリュームをそのまま暗号化することはできません。スナップショットを作成して暗号化付きでコピーし、コピーから作成したボリュームにメンテナンス時間帯に差し替えます。",
	},
	"EC2.6": {
		"{vpc} のフローログを確認します。\n$ aws ec2 describe-flow-logs --filter Name=resource-id,Values={vpc} --region {region}",
		"少なくとも拒否されたトラフィックを記録するフローログを、S3 または CloudWatch Logs に作成します。\n$ aws ec2 create-flow-logs --resource-type VPC --resource-ids {vpc} --traffic-type REJECT --log-destination-type s3 --log-destination <BUCKET_ARN> --region {region}",
	},
	"EC2.8": {
		"{instance} のインスタンスメタデータのオプションを確認します。HttpTokens が optional なら、まだ IMDSv1 が使える状態です。\n$ aws ec2 describe-instances --instance-ids {instance} --query 'Reservations[].Instances[].MetadataOptions' --region {region}",
		"インスタンス上のソフトウェアが IMDSv2 に対応していることを確認してから（最近の AWS SDK と AWS CLI は対応済みです。トークンなしの呼び出し回数は CloudWatch メトリクス MetadataNoToken で確認できます）、IMDSv2 を必須にします。\n$ aws ec2 modify-instance-metadata-options --instance-id {instance} --http-tokens required --http-endpoint enabled --region {region}",
	},
	"EC2.9": {
		"{instance} のパブリックアドレスとサブネットを確認します。\n$ aws ec2 describe-instances --instance-ids {instance} --query 'Reservations[].Instances[].[PublicIpAddress,SubnetId]' --region {region}",
		"インターネットから直接到達できる必要がなければ、プライベートサブネットで動かし、利用者向けのサービスならロードバランサーの背後に置き、管理には Systems Manager Session Manager を使います。",
	},
	"EC2.15": {
		"このサブネットで起動するインスタンスに、パブリック IPv4 アドレスが自動で割り当てられないようにします。\n$ aws ec2 modify-subnet-attribute --subnet-id {subnet} --no-map-public-ip-on-launch --region {region}",
	},
	"EC2.23": {
		"Transit Gateway {tgw} が VPC アタッチメントを自動で承諾しないようにします。以後のアタッチメントのリクエストは承認待ちになります。\n$ aws ec2 modify-transit-gateway --transit-gateway-id {tgw} --options AutoAcceptSharedAttachments=disable --region {region}",
	},

	// ---- IAM ----
	"IAM.1": {
		"ポリシーとそのデフォルトバージョンを確認し、すべてのリソース（\"*\"）に対してすべてのアクション（\"*\"）を許可しているステートメントを探します。\n$ aws iam get-policy --policy-arn {policy_arn}",
		"デフォルトバージョンのポリシードキュメントは次のコマンドで確認できます。\n$ aws iam get-policy-version --policy-arn {policy_arn} --version-id <VERSION_ID>",
		"このポリシーがアタッチされているユーザー、グループ、ロールを一覧表示します。\n$ aws iam list-entities-for-policy --policy-arn {policy_arn}",
		"そのステートメントを、利用者が実際に必要とするアクションとリソースに絞り込みます。IAM Access Analyzer を使うと、CloudTrail の利用履歴からポリシーを生成できます。",
	},
	"IAM.3": {
		"{user} のアクセスキーと、それぞれの作成日時を確認します。\n$ aws iam list-access-keys --user-name {user}",
		"古いキーをローテーションします。IAM コンソールで新しいキーを作成してワークロードを切り替え、古いキーを無効化します。しばらく問題が起きなければ削除します。\n$ aws iam update-access-key --user-name {user} --access-key-id <ACCESS_KEY_ID> --status Inactive",
	},
	"IAM.4": {
		"ルートユーザーにアクセスキーがあるか確認します（1 ならあります）。\n$ aws iam get-account-summary --query SummaryMap.AccountAccessKeysPresent",
		"CloudTrail でキーの利用元を確認したうえで、ルートユーザーでサインインし、「セキュリティ認証情報」からキーを削除します。",
	},
	"IAM.5":  iamUserMFAJA,
	"IAM.19": iamUserMFAJA,
	"IAM.6": {
		"ルートユーザーに MFA が設定されているか確認します（1 なら設定済みです）。\n$ aws iam get-account-summary --query SummaryMap.AccountMFAEnabled",
		"この一覧にルートユーザーが含まれていれば、その MFA デバイスはハードウェアではなく仮想 MFA です。\n$ aws iam list-virtual-mfa-devices --assignment-status Assigned",
		"ルートユーザーでサインインし、「セキュリティ認証情報」でハードウェア MFA デバイスを登録します。",
	},
	"IAM.9": {
		"ルートユーザーに MFA が設定されているか確認します（1 なら設定済みです）。\n$ aws iam get-account-summary --query SummaryMap.AccountMFAEnabled",
		"ルートユーザーでサインインし、「セキュリティ認証情報」で MFA デバイスを登録します。",
	},
	"IAM.7":  passwordPolicyJA,
	"IAM.10": passwordPolicyJA,
	"IAM.11": passwordPolicyJA,
	"IAM.12": passwordPolicyJA,
	"IAM.13": passwordPolicyJA,
	"IAM.14": passwordPolicyJA,
	"IAM.15": passwordPolicyJA,
	"IAM.8":  unusedCredentialsJA,
	"IAM.22": unusedCredentialsJA,

	// ---- ログと検出 ----
	"CloudTrail.1": trailEnabledJA,
	"CloudTrail.3": trailEnabledJA,
	"CloudTrail.2": {
		"証跡のログファイルを暗号化している KMS キーを確認します。\n$ aws cloudtrail describe-trails --trail-name-list {trail} --query 'trailList[].KmsKeyId' --region {region}",
		"キーポリシーで CloudTrail の利用を許可した KMS キーを証跡に設定します（CloudTrail コンソールから作成することもできます）。\n$ aws cloudtrail update-trail --name {trail} --kms-key-id <KMS_KEY_ARN> --region {region}",
	},
	"CloudTrail.4": {
		"ログファイルの検証を有効にし、配信後のログファイルの改ざんを検出できるようにします。\n$ aws cloudtrail update-trail --name {trail} --enable-log-file-validation --region {region}",
	},
	"CloudTrail.5": {
		"証跡がイベントを CloudWatch Logs に送っているか確認します。\n$ aws cloudtrail describe-trails --trail-name-list {trail} --query 'trailList[].CloudWatchLogsLogGroupArn' --region {region}",
		"証跡の設定で CloudWatch Logs のロググループとロールを指定し、メトリクスフィルターとアラームでイベントを監視できるようにします。",
	},
	"Config.1": {
		"{region} で AWS Config が記録しているか確認します。\n$ aws configservice describe-configuration-recorder-status --region {region}",
		"レコーダーの記録対象と使用しているロールを確認します。\n$ aws configservice describe-configuration-recorders --region {region}",
		"AWS Config のコンソールからリージョンの設定を行い、サービスリンクロール AWSServiceRoleForConfig ですべてのリソースタイプを記録します。",
	},
	"GuardDuty.1": {
		"{region} に GuardDuty のディテクターがあるか確認します。\n$ aws guardduty list-detectors --region {region}",
		"なければ有効にします。AWS Organizations を使っている場合は、GuardDuty の委任管理者アカウントからすべてのアカウントで有効にします。\n$ aws guardduty create-detector --enable --region {region}",
	},
	"GuardDuty.5":  guardDutyFeatureJA("EKS_AUDIT_LOGS"),
	"GuardDuty.6":  guardDutyFeatureJA("LAMBDA_NETWORK_LOGS"),
	"GuardDuty.7":  guardDutyFeatureJA("EKS_RUNTIME_MONITORING"),
	"GuardDuty.8":  guardDutyFeatureJA("EBS_MALWARE_PROTECTION"),
	"GuardDuty.9":  guardDutyFeatureJA("RDS_LOGIN_EVENTS"),
	"GuardDuty.10": guardDutyFeatureJA("S3_DATA_EVENTS"),
	"GuardDuty.11": guardDutyFeatureJA("RUNTIME_MONITORING"),
	"Inspector.1":  inspectorScanJA("EC2"),
	"Inspector.2":  inspectorScanJA("ECR"),
	"Inspector.3":  inspectorScanJA("LAMBDA LAMBDA_CODE"),
	"Inspector.4":  inspectorScanJA("LAMBDA"),
	"Macie.1": {
		"{region} で Macie が有効か確認します。\n$ aws macie2 get-macie-session --region {region}",
		"有効にします。AWS Organizations を使っている場合は、Macie の委任管理者アカウントから有効にします。\n$ aws macie2 enable-macie --region {region}",
	},
	"Macie.2": {
		"機密データの自動検出の設定を確認します。\n$ aws macie2 get-automated-discovery-configuration --region {region}",
		"Macie コンソールの「設定」の「機密データの自動検出」で有効にします。",
	},

	// ---- KMS ----
	"KMS.3": {
		"キーの状態と削除予定日を確認します。\n$ aws kms describe-key --key-id {kms_key} --query 'KeyMetadata.[KeyState,DeletionDate]' --region {region}",
		"キーがまだ必要なら削除をキャンセルします。削除されたキーで暗号化したデータは二度と復号できません。\n$ aws kms cancel-key-deletion --key-id {kms_key} --region {region}",
		"キャンセル後のキーは無効の状態です。使用中であれば有効に戻します。\n$ aws kms enable-key --key-id {kms_key} --region {region}",
	},
	"KMS.4": {
		"キーの自動ローテーションの状態を確認します。\n$ aws kms get-key-rotation-status --key-id {kms_key} --region {region}",
		"有効にします。KMS は以前のキーマテリアルも保持するので、既存のデータは引き続き復号できます。\n$ aws kms enable-key-rotation --key-id {kms_key} --region {region}",
	},
	"KMS.5": {
		"キーポリシーを確認し、条件で絞り込まずにプリンシパル \"*\" を許可しているステートメントを探します。\n$ aws kms get-key-policy --key-id {kms_key} --policy-name default --region {region}",
		"それらのステートメントを、キーを必要とするアカウントとロールだけに限定します。",
	},

	// ---- コンピューティングとコンテナ ----
	"Lambda.1": {
		"{function} のリソースベースポリシーを確認し、プリンシパルが \"*\" のステートメントや、送信元アカウント・ARN の条件なしにサービスプリンシパルを許可しているステートメントを探します。\n$ aws lambda get-policy --function-name {function} --region {region}",
		"該当するステートメントを Sid を指定して削除します。\n$ aws lambda remove-permission --function-name {function} --statement-id <STATEMENT_ID> --region {region}",
	},
	"Lambda.2": {
		"関数のランタイムを確認します。\n$ aws lambda get-function-configuration --function-name {function} --query Runtime --region {region}",
		"サポートされているランタイムのバージョンに移行し、テストしてからデプロイします。",
	},
	"ECS.3": ecsTaskDefJA("'taskDefinition.pidMode'", "pidMode を host にしない新しいリビジョンを登録し、このタスク定義を使っているサービスを更新します。"),
	"ECS.4": ecsTaskDefJA("'taskDefinition.containerDefinitions[].[name,privileged]'", "すべてのコンテナで privileged を false にした（または指定しない）新しいリビジョンを登録し、このタスク定義を使っているサービスを更新します。"),
	"ECS.5": ecsTaskDefJA("'taskDefinition.containerDefinitions[].[name,readonlyRootFilesystem]'", "すべてのコンテナで readonlyRootFilesystem を true にした新しいリビジョンを登録し（書き込みが必要なパスには専用のボリュームを割り当てます）、このタスク定義を使っているサービスを更新します。"),
	"ECS.8": ecsTaskDefJA("'taskDefinition.containerDefinitions[].[name,environment[].name]'", "シークレットを Secrets Manager または Systems Manager パラメータストアに移し、コンテナの environment ではなく secrets から参照する新しいリビジョンを登録します。"),
	"ECR.1": {
		"レジストリのスキャン設定を確認します。\n$ aws ecr get-registry-scanning-configuration --region {region}",
		"リポジトリでプッシュ時のスキャンを有効にするか、Amazon Inspector による拡張スキャンをレジストリで有効にします。\n$ aws ecr put-image-scanning-configuration --repository-name {repository} --image-scanning-configuration scanOnPush=true --region {region}",
	},
	"EKS.1": {
		"クラスターのエンドポイントへのアクセス設定を確認します。\n$ aws eks describe-cluster --name {eks_cluster} --query cluster.resourcesVpcConfig --region {region}",
		"kubectl を使う担当者やシステムがプライベートエンドポイントに到達できる（VPN、Direct Connect、VPC 内の踏み台など）ことを確認してから、パブリックエンドポイントを無効にします。\n$ aws eks update-cluster-config --name {eks_cluster} --resources-vpc-config endpointPublicAccess=false,endpointPrivateAccess=true --region {region}",
	},
	"EKS.2": {
		"クラスターの Kubernetes バージョンを確認します。\n$ aws eks describe-cluster --name {eks_cluster} --query cluster.version --region {region}",
		"クラスターのアップグレードインサイトを確認したうえで、標準サポート中のバージョンまで、マイナーバージョンを 1 つずつ上げる計画を立てます。",
	},
	"CodeBuild.2": {
		"プロジェクト {project} の環境変数を確認します。\n$ aws codebuild batch-get-projects --names {project} --query 'projects[].environment.environmentVariables' --region {region}",
		"認証情報を Secrets Manager またはパラメータストアに移し（変数のタイプを SECRETS_MANAGER または PARAMETER_STORE にします）、認証情報自体もローテーションします。プロジェクトを参照できる人なら誰でも読めた状態だったためです。",
	},
	"CodeBuild.5": {
		"プロジェクト {project} の特権モードを確認します。\n$ aws codebuild batch-get-projects --names {project} --query 'projects[].environment.privilegedMode' --region {region}",
		"Docker イメージをビルドするプロジェクトでなければ、特権モードを無効にします。",
	},
	"SageMaker.1": {
		"ノートブックインスタンス {notebook} のダイレクトインターネットアクセスを確認します。\n$ aws sagemaker describe-notebook-instance --notebook-instance-name {notebook} --query DirectInternetAccess --region {region}",
		"この設定はノートブックインスタンスの作成時にしか指定できません。ダイレクトインターネットアクセスを無効にしたインスタンスを VPC 内に作成し、作業を移行します。",
	},
	"AutoScaling.3": {
		"起動設定 {launch_configuration} のメタデータのオプションを確認します。\n$ aws autoscaling describe-launch-configurations --launch-configuration-names {launch_configuration} --query 'LaunchConfigurations[].MetadataOptions' --region {region}",
		"起動設定は変更できません。IMDSv2 を必須（HttpTokens を required）にした起動テンプレートに Auto Scaling グループを移行します。",
	},

	// ---- データストア ----
	"RDS.1": {
		"DB スナップショットを復元できる相手を確認します（all は誰でも復元できることを意味します）。\n$ aws rds describe-db-snapshot-attributes --db-snapshot-identifier {db_snapshot} --region {region}",
		"非公開にします。\n$ aws rds modify-db-snapshot-attribute --db-snapshot-identifier {db_snapshot} --attribute-name restore --values-to-remove all --region {region}",
		"DB クラスタースナップショットを復元できる相手を確認します（all は誰でも復元できることを意味します）。\n$ aws rds describe-db-cluster-snapshot-attributes --db-cluster-snapshot-identifier {db_cluster_snapshot} --region {region}",
		"非公開にします。\n$ aws rds modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier {db_cluster_snapshot} --attribute-name restore --values-to-remove all --region {region}",
	},
	"RDS.2": {
		"{db} がパブリックアクセス可能か確認します。\n$ aws rds describe-db-instances --db-instance-identifier {db} --query 'DBInstances[].[PubliclyAccessible,Endpoint.Address]' --region {region}",
		"VPC の外のクライアントが直接接続する必要がなければ、パブリックアクセスを無効にします。\n$ aws rds modify-db-instance --db-instance-identifier {db} --no-publicly-accessible --apply-immediately --region {region}",
	},
	"RDS.13": {
		"{db} でマイナーバージョンの自動アップグレードを有効にします。アップグレードはメンテナンスウィンドウ中に適用されます。\n$ aws rds modify-db-instance --db-instance-identifier {db} --auto-minor-version-upgrade --region {region}",
	},
	"Redshift.1": {
		"VPC の外のクライアントが直接接続する必要がなければ、クラスターのパブリックアクセスを無効にします。\n$ aws redshift modify-cluster --cluster-identifier {redshift_cluster} --no-publicly-accessible --region {region}",
	},
	"DMS.1": {
		"レプリケーションインスタンスがパブリックか確認します。\n$ aws dms describe-replication-instances --filters Name=replication-instance-arn,Values={replication_instance} --query 'ReplicationInstances[].PubliclyAccessible' --region {region}",
		"修復ガイドに従い、プライベートなレプリケーションインスタンスに置き換えます。",
	},
	"ES.2": {
		"ドメインが VPC 内にあるか確認します。\n$ aws es describe-elasticsearch-domain --domain-name {search_domain} --query DomainStatus.VPCOptions --region {region}",
		"ドメインのネットワークアクセスの方式は作成後に変更できません。VPC 内に新しいドメインを作成し、スナップショットなどでデータを移して、クライアントの接続先を切り替えます。",
	},
	"Opensearch.2": {
		"ドメインが VPC 内にあるか確認します。\n$ aws opensearch describe-domain --domain-name {search_domain} --query DomainStatus.VPCOptions --region {region}",
		"ドメインのネットワークアクセスの方式は作成後に変更できません。VPC 内に新しいドメインを作成し、スナップショットなどでデータを移して、クライアントの接続先を切り替えます。",
	},
	"SNS.4": {
		"トピックのアクセスポリシーを確認し、条件で絞り込まずにプリンシパル \"*\" を許可しているステートメントを探します。\n$ aws sns get-topic-attributes --topic-arn {topic} --query Attributes.Policy --region {region}",
		"それらのステートメントを、トピックに発行・サブスクライブするアカウントとサービスだけに限定します。",
	},
	"SQS.3": {
		"キューのアクセスポリシーを確認し、条件で絞り込まずにプリンシパル \"*\" を許可しているステートメントを探します。\n$ aws sqs get-queue-attributes --queue-url {queue_url} --attribute-names Policy --region {region}",
		"それらのステートメントを、キューを使うアカウントとサービスだけに限定します。",
	},

	// ---- アカウントと管理 ----
	"SSM.4": {
		"ドキュメント {document} の共有先を確認します（all はパブリックを意味します）。\n$ aws ssm describe-document-permission --name {document} --permission-type Share --region {region}",
		"パブリックな共有をやめます。\n$ aws ssm modify-document-permission --name {document} --permission-type Share --account-ids-to-remove all --region {region}",
	},
	"EMR.2": {
		"{region} における EMR のブロックパブリックアクセスの設定を確認します。\n$ aws emr get-block-public-access-configuration --region {region}",
		"EMR コンソールの「ブロックパブリックアクセス」で有効にし、誰にでも開放する必要があるポートだけを例外にします。",
	},
	"Account.2": {
		"アカウントが組織に属しているか確認します。\n$ aws organizations describe-organization",
		"組織の管理アカウントからこのアカウントを招待し、組織のポリシーと委任されたセキュリティサービスが適用されるようにします。",
	},
	// ---- 追加: ほかのエンジンのスナップショット、ノートブック、アラーム、起動設定、パッチ適用 ----
	"DocumentDB.3": clusterSnapshotJA("docdb"),
	"Neptune.3":    clusterSnapshotJA("neptune"),
	"SageMaker.3": {
		"ノートブックインスタンス {notebook} のルートアクセスの設定を確認します。\n$ aws sagemaker describe-notebook-instance --notebook-instance-name {notebook} --query RootAccess --region {region}",
		"ノートブックインスタンスを停止してから、ルートアクセスを無効にします。\n$ aws sagemaker update-notebook-instance --notebook-instance-name {notebook} --root-access Disabled --region {region}",
	},
	"CloudWatch.17": {
		"アラーム {alarm} のアクションを有効に戻します。\n$ aws cloudwatch enable-alarm-actions --alarm-names {alarm} --region {region}",
	},
	"AutoScaling.4": launchConfigurationJA("メタデータレスポンスのホップ制限を 1 にした"),
	"Autoscaling.5": launchConfigurationJA("ネットワークインターフェイスにパブリック IP アドレスを割り当てない"),
	"SSM.2": {
		"インスタンスのパッチの状態（不足しているパッチ、失敗したパッチ）を確認します。\n$ aws ssm describe-instance-patch-states --instance-ids <INSTANCE_ID> --region {region}",
		"Patch Manager から AWS-RunPatchBaseline ドキュメント（Operation は Install）で不足しているパッチをインストールします。再起動が必要なインスタンスはメンテナンスウィンドウ中に実行します。",
	},
	// ---- 追加: 手順のなかった CRITICAL のコントロールと、アクションのないアラーム ----
	"CodeBuild.1": {
		"プロジェクト {project} のソースを確認します。ユーザー名とパスワードやトークンを含む Bitbucket の URL は、プロジェクトを読めるすべての人にそれらを見せてしまいます。\n$ aws codebuild batch-get-projects --names {project} --region {region}",
		"URL に含まれていたパスワードやトークンを Bitbucket で無効にします。漏えいしたものとして扱ってください。",
		"代わりにソース認証情報（OAuth アプリまたはアクセストークン）で CodeBuild を Bitbucket に接続し、プロジェクトには認証情報を含まない URL を設定します。\n$ aws codebuild update-project --name {project} --source type=BITBUCKET,location=<REPOSITORY_URL_WITHOUT_CREDENTIALS> --region {region}",
	},
	"MSK.4": {
		"クラスター {msk_cluster} がパブリックアクセスを許可しているか確認し、CurrentVersion を控えます。\n$ aws kafka describe-cluster-v2 --cluster-arn {msk_cluster} --region {region}",
		"インターネットから接続する必要がなければ、上で確認した CurrentVersion を指定してパブリックアクセスを無効にします。\n$ aws kafka update-connectivity --cluster-arn {msk_cluster} --current-version <CURRENT_VERSION> --connectivity-info 'PublicAccess={Type=DISABLED}' --region {region}",
	},
	"SSM.7": {
		"{region} でアカウントが SSM ドキュメントをパブリックに共有できる設定になっているか確認します。\n$ aws ssm get-service-setting --setting-id /ssm/documents/console/public-sharing-permission --region {region}",
		"{region} でドキュメントのパブリック共有をブロックします。\n$ aws ssm update-service-setting --setting-id /ssm/documents/console/public-sharing-permission --setting-value Disable --region {region}",
	},
	"CloudWatch.15": {
		"アラーム {alarm} のアクションを確認します。\n$ aws cloudwatch describe-alarms --alarm-names {alarm} --region {region}",
		"ALARM 状態のアクション（たとえば当番の担当者に届く SNS トピック）をアラームに設定します。put-metric-alarm の --alarm-actions はアラームの定義全体を指定し直すため、上で確認した内容をもとにします。",
	},
	// ---- 追加: 手順のなかった HIGH のコントロール（セッション 3） ----
	"ACM.2": {
		"証明書の鍵アルゴリズムと、証明書を使っているリソースを確認します。\n$ aws acm describe-certificate --certificate-arn {certificate} --query 'Certificate.[KeyAlgorithm,Type,InUseBy]' --region {region}",
		"証明書の鍵は変更できません。2,048 ビット以上の RSA 鍵（または ECDSA 鍵）で新しい証明書をリクエストします。インポートした証明書の場合は、新しく発行した証明書をインポートします。\n$ aws acm request-certificate --domain-name <DOMAIN_NAME> --validation-method DNS --key-algorithm RSA_2048 --region {region}",
		"新しい証明書が発行されたら、InUseBy に表示された各リソースで古い証明書と置き換え、古い証明書を削除します。",
	},
	"AppSync.5": {
		"API が呼び出し元をどう認証しているかを、追加の認可モードも含めて確認します。\n$ aws appsync get-graphql-api --api-id {graphql_api} --query 'graphqlApi.[name,authenticationType,additionalAuthenticationProviders[].authenticationType]' --region {region}",
		"クライアントを IAM、Amazon Cognito ユーザープール、OpenID Connect、Lambda のいずれかの認可に移行してから、それを API の認証タイプにし（update-graphql-api には API 名の指定が必要です）、追加の認可モードからも API_KEY を外します。\n$ aws appsync update-graphql-api --api-id {graphql_api} --name <API_NAME> --authentication-type AWS_IAM --region {region}",
		"残っている API キーを一覧表示し、使われていないことを確認したうえで AppSync コンソールから削除します。\n$ aws appsync list-api-keys --api-id {graphql_api} --region {region}",
	},
	"CloudFront.1": {
		"ディストリビューションのデフォルトルートオブジェクトを確認します。\n$ aws cloudfront get-distribution-config --id {distribution} --query DistributionConfig.DefaultRootObject",
		"index.html などを設定し、ルート URL へのリクエストに対してオリジンの一覧やエラーではなく、そのオブジェクトを返すようにします。\n$ aws cloudfront update-distribution --id {distribution} --default-root-object index.html",
	},
	"CloudFront.12": {
		"ディストリビューションのオリジンを一覧表示します。\n$ aws cloudfront get-distribution-config --id {distribution} --query 'DistributionConfig.Origins.Items[].[Id,DomainName]'",
		"S3 オリジンのバケットがそれぞれ存在し、自分のものであることを確認します。\n$ aws s3api head-bucket --bucket <BUCKET_NAME>",
		"存在しないバケットは誰でも作成でき、作成した人がこのディストリビューションのドメインでコンテンツを配信できてしまいます。すぐにオリジンを自アカウントのバケットに向けるか、同じ名前のバケットを自アカウントで作成します。",
	},
	"EC2.25": {
		"起動テンプレート {launch_template} のどのバージョンがネットワークインターフェイスにパブリック IP アドレスを割り当てるかを確認します。\n$ aws ec2 describe-launch-template-versions --launch-template-id {launch_template} --query 'LaunchTemplateVersions[].[VersionNumber,DefaultVersion,LaunchTemplateData.NetworkInterfaces[].AssociatePublicIpAddress]' --region {region}",
		"ネットワークインターフェイスの AssociatePublicIpAddress を false にした新しいバージョンを作成し（コンソールでは「テンプレートを変更 (新しいバージョンを作成)」）、それをデフォルトバージョンにします。\n$ aws ec2 modify-launch-template --launch-template-id {launch_template} --default-version <VERSION_NUMBER> --region {region}",
	},
	"ECS.2": {
		"サービスがタスクにパブリック IP アドレスを割り当てているか確認します。\n$ aws ecs describe-services --cluster <CLUSTER_NAME> --services <SERVICE_NAME> --query 'services[].networkConfiguration.awsvpcConfiguration' --region {region}",
		"タスクはパブリックアドレスを持たないプライベートサブネットで実行し、ECR などへは NAT ゲートウェイか VPC エンドポイント経由で接続します。新しいネットワーク設定は、サービスが新しいタスクをデプロイした時点で反映されます。\n$ aws ecs update-service --cluster <CLUSTER_NAME> --service <SERVICE_NAME> --network-configuration 'awsvpcConfiguration={subnets=[<PRIVATE_SUBNET_ID>],securityGroups=[<SECURITY_GROUP_ID>],assignPublicIp=DISABLED}' --region {region}",
	},
	"ECS.9": ecsTaskDefJA("'taskDefinition.containerDefinitions[].[name,logConfiguration.logDriver]'", "すべてのコンテナに logConfiguration（たとえば awslogs ドライバーと CloudWatch Logs のロググループ）を設定した新しいリビジョンを登録し、このタスク定義を使っているサービスを更新します。"),
	"ECS.16": {
		"サービスのタスクセットがタスクにパブリック IP アドレスを割り当てているか確認します。\n$ aws ecs describe-task-sets --cluster <CLUSTER_NAME> --service <SERVICE_NAME> --query 'taskSets[].[id,status,networkConfiguration.awsvpcConfiguration.assignPublicIp]' --region {region}",
		"タスクセットのネットワーク設定は変更できません。プライベートサブネットで assignPublicIp を DISABLED にしたタスクセットを（外部デプロイコントローラー、または create-task-set で）作成し、トラフィックを移してから古いタスクセットを削除します。",
	},
	"ElastiCache.1": {
		"クラスターが自動バックアップを何日分保持しているか（0 はバックアップなし）と、レプリケーショングループに属しているかを確認します。\n$ aws elasticache describe-cache-clusters --cache-cluster-id <CACHE_CLUSTER_ID> --query 'CacheClusters[].[SnapshotRetentionLimit,ReplicationGroupId]' --region {region}",
		"レプリケーショングループで自動バックアップを有効にし、たとえば 7 日分を保持します（単独のクラスターの場合は modify-cache-cluster を使います）。\n$ aws elasticache modify-replication-group --replication-group-id <REPLICATION_GROUP_ID> --snapshot-retention-limit 7 --apply-immediately --region {region}",
	},
	"ElastiCache.2": {
		"クラスターのマイナーバージョン自動アップグレードの設定を確認します。\n$ aws elasticache describe-cache-clusters --cache-cluster-id <CACHE_CLUSTER_ID> --query 'CacheClusters[].[AutoMinorVersionUpgrade,ReplicationGroupId]' --region {region}",
		"有効にします。アップグレードはメンテナンスウィンドウで適用されます。レプリケーショングループのメンバーの場合は、modify-replication-group で同じオプションを指定します。\n$ aws elasticache modify-cache-cluster --cache-cluster-id <CACHE_CLUSTER_ID> --auto-minor-version-upgrade --apply-immediately --region {region}",
	},
	"ElastiCache.7": {
		"クラスターのサブネットグループを確認します。\n$ aws elasticache describe-cache-clusters --cache-cluster-id <CACHE_CLUSTER_ID> --query 'CacheClusters[].CacheSubnetGroupName' --region {region}",
		"自分で用意したプライベートサブネットでサブネットグループを作成します。\n$ aws elasticache create-cache-subnet-group --cache-subnet-group-name <SUBNET_GROUP_NAME> --cache-subnet-group-description <DESCRIPTION> --subnet-ids <SUBNET_ID> --region {region}",
		"クラスターのサブネットグループは変更できません。そのサブネットグループで（このクラスターのバックアップから）新しいクラスターを作成し、クライアントを切り替えてから古いクラスターを削除します。",
	},
	"ElasticBeanstalk.2": {
		"環境のマネージドアクションの設定を確認します。\n$ aws elasticbeanstalk describe-configuration-settings --application-name <APPLICATION_NAME> --environment-name <ENVIRONMENT_NAME> --query 'ConfigurationSettings[].OptionSettings[?starts_with(Namespace, `aws:elasticbeanstalk:managedactions`)]' --region {region}",
		"週 1 回のメンテナンスウィンドウ（UTC）と更新レベルを指定して、マネージドプラットフォーム更新を有効にします。拡張ヘルスレポートが有効になっている必要があります。\n$ aws elasticbeanstalk update-environment --environment-name <ENVIRONMENT_NAME> --option-settings Namespace=aws:elasticbeanstalk:managedactions,OptionName=ManagedActionsEnabled,Value=true Namespace=aws:elasticbeanstalk:managedactions,OptionName=PreferredStartTime,Value=Sun:02:00 Namespace=aws:elasticbeanstalk:managedactions:platformupdate,OptionName=UpdateLevel,Value=minor --region {region}",
	},
	"ElasticBeanstalk.3": {
		"環境がインスタンスのログを CloudWatch Logs にストリーミングしているか確認します。\n$ aws elasticbeanstalk describe-configuration-settings --application-name <APPLICATION_NAME> --environment-name <ENVIRONMENT_NAME> --query 'ConfigurationSettings[].OptionSettings[?Namespace==`aws:elasticbeanstalk:cloudwatch:logs`]' --region {region}",
		"ログのストリーミングを有効にします。インスタンスプロファイルには CloudWatch Logs への書き込み権限が必要です。\n$ aws elasticbeanstalk update-environment --environment-name <ENVIRONMENT_NAME> --option-settings Namespace=aws:elasticbeanstalk:cloudwatch:logs,OptionName=StreamLogs,Value=true --region {region}",
	},
	"EMR.1": {
		"クラスターのサブネットと、プライマリノードのパブリック DNS 名を確認します。\n$ aws emr describe-cluster --cluster-id <CLUSTER_ID> --query 'Cluster.[Ec2InstanceAttributes.Ec2SubnetId,MasterPublicDnsName]' --region {region}",
		"実行中のクラスターのネットワークは変更できません。プライベートサブネットで新しいクラスターを起動してジョブを移し、古いクラスターを終了します。アカウントの EMR ブロックパブリックアクセスは有効のままにしておきます。",
	},
	"Opensearch.7": {
		"きめ細かなアクセスコントロールの設定と、その前提条件（保管時の暗号化、ノード間の暗号化、HTTPS の強制）を確認します。\n$ aws opensearch describe-domain --domain-name {search_domain} --query 'DomainStatus.[AdvancedSecurityOptions,EncryptionAtRestOptions.Enabled,NodeToNodeEncryptionOptions.Enabled,DomainEndpointOptions.EnforceHTTPS]' --region {region}",
		"IAM ロールをマスターユーザーにして有効にします。既存のドメインでは、AnonymousAuthEnabled を有効にしておくと、クライアントをロールにマッピングする間も現在のクライアントが使い続けられます。移行が終わったら無効にします。\n$ aws opensearch update-domain-config --domain-name {search_domain} --advanced-security-options 'Enabled=true,InternalUserDatabaseEnabled=false,MasterUserOptions={MasterUserARN=<IAM_ROLE_ARN>},AnonymousAuthEnabled=true' --region {region}",
	},
	"RDS.46": {
		"インスタンスの DB サブネットグループのサブネットを一覧表示します。\n$ aws rds describe-db-instances --db-instance-identifier {db} --query 'DBInstances[].DBSubnetGroup.[DBSubnetGroupName,Subnets[].SubnetIdentifier]' --region {region}",
		"各サブネットのルートテーブルに、インターネットゲートウェイ（igw-...）へのルートがあるか確認します。\n$ aws ec2 describe-route-tables --filters Name=association.subnet-id,Values=<SUBNET_ID> --query 'RouteTables[].Routes[].[DestinationCidrBlock,GatewayId]' --region {region}",
		"修復ガイドに沿って、インスタンスをプライベートサブネットの DB サブネットグループに移すか、そのサブネットのほかのリソースが必要としていなければインターネットゲートウェイへのルートを削除します。あわせてパブリックアクセスも無効にします（RDS.2）。",
	},
	"Redshift.15": {
		"クラスターのポートとセキュリティグループを確認します。\n$ aws redshift describe-clusters --cluster-identifier {redshift_cluster} --query 'Clusters[].[Endpoint.Port,VpcSecurityGroups[].VpcSecurityGroupId]' --region {region}",
		"各セキュリティグループのルールを一覧表示し、クラスターのポートで 0.0.0.0/0 または ::/0 に開いているものを探します。\n$ aws ec2 describe-security-group-rules --filters Name=group-id,Values=<SECURITY_GROUP_ID> --region {region}",
		"クライアントのアドレス範囲やセキュリティグループを許可するルールを追加してから、開いているルールを ID を指定して 1 つずつ削除します。\n$ aws ec2 revoke-security-group-ingress --group-id <SECURITY_GROUP_ID> --security-group-rule-ids <RULE_ID> --region {region}",
	},
	"RedshiftServerless.1": {
		"ワークグループの拡張 VPC ルーティングの設定を確認します。\n$ aws redshift-serverless get-workgroup --workgroup-name <WORKGROUP_NAME> --query workgroup.enhancedVpcRouting --region {region}",
		"有効にして、COPY や UNLOAD の通信が VPC とそのエンドポイント、VPC の制御を通るようにします。S3 へはゲートウェイエンドポイントか NAT ゲートウェイが必要になります。\n$ aws redshift-serverless update-workgroup --workgroup-name <WORKGROUP_NAME> --enhanced-vpc-routing --region {region}",
	},
	"RedshiftServerless.3": {
		"ワークグループがパブリックにアクセスできる設定か確認します。\n$ aws redshift-serverless get-workgroup --workgroup-name <WORKGROUP_NAME> --query workgroup.publiclyAccessible --region {region}",
		"VPC 外のクライアントが直接接続する必要がなければ、パブリックアクセスを無効にします。\n$ aws redshift-serverless update-workgroup --workgroup-name <WORKGROUP_NAME> --no-publicly-accessible --region {region}",
	},
	"S3.24": {
		"マルチリージョンアクセスポイントのブロックパブリックアクセスの設定を確認します（マルチリージョンアクセスポイントのリクエストは常に us-west-2 に送られます）。\n$ aws s3control get-multi-region-access-point --account-id {account} --name <MULTI_REGION_ACCESS_POINT_NAME> --region us-west-2",
		"この設定は作成後には変更できません。4 つの設定をすべて有効にしたマルチリージョンアクセスポイントを新しく作成して利用者を移行し、古いものを削除します。",
	},
	"SageMaker.2": {
		"ノートブックインスタンス {notebook} のサブネットとセキュリティグループを確認します。\n$ aws sagemaker describe-notebook-instance --notebook-instance-name {notebook} --query '[SubnetId,SecurityGroups,DirectInternetAccess]' --region {region}",
		"VPC はノートブックインスタンスの作成時にしか指定できません。自分の VPC のサブネットに、直接のインターネットアクセスを無効にしたノートブックインスタンスを作成し、作業を移します。\n$ aws sagemaker create-notebook-instance --notebook-instance-name <NEW_NOTEBOOK_NAME> --instance-type <INSTANCE_TYPE> --role-arn <ROLE_ARN> --subnet-id <SUBNET_ID> --security-group-ids <SECURITY_GROUP_ID> --direct-internet-access Disabled --region {region}",
	},
	"EC2.29": {
		"インスタンスが VPC で実行されているか確認します（VpcId がなければ EC2-Classic です）。\n$ aws ec2 describe-instances --instance-ids {instance} --query 'Reservations[].Instances[].[VpcId,SubnetId]' --region {region}",
		"EC2-Classic は提供が終了しています。インスタンスの AMI を作成し、そこから VPC で代わりのインスタンスを起動して、トラフィックとアドレスを移してから古いインスタンスを終了します。",
	},
	"ECS.1": ecsTaskDefJA("'taskDefinition.[networkMode,containerDefinitions[].[name,privileged,user]]'", "networkMode が host の場合、すべてのコンテナを privileged を false にし、root 以外のユーザーで実行する必要があります。user に root 以外のユーザーを指定した（または awsvpc ネットワークモードを使う）新しいリビジョンを登録し、このタスク定義を使っているサービスを更新します。"),
	"RDS.18": {
		"DB インスタンスが VPC にあるか確認します。\n$ aws rds describe-db-instances --db-instance-identifier {db} --query 'DBInstances[].DBSubnetGroup.VpcId' --region {region}",
		"EC2-Classic は提供が終了しています。修復ガイドに沿って、メンテナンスウィンドウ中にその VPC の DB サブネットグループを指定し、インスタンスを VPC に移します。",
	},
}

var s3PublicJA = []string{
	"{bucket} のバケットポリシーによってバケットが公開されていないか確認します。\n$ aws s3api get-bucket-policy-status --bucket {bucket}",
	"バケットのブロックパブリックアクセスの設定を確認します。\n$ aws s3api get-public-access-block --bucket {bucket}",
	"{bucket} を公開する必要がなければ（公開する Web サイトは、オリジンアクセスコントロールを使って CloudFront 経由で配信するのが望ましい構成です）、パブリックアクセスをブロックします。\n$ aws s3api put-public-access-block --bucket {bucket} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
}

var sgOpenJA = []string{
	"{sg} のルールを一覧表示し、報告されたポートで 0.0.0.0/0 または ::/0 に開いているものを探します。\n$ aws ec2 describe-security-group-rules --filters Name=group-id,Values={sg} --region {region}",
	"アクセスが必要なアドレス範囲だけを許可するルールを追加し（管理用の接続なら Systems Manager Session Manager を使います）、開放されているルールを ID を指定して削除します。\n$ aws ec2 revoke-security-group-ingress --group-id {sg} --security-group-rule-ids <RULE_ID> --region {region}",
}

var iamUserMFAJA = []string{
	"{user} の MFA デバイスを一覧表示します。\n$ aws iam list-mfa-devices --user-name {user}",
	"次回のサインイン時に MFA デバイス（できれば FIDO セキュリティキー）を登録してもらうか、コンソールを使わないユーザーであればコンソールパスワードを削除します。人が使うアカウントには、IAM ユーザーより IAM Identity Center が適しています。",
}

var passwordPolicyJA = []string{
	"アカウントのパスワードポリシーを確認します。\n$ aws iam get-account-password-policy",
	"コントロールのパラメータが求めるポリシーを設定します（パラメータは修復ガイドに記載されています）。設定は一度にすべて指定します。指定しなかった項目はデフォルト値に戻ります。たとえば CIS が求める、すべての文字種を含む 14 文字以上、直近 24 個のパスワードの再利用禁止の場合は次のとおりです。\n$ aws iam update-account-password-policy --minimum-password-length 14 --require-uppercase-characters --require-lowercase-characters --require-numbers --require-symbols --password-reuse-prevention 24",
}

var unusedCredentialsJA = []string{
	"{user} が最後にサインインした日時（PasswordLastUsed）を確認します。\n$ aws iam get-user --user-name {user}",
	"ユーザーのアクセスキーを一覧表示し、それぞれの最終使用日時を確認します。\n$ aws iam list-access-keys --user-name {user}",
	"アクセスキーの最終使用日時は次のコマンドで確認できます。\n$ aws iam get-access-key-last-used --access-key-id <ACCESS_KEY_ID>",
	"使われていない認証情報（アクセスキーは次のコマンドで、コンソールパスワードは IAM コンソールで）を無効化し、問題が起きなければ後で削除します。\n$ aws iam update-access-key --user-name {user} --access-key-id <ACCESS_KEY_ID> --status Inactive",
}

var trailEnabledJA = []string{
	"{region} に適用される証跡を、ほかのリージョンのマルチリージョン証跡も含めて一覧表示します。\n$ aws cloudtrail describe-trails --include-shadow-trails --region {region}",
	"証跡がログを記録しているか確認します。\n$ aws cloudtrail get-trail-status --name <TRAIL_NAME> --region {region}",
	"マルチリージョン証跡がなければ、読み取りと書き込みの管理イベントを記録する証跡を作成します（管理アカウントで組織の証跡を作成すれば、すべてのアカウントが対象になります）。\n$ aws cloudtrail create-trail --name <TRAIL_NAME> --s3-bucket-name <BUCKET_NAME> --is-multi-region-trail --region {region}",
	"作成した証跡でログの記録を開始します。\n$ aws cloudtrail start-logging --name <TRAIL_NAME> --region {region}",
}

func guardDutyFeatureJA(feature string) []string {
	return []string{
		"{region} の GuardDuty ディテクターを確認します。\n$ aws guardduty list-detectors --region {region}",
		"ディテクターの保護プラン（Features）を確認します。\n$ aws guardduty get-detector --detector-id <DETECTOR_ID> --region {region}",
		"保護プランを有効にします。AWS Organizations を使っている場合は、GuardDuty の委任管理者アカウントからすべてのアカウントで有効にします。\n$ aws guardduty update-detector --detector-id <DETECTOR_ID> --features Name=" + feature + ",Status=ENABLED --region {region}",
	}
}

func inspectorScanJA(types string) []string {
	return []string{
		"アカウント {account} で有効になっている Amazon Inspector のスキャンを確認します。\n$ aws inspector2 batch-get-account-status --account-ids {account} --region {region}",
		"スキャンを有効にします。AWS Organizations を使っている場合は、Inspector の委任管理者アカウントから有効にします。\n$ aws inspector2 enable --resource-types " + types + " --account-ids {account} --region {region}",
	}
}

func ecsTaskDefJA(query, fix string) []string {
	return []string{
		"タスク定義のコンテナの設定を確認します。\n$ aws ecs describe-task-definition --task-definition {task_definition} --query " + query + " --region {region}",
		fix,
	}
}

func clusterSnapshotJA(svc string) []string {
	return []string{
		"クラスタースナップショットを復元できる相手を確認します（all は誰でも復元できることを意味します）。\n$ aws " + svc + " describe-db-cluster-snapshot-attributes --db-cluster-snapshot-identifier {db_cluster_snapshot} --region {region}",
		"非公開にします。\n$ aws " + svc + " modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier {db_cluster_snapshot} --attribute-name restore --values-to-remove all --region {region}",
	}
}

func launchConfigurationJA(want string) []string {
	return []string{
		"起動設定 {launch_configuration} を確認します。\n$ aws autoscaling describe-launch-configurations --launch-configuration-names {launch_configuration} --region {region}",
		"起動設定は変更できません。" + want + "起動テンプレートに Auto Scaling グループを移行します。",
	}
}
