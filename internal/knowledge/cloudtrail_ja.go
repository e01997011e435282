package knowledge

// cloudTrailJA は CloudTrail の API 呼び出しカタログの日本語文面です
// （cloudtrail.go を参照）。英語版 (cloudtrail_en.go) と同じキー・同じ
// 手順・同じコマンドを持ち、意味も同じにしてください。Meaning には何が
// 行われたかだけを書き、リスクの評価（なぜ問題か、どの程度か）は explain
// パッケージが付けます。
var cloudTrailJA = map[string]Guidance{
	// ---- IAM ----
	"iam:AttachUserPolicy": {
		Meaning: "IAM ユーザー {user} に管理ポリシー {policy_arn} がアタッチされました。このユーザーは、ポリシーが許可するすべての操作を実行できるようになっています。",
		Steps: []string{
			"意図しないアタッチであれば、ポリシーをデタッチします。\n$ aws iam detach-user-policy --user-name {user} --policy-arn {policy_arn}",
			"ユーザーにほかにどのポリシーが付いているか確認します。\n$ aws iam list-attached-user-policies --user-name {user}",
		},
	},
	"iam:AttachRolePolicy": {
		Meaning: "IAM ロール {role} に管理ポリシー {policy_arn} がアタッチされました。このロールを引き受けられるプリンシパルは、ポリシーが許可するすべての操作を実行できるようになっています。",
		Steps: []string{
			"意図しないアタッチであれば、ポリシーをデタッチします。\n$ aws iam detach-role-policy --role-name {role} --policy-arn {policy_arn}",
			"ロールを引き受けられるのは誰か（信頼ポリシー）を確認します。\n$ aws iam get-role --role-name {role}",
		},
	},
	"iam:AttachGroupPolicy": {
		Meaning: "IAM グループ {group} に管理ポリシー {policy_arn} がアタッチされました。グループのメンバー全員が、ポリシーが許可する操作を実行できるようになっています。",
		Steps: []string{
			"意図しないアタッチであれば、ポリシーをデタッチします。\n$ aws iam detach-group-policy --group-name {group} --policy-arn {policy_arn}",
			"グループのメンバーを確認します。\n$ aws iam get-group --group-name {group}",
		},
	},
	"iam:PutUserPolicy": {
		Meaning: "IAM ユーザー {user} にインラインポリシー {policy_name} が追加（または上書き）されました。",
		Steps: []string{
			"現在のポリシーの内容を確認します。\n$ aws iam get-user-policy --user-name {user} --policy-name {policy_name}",
			"意図しないものであれば、インラインポリシーを削除します。\n$ aws iam delete-user-policy --user-name {user} --policy-name {policy_name}",
		},
	},
	"iam:PutRolePolicy": {
		Meaning: "IAM ロール {role} にインラインポリシー {policy_name} が追加（または上書き）されました。",
		Steps: []string{
			"現在のポリシーの内容を確認します。\n$ aws iam get-role-policy --role-name {role} --policy-name {policy_name}",
			"意図しないものであれば、インラインポリシーを削除します。\n$ aws iam delete-role-policy --role-name {role} --policy-name {policy_name}",
		},
	},
	"iam:PutGroupPolicy": {
		Meaning: "IAM グループ {group} にインラインポリシー {policy_name} が追加（または上書き）されました。",
		Steps: []string{
			"現在のポリシーの内容を確認します。\n$ aws iam get-group-policy --group-name {group} --policy-name {policy_name}",
			"意図しないものであれば、インラインポリシーを削除します。\n$ aws iam delete-group-policy --group-name {group} --policy-name {policy_name}",
		},
	},
	"iam:CreatePolicyVersion": {
		Meaning: "管理ポリシー {policy_arn} の新しいバージョンが作成されました。デフォルトに設定された場合、このポリシーが付いているすべてのプリンシパルに新しい権限がただちに適用されます。",
		Steps: []string{
			"バージョンの一覧と、どれがデフォルトかを確認します。\n$ aws iam list-policy-versions --policy-arn {policy_arn}",
			"新しいバージョンが意図しないものであれば、以前のバージョンをデフォルトに戻します。\n$ aws iam set-default-policy-version --policy-arn {policy_arn} --version-id <PREVIOUS_VERSION_ID>",
		},
	},
	"iam:SetDefaultPolicyVersion": {
		Meaning: "管理ポリシー {policy_arn} のデフォルトバージョンが切り替えられました。このポリシーが付いているすべてのプリンシパルに、そのバージョンの権限が適用されています。",
		Steps: []string{
			"バージョンの一覧を取得し、新しいデフォルトと以前のバージョンを比較します。\n$ aws iam list-policy-versions --policy-arn {policy_arn}",
		},
	},
	"iam:AddUserToGroup": {
		Meaning: "IAM ユーザー {user} がグループ {group} に追加され、グループの権限を持つようになりました。",
		Steps: []string{
			"グループに付いているポリシーを確認します。\n$ aws iam list-attached-group-policies --group-name {group}",
			"意図しない追加であれば、ユーザーをグループから外します。\n$ aws iam remove-user-from-group --user-name {user} --group-name {group}",
		},
	},
	"iam:CreateAccessKey": {
		Meaning: "IAM ユーザー {user} のアクセスキー {key} が新しく作成されました。このキーを持つ者は、キーが無効化されるまで、そのユーザーとして AWS を操作できます。",
		Steps: []string{
			"本人が既知の目的で作成したものでなければ、キーを無効化します。\n$ aws iam update-access-key --user-name {user} --access-key-id {key} --status Inactive",
			"ユーザーのアクセスキーと、それぞれの最終使用日時を確認します。\n$ aws iam list-access-keys --user-name {user}",
		},
	},
	"iam:CreateAccessKey#self": {
		Meaning: "IAM ユーザー {user} が、自身のアクセスキー {key} を新しく作成しました。",
		Steps: []string{
			"ユーザーのアクセスキーを確認します。有効なキーは通常 1 つで、2 つになるのはローテーション中だけです。\n$ aws iam list-access-keys --user-name {user}",
		},
	},
	"iam:CreateLoginProfile": {
		Meaning: "IAM ユーザー {user} にコンソールパスワードが設定されました。このユーザーは AWS マネジメントコンソールにサインインできるようになっています。",
		Steps: []string{
			"コンソールアクセスが意図したものでなければ、パスワードを削除します。\n$ aws iam delete-login-profile --user-name {user}",
			"ユーザーの MFA デバイスを確認します。コンソールを使うユーザーには MFA が必要です。\n$ aws iam list-mfa-devices --user-name {user}",
		},
	},
	"iam:UpdateLoginProfile": {
		Meaning: "IAM ユーザー {user} のコンソールパスワードが変更されました。",
		Steps: []string{
			"本人が変更したのか確認します。本人でなければ、パスワードが第三者に知られているものとして扱い、再設定を必須にした新しいパスワードを設定するか、コンソールアクセスを削除します。\n$ aws iam update-login-profile --user-name {user} --password-reset-required",
		},
	},
	"iam:CreateUser": {
		Meaning: "IAM ユーザー {user} が新しく作成されました。",
		Steps: []string{
			"新しいユーザーの権限を確認します。\n$ aws iam list-attached-user-policies --user-name {user}",
			"アクセスキーの有無を確認します。\n$ aws iam list-access-keys --user-name {user}",
		},
	},
	"iam:UpdateAssumeRolePolicy": {
		Meaning: "IAM ロール {role} の信頼ポリシーが書き換えられました。信頼ポリシーは、誰がこのロールを引き受けて権限を使えるかを決めるものです。",
		Steps: []string{
			"現在の信頼ポリシーを確認します。\n$ aws iam get-role --role-name {role}",
			"意図しない変更であれば、想定したプリンシパルだけを記載した信頼ポリシーに戻します。\n$ aws iam update-assume-role-policy --role-name {role} --policy-document file://<TRUST_POLICY_FILE>",
		},
	},
	"iam:CreateRole": {
		Meaning: "IAM ロール {role} が新しく作成されました。誰がこのロールを引き受けられるかは、信頼ポリシーで決まります。",
		Steps: []string{
			"ロールと信頼ポリシーを確認します。\n$ aws iam get-role --role-name {role}",
			"ロールに付いている権限を確認します。\n$ aws iam list-attached-role-policies --role-name {role}",
		},
	},
	"iam:DeactivateMFADevice": {
		Meaning: "IAM ユーザー {user} の MFA デバイス {mfa_serial} が無効化されました。このユーザーはパスワードだけでサインインできる状態です。",
		Steps: []string{
			"ユーザーの MFA デバイスを確認します。\n$ aws iam list-mfa-devices --user-name {user}",
			"本人に確認し、本人の操作でなければ、本人と一緒に MFA デバイスを登録し直し、パスワードも再設定します。",
		},
	},
	"iam:DeleteVirtualMFADevice": {
		Meaning: "仮想 MFA デバイス {mfa_serial} が削除されました。",
		Steps: []string{
			"残っている仮想 MFA デバイスと、その割り当て先を確認します。\n$ aws iam list-virtual-mfa-devices",
		},
	},
	"iam:UpdateAccountPasswordPolicy": {
		Meaning: "IAM ユーザーのパスワードポリシー（アカウント全体）が変更されました。",
		Steps: []string{
			"現在のパスワードポリシーを確認します。\n$ aws iam get-account-password-policy",
		},
	},
	"iam:DeleteAccountPasswordPolicy": {
		Meaning: "アカウントのパスワードポリシーが削除されました。IAM ユーザーのパスワードは、AWS の既定の条件を満たせばよい状態になっています。",
		Steps: []string{
			"組織で定めたパスワードポリシーを設定し直します。\n$ aws iam update-account-password-policy --minimum-password-length <LENGTH> --require-symbols --require-numbers --require-uppercase-characters --require-lowercase-characters",
		},
	},
	"iam:DeleteUserPermissionsBoundary": {
		Meaning: "IAM ユーザー {user} のアクセス許可境界が削除されました。このユーザーのポリシーは、境界による上限を受けなくなっています。",
		Steps: []string{
			"境界が必要なものであれば、設定し直します。\n$ aws iam put-user-permissions-boundary --user-name {user} --permissions-boundary <BOUNDARY_POLICY_ARN>",
		},
	},
	"iam:DeleteRolePermissionsBoundary": {
		Meaning: "IAM ロール {role} のアクセス許可境界が削除されました。このロールのポリシーは、境界による上限を受けなくなっています。",
		Steps: []string{
			"境界が必要なものであれば、設定し直します。\n$ aws iam put-role-permissions-boundary --role-name {role} --permissions-boundary <BOUNDARY_POLICY_ARN>",
		},
	},
	"iam:CreateOpenIDConnectProvider": {
		Meaning: "アカウントに OpenID Connect の ID プロバイダーが追加されました。このプロバイダーを信頼するロールは、プロバイダーが発行したトークンで引き受けられます。",
		Steps: []string{
			"プロバイダーの設定を確認します。\n$ aws iam get-open-id-connect-provider --open-id-connect-provider-arn {provider}",
		},
	},
	"iam:CreateSAMLProvider": {
		Meaning: "アカウントに SAML の ID プロバイダーが追加されました。このプロバイダーを信頼するロールは、プロバイダーが認証したユーザーが引き受けられます。",
		Steps: []string{
			"プロバイダーの設定を確認します。\n$ aws iam get-saml-provider --saml-provider-arn {provider}",
		},
	},

	// ---- STS ----
	"sts:AssumeRole": {
		Meaning: "ロール {role_arn} の一時的な認証情報が、呼び出し元に発行されました。",
		Steps: []string{
			"このセッションがロールの権限で何を行ったかを確認します（ロールを所有するアカウントの CloudTrail で、ロールセッション名を検索します）。",
		},
	},
	"sts:GetFederationToken": {
		Meaning: "IAM ユーザー {user} がフェデレーショントークン（一時的な認証情報）を取得しました。この認証情報は、ユーザーのアクセスキーを無効化しても、有効期限（最長 36 時間）まで使えます。",
		Steps: []string{
			"認証情報が第三者の手にある可能性があれば、このユーザーにすべての操作を拒否するポリシーを付けます。GetFederationToken の認証情報はユーザーの権限を引き継ぐため、これで無効にできます。\n$ aws iam attach-user-policy --user-name {user} --policy-arn arn:aws:iam::aws:policy/AWSDenyAll",
		},
	},
	"sts:GetSessionToken": {
		Meaning: "IAM ユーザー {user} が一時的なセッション認証情報を取得しました。",
	},

	// ---- EC2 / VPC ----
	"ec2:AuthorizeSecurityGroupIngress": {
		Meaning: "セキュリティグループ {sg} にインバウンドルールが追加されました。このグループに属するすべてのインスタンスとネットワークインターフェイスが、この通信を受け付けるようになっています。",
		Steps: []string{
			"意図しないルールであれば、この呼び出しで追加されたルールだけを取り消します。\n$ aws ec2 revoke-security-group-ingress --group-id {sg} --security-group-rule-ids {rule_ids} --region {region}",
			"グループの現在のルールを確認します。\n$ aws ec2 describe-security-group-rules --filters Name=group-id,Values={sg} --region {region}",
		},
	},
	"ec2:CreateNetworkAclEntry": {
		Meaning: "ネットワーク ACL {nacl} に、ルール番号 {rule_number} のインバウンドルールが追加されました。この ACL に関連付けられたすべてのサブネットに適用されます。",
		Steps: []string{
			"意図しないルールであれば削除します。\n$ aws ec2 delete-network-acl-entry --network-acl-id {nacl} --rule-number {rule_number} --no-egress --region {region}",
		},
	},
	"ec2:ReplaceNetworkAclEntry": {
		Meaning: "ネットワーク ACL {nacl} のインバウンドルール {rule_number} が置き換えられました。この ACL に関連付けられたすべてのサブネットに適用されます。",
		Steps: []string{
			"ACL の現在のルールを確認します。\n$ aws ec2 describe-network-acls --network-acl-ids {nacl} --region {region}",
		},
	},
	"ec2:ModifySnapshotAttribute": {
		Meaning: "EBS スナップショット {snapshot} のボリューム作成許可が変更されました。許可されたアカウントは、このスナップショットから自分のボリュームを作成してデータを読み取れます。",
		Steps: []string{
			"意図しない共有であれば、共有を解除します。\n$ aws ec2 modify-snapshot-attribute --snapshot-id {snapshot} --attribute createVolumePermission --operation-type remove --user-ids {accounts} --region {region}",
			"現在、誰がスナップショットを利用できるか確認します。\n$ aws ec2 describe-snapshot-attribute --snapshot-id {snapshot} --attribute createVolumePermission --region {region}",
		},
	},
	"ec2:ModifySnapshotAttribute#public": {
		Meaning: "EBS スナップショット {snapshot} がパブリックに公開されました。すべての AWS アカウントが、このスナップショットからボリュームを作成してデータを読み取れます。",
		Steps: []string{
			"スナップショットを非公開に戻します。\n$ aws ec2 modify-snapshot-attribute --snapshot-id {snapshot} --attribute createVolumePermission --operation-type remove --group-names all --region {region}",
		},
	},
	"ec2:ModifyImageAttribute": {
		Meaning: "AMI {image} の起動許可が変更されました。許可されたアカウントは、このイメージからインスタンスを起動し、中身を読み取れます。",
		Steps: []string{
			"意図しない共有であれば、共有を解除します。\n$ aws ec2 modify-image-attribute --image-id {image} --attribute launchPermission --operation-type remove --user-ids {accounts} --region {region}",
			"現在、誰がイメージを起動できるか確認します。\n$ aws ec2 describe-image-attribute --image-id {image} --attribute launchPermission --region {region}",
		},
	},
	"ec2:ModifyImageAttribute#public": {
		Meaning: "AMI {image} がパブリックに公開されました。すべての AWS アカウントがこのイメージを起動し、中身を読み取れます。",
		Steps: []string{
			"イメージを非公開に戻します。\n$ aws ec2 modify-image-attribute --image-id {image} --attribute launchPermission --operation-type remove --user-groups all --region {region}",
		},
	},
	"ec2:DisableEbsEncryptionByDefault": {
		Meaning: "{region} で EBS のデフォルト暗号化が無効にされました。このリージョンでは、個別に指定しない限り新しいボリュームが暗号化されずに作成されます。",
		Steps: []string{
			"デフォルト暗号化を有効に戻します。\n$ aws ec2 enable-ebs-encryption-by-default --region {region}",
		},
	},
	"ec2:DeleteFlowLogs": {
		Meaning: "VPC フローログが削除されました。対象だった VPC、サブネット、ネットワークインターフェイスの通信は記録されなくなっています。",
		Steps: []string{
			"残っているフローログを確認します。\n$ aws ec2 describe-flow-logs --region {region}",
			"フローログが失われたリソースに、フローログを作成し直します。\n$ aws ec2 create-flow-logs --resource-type VPC --resource-ids <VPC_ID> --traffic-type ALL --log-destination-type cloud-watch-logs --log-group-name <LOG_GROUP> --deliver-logs-permission-arn <ROLE_ARN> --region {region}",
		},
	},
	"ec2:EnableSerialConsoleAccess": {
		Meaning: "{region} で EC2 シリアルコンソールへのアクセスがアカウント単位で有効にされました。権限を持つユーザーは、ネットワークを経由せずにインスタンスのコンソールに接続できます。",
		Steps: []string{
			"不要であれば無効に戻します。\n$ aws ec2 disable-serial-console-access --region {region}",
		},
	},
	"ec2:ModifyInstanceAttribute": {
		Meaning: "インスタンス {instance} の属性が変更されました。",
		Steps: []string{
			"インスタンスのユーザーデータを確認します。ユーザーデータはインスタンス起動時に root 権限で実行されます。\n$ aws ec2 describe-instance-attribute --instance-id {instance} --attribute userData --region {region}",
		},
	},
	"ec2:CreateKeyPair": {
		Meaning: "EC2 キーペア {key_pair} が新しく作成されました。秘密鍵を持つ者は、このキーペアで起動したインスタンスにログインできます。",
		Steps: []string{
			"キーペアを確認します。\n$ aws ec2 describe-key-pairs --key-names {key_pair} --region {region}",
		},
	},
	"ec2:ImportKeyPair": {
		Meaning: "公開鍵が EC2 キーペア {key_pair} としてインポートされました。対応する秘密鍵を持つ者は、このキーペアで起動したインスタンスにログインできます。",
		Steps: []string{
			"キーペアを確認します。\n$ aws ec2 describe-key-pairs --key-names {key_pair} --region {region}",
		},
	},
	"ec2:CreateVpcPeeringConnection": {
		Meaning: "別のアカウントの VPC との VPC ピアリング接続がリクエストされました。",
		Steps: []string{
			"ピアリング接続とその状態を確認します。\n$ aws ec2 describe-vpc-peering-connections --vpc-peering-connection-ids {peering} --region {region}",
		},
	},

	// ---- S3 ----
	"s3:PutBucketPolicy": {
		Meaning: "S3 バケット {bucket} のバケットポリシーが書き換えられました。",
		Steps: []string{
			"現在のポリシーを確認します。\n$ aws s3api get-bucket-policy --bucket {bucket}",
			"S3 がこのバケットをパブリックとみなしているか確認します。\n$ aws s3api get-bucket-policy-status --bucket {bucket}",
		},
	},
	"s3:PutBucketPolicy#public": {
		Meaning: "S3 バケット {bucket} のバケットポリシーが、条件なしで任意のプリンシパル（\"*\"）を許可する内容に書き換えられました。インターネット上の誰もが、許可された操作を実行できる可能性があります。",
		Steps: []string{
			"バケットのパブリックアクセスをブロックします。ポリシーを修正するまでの間、パブリックな許可が効かなくなります。\n$ aws s3api put-public-access-block --bucket {bucket} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
			"ポリシーを確認し、\"*\" を許可しているステートメントを削除します。\n$ aws s3api get-bucket-policy --bucket {bucket}",
		},
	},
	"s3:PutBucketAcl": {
		Meaning: "S3 バケット {bucket} のアクセスコントロールリスト（ACL）が書き換えられました。",
		Steps: []string{
			"現在の ACL を確認します。\n$ aws s3api get-bucket-acl --bucket {bucket}",
		},
	},
	"s3:PutBucketAcl#public": {
		Meaning: "S3 バケット {bucket} の ACL が、すべてのユーザー（AllUsers）またはすべての AWS ユーザー（AuthenticatedUsers）にアクセスを許可する内容になりました。",
		Steps: []string{
			"ACL を非公開（private）に戻します。\n$ aws s3api put-bucket-acl --bucket {bucket} --acl private",
			"バケットのパブリックアクセスをブロックします。\n$ aws s3api put-public-access-block --bucket {bucket} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
		},
	},
	"s3:PutBucketPublicAccessBlock": {
		Meaning: "S3 バケット {bucket} のブロックパブリックアクセス設定が変更されました。",
		Steps: []string{
			"パブリックアクセスが不要であれば、すべての設定を有効に戻します。\n$ aws s3api put-public-access-block --bucket {bucket} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
		},
	},
	"s3:DeleteBucketPublicAccessBlock": {
		Meaning: "S3 バケット {bucket} のブロックパブリックアクセス設定が削除されました。アカウント単位の設定でブロックしていない限り、パブリックなバケットポリシーや ACL が効くようになっています。",
		Steps: []string{
			"パブリックアクセスが不要であれば、設定を戻します。\n$ aws s3api put-public-access-block --bucket {bucket} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
		},
	},
	"s3:PutBucketLogging": {
		Meaning: "S3 バケット {bucket} のサーバーアクセスログの設定が変更されました。",
		Steps: []string{
			"現在のログ設定を確認します。\n$ aws s3api get-bucket-logging --bucket {bucket}",
		},
	},
	"s3:PutBucketVersioning": {
		Meaning: "S3 バケット {bucket} のバージョニング設定が変更されました。",
		Steps: []string{
			"バージョニングを維持すべきであれば、有効に戻します。\n$ aws s3api put-bucket-versioning --bucket {bucket} --versioning-configuration Status=Enabled",
		},
	},

	// ---- KMS ----
	"kms:ScheduleKeyDeletion": {
		Meaning:  "KMS キー {kms_key} の削除がスケジュールされました。待機期間が終わるとキーは削除され、このキーで暗号化されたデータは二度と復号できなくなります。",
		Response: "計画された削除で、キーがどこからも使われていないと確認できない限り、ただちに削除をキャンセルしてください。キャンセルできるのは待機期間中だけです。",
		Steps: []string{
			"削除をキャンセルします（キャンセル後、キーは無効の状態のままです）。\n$ aws kms cancel-key-deletion --key-id {kms_key} --region {region}",
			"キーが使われている場合は、有効に戻します。\n$ aws kms enable-key --key-id {kms_key} --region {region}",
		},
	},
	"kms:DisableKey": {
		Meaning: "KMS キー {kms_key} が無効化されました。有効に戻すまで、このキーでの暗号化と復号はできず、キーに依存するサービスは失敗します。",
		Steps: []string{
			"キーが使われている場合は、有効に戻します。\n$ aws kms enable-key --key-id {kms_key} --region {region}",
		},
	},
	"kms:DisableKeyRotation": {
		Meaning: "KMS キー {kms_key} の自動ローテーションが無効にされました。",
		Steps: []string{
			"自動ローテーションを有効に戻します。\n$ aws kms enable-key-rotation --key-id {kms_key} --region {region}",
		},
	},
	"kms:PutKeyPolicy": {
		Meaning: "KMS キー {kms_key} のキーポリシーが書き換えられました。キーポリシーは、誰がキーを使用・管理できるかを決めるものです。",
		Steps: []string{
			"現在のキーポリシーを確認します。\n$ aws kms get-key-policy --key-id {kms_key} --policy-name default --region {region}",
		},
	},
	"kms:CreateGrant": {
		Meaning: "KMS キー {kms_key} に許可（グラント）が作成されました。被付与者は、グラントが許可する操作にこのキーを使えます。",
		Steps: []string{
			"キーのグラントを確認します。\n$ aws kms list-grants --key-id {kms_key} --region {region}",
			"意図しないグラントであれば取り消します。\n$ aws kms revoke-grant --key-id {kms_key} --grant-id {grant} --region {region}",
		},
	},

	// ---- CloudTrail ----
	"cloudtrail:StopLogging": {
		Meaning:  "証跡 {trail} のログ記録が停止されました。アカウントの API 呼び出しは、この証跡に記録されなくなっています。監査ログの停止は、その後の行動を隠すための典型的な手口です。",
		Response: "ただちにログ記録を再開し、誰が停止したのか、その前後に何を行ったのかを調べてください。",
		Steps: []string{
			"ログ記録を再開します。\n$ aws cloudtrail start-logging --name {trail} --region {region}",
			"証跡の状態を確認します。\n$ aws cloudtrail get-trail-status --name {trail} --region {region}",
		},
	},
	"cloudtrail:DeleteTrail": {
		Meaning:  "証跡 {trail} が削除されました。アカウントの API 呼び出しは、この証跡に記録されなくなっています。監査ログの削除は、その後の行動を隠すための典型的な手口です。",
		Response: "証跡を作成し直し、誰が削除したのか、その前後に何を行ったのかを調べてください（過去 90 日間のイベント履歴には記録が残っています）。",
		Steps: []string{
			"証跡を作成し直します。\n$ aws cloudtrail create-trail --name {trail} --s3-bucket-name <LOG_BUCKET> --is-multi-region-trail --enable-log-file-validation --region {region}",
			"ログ記録を開始します。\n$ aws cloudtrail start-logging --name {trail} --region {region}",
		},
	},
	"cloudtrail:UpdateTrail": {
		Meaning: "証跡 {trail} の設定が変更されました。",
		Steps: []string{
			"証跡の現在の設定を確認します。\n$ aws cloudtrail get-trail --name {trail} --region {region}",
		},
	},
	"cloudtrail:PutEventSelectors": {
		Meaning: "証跡 {trail} のイベントセレクターが書き換えられました。イベントセレクターは、証跡がどのイベントを記録するかを決めるものです。",
		Steps: []string{
			"現在のイベントセレクターを確認します。\n$ aws cloudtrail get-event-selectors --trail-name {trail} --region {region}",
		},
	},

	// ---- AWS Config ----
	"config:StopConfigurationRecorder": {
		Meaning: "AWS Config のレコーダー {recorder} が停止されました。設定変更が記録されなくなり、Config ルールや Security Hub のコントロールも変更を検知できなくなっています。",
		Steps: []string{
			"レコーダーを再開します。\n$ aws configservice start-configuration-recorder --configuration-recorder-name {recorder} --region {region}",
		},
	},
	"config:DeleteConfigurationRecorder": {
		Meaning: "AWS Config のレコーダー {recorder} が削除されました。{region} の設定変更は記録されなくなっています。",
		Steps: []string{
			"Config の設定で残っているものを確認します。\n$ aws configservice describe-configuration-recorder-status --region {region}",
		},
	},
	"config:DeleteDeliveryChannel": {
		Meaning: "AWS Config の配信チャネル {channel} が削除されました。設定履歴とスナップショットは配信されなくなっています。",
		Steps: []string{
			"残っている配信チャネルを確認します。\n$ aws configservice describe-delivery-channels --region {region}",
		},
	},
	"config:DeleteConfigRule": {
		Meaning: "AWS Config ルール {rule} が削除されました。このルールが評価していたリソースは、評価されなくなっています。",
		Steps: []string{
			"残っている Config ルールを確認します。\n$ aws configservice describe-config-rules --region {region}",
		},
	},

	// ---- GuardDuty ----
	"guardduty:DeleteDetector": {
		Meaning:  "GuardDuty のディテクター {detector} が削除されました。{region} では、GuardDuty がこのアカウントを監視していません。",
		Response: "ただちに GuardDuty を有効に戻し、誰がディテクターを削除したのか、その前後に何を行ったのかを調べてください。",
		Steps: []string{
			"GuardDuty を有効に戻します。\n$ aws guardduty create-detector --enable --region {region}",
		},
	},
	"guardduty:UpdateDetector": {
		Meaning: "GuardDuty のディテクター {detector} の設定が変更されました。",
		Steps: []string{
			"ディテクターの現在の設定を確認します。\n$ aws guardduty get-detector --detector-id {detector} --region {region}",
		},
	},
	"guardduty:UpdateDetector#disabled": {
		Meaning: "GuardDuty のディテクター {detector} が停止されました。{region} では、GuardDuty がこのアカウントを監視していません。",
		Steps: []string{
			"ディテクターを再開します。\n$ aws guardduty update-detector --detector-id {detector} --enable --region {region}",
		},
	},
	"guardduty:CreateFilter": {
		Meaning: "GuardDuty のディテクター {detector} にフィルター {filter} が作成されました。",
		Steps: []string{
			"フィルターの内容を確認します。アクションが ARCHIVE のフィルターに一致する新しい検出結果は自動でアーカイブされ、通知されません。\n$ aws guardduty get-filter --detector-id {detector} --filter-name {filter} --region {region}",
		},
	},
	"guardduty:CreateIPSet": {
		Meaning: "GuardDuty のディテクター {detector} に信頼できる IP リストが追加されました。リストに載ったアドレスからの通信について、GuardDuty は検出結果を生成しません。",
		Steps: []string{
			"リストの内容と保存場所を確認します。\n$ aws guardduty get-ip-set --detector-id {detector} --ip-set-id {ipset} --region {region}",
		},
	},
	"guardduty:UpdateIPSet": {
		Meaning: "GuardDuty のディテクター {detector} の信頼できる IP リスト {ipset} が変更されました。リストに載ったアドレスからの通信について、GuardDuty は検出結果を生成しません。",
		Steps: []string{
			"リストの内容と保存場所を確認します。\n$ aws guardduty get-ip-set --detector-id {detector} --ip-set-id {ipset} --region {region}",
		},
	},
	"guardduty:DisassociateFromMasterAccount": {
		Meaning: "このアカウントが GuardDuty の管理者アカウントとの関連付けを解除しました。セキュリティチームの管理者アカウントからは、このアカウントの検出結果が見えなくなっています。",
		Steps: []string{
			"このアカウントの GuardDuty 管理者アカウントを確認します。\n$ aws guardduty get-administrator-account --detector-id {detector} --region {region}",
		},
	},
	"guardduty:DisassociateFromAdministratorAccount": {
		Meaning: "このアカウントが GuardDuty の管理者アカウントとの関連付けを解除しました。セキュリティチームの管理者アカウントからは、このアカウントの検出結果が見えなくなっています。",
		Steps: []string{
			"このアカウントの GuardDuty 管理者アカウントを確認します。\n$ aws guardduty get-administrator-account --detector-id {detector} --region {region}",
		},
	},
	"guardduty:DeleteMembers": {
		Meaning: "GuardDuty のディテクター {detector} からメンバーアカウントが削除されました。それらのアカウントの検出結果は、この管理者アカウントに届かなくなっています。",
		Steps: []string{
			"残っているメンバーアカウントを確認します。\n$ aws guardduty list-members --detector-id {detector} --region {region}",
		},
	},

	// ---- Security Hub ----
	"securityhub:DisableSecurityHub": {
		Meaning: "{region} で Security Hub が無効にされました。有効だった標準は無効になり、コントロールの評価は止まり、管理者・メンバーアカウントの関連付けも解除されます。既存の検出結果は 90 日後に削除されます。",
		Steps: []string{
			"Security Hub を有効に戻します。\n$ aws securityhub enable-security-hub --region {region}",
		},
	},
	"securityhub:BatchDisableStandards": {
		Meaning: "Security Hub でセキュリティ標準が無効にされました。{region} では、その標準のコントロールが評価されなくなっています。",
		Steps: []string{
			"有効なまま残っている標準を確認します。\n$ aws securityhub get-enabled-standards --region {region}",
		},
	},
	"securityhub:UpdateStandardsControl": {
		Meaning: "Security Hub のコントロールが変更されました（{control_arn}）。",
		Steps: []string{
			"誤って無効にしたコントロールであれば、有効に戻します。\n$ aws securityhub update-standards-control --standards-control-arn {control_arn} --control-status ENABLED --region {region}",
		},
	},
	"securityhub:DisableImportFindingsForProduct": {
		Meaning: "Security Hub が、連携している製品からの検出結果の取り込みを停止しました（{product}）。",
		Steps: []string{
			"検出結果の取り込みが有効な製品を確認します。\n$ aws securityhub list-enabled-products-for-import --region {region}",
		},
	},

	// ---- Organizations ----
	"organizations:LeaveOrganization": {
		Meaning:  "アカウントが AWS Organizations の組織から脱退しました。サービスコントロールポリシー（SCP）による制限がかからなくなり、組織で一元管理しているセキュリティサービスの対象からも外れている可能性があります。",
		Response: "組織の管理アカウントの担当者に、計画された脱退か確認してください。計画されたものでなければ、このアカウントの認証情報が侵害されたものとして扱います。",
	},
	"organizations:RemoveAccountFromOrganization": {
		Meaning: "組織からアカウントが削除されました。そのアカウントにはサービスコントロールポリシー（SCP）による制限がかからなくなっています。",
		Steps: []string{
			"組織に残っているアカウントを確認します。\n$ aws organizations list-accounts",
		},
	},
	"organizations:DetachPolicy": {
		Meaning: "組織のポリシー {org_policy} が {target} からデタッチされました。",
		Steps: []string{
			"このポリシー（サービスコントロールポリシーなど）が必要なものであれば、アタッチし直します。\n$ aws organizations attach-policy --policy-id {org_policy} --target-id {target}",
		},
	},
	"organizations:DisablePolicyType": {
		Meaning: "ルート {root} でポリシータイプ {policy_type} が無効にされました。組織内のどこにも、このタイプのポリシーが適用されなくなっています。",
		Steps: []string{
			"ポリシータイプを有効に戻し、ポリシーがアタッチされたままか確認します。\n$ aws organizations enable-policy-type --root-id {root} --policy-type {policy_type}",
		},
	},

	// ---- Lambda ----
	"lambda:AddPermission": {
		Meaning: "Lambda 関数 {function} のリソースベースポリシーに、ステートメント {statement_id} が追加されました。指定されたプリンシパルが、関数を呼び出したり管理したりできるようになっています。",
		Steps: []string{
			"意図しない許可であれば、ステートメントを削除します。\n$ aws lambda remove-permission --function-name {function} --statement-id {statement_id} --region {region}",
			"関数の現在のリソースベースポリシーを確認します。\n$ aws lambda get-policy --function-name {function} --region {region}",
		},
	},
	"lambda:AddLayerVersionPermission": {
		Meaning: "Lambda レイヤー {layer} のバージョン {layer_version} が、新しいステートメント {statement_id} で共有されました。",
		Steps: []string{
			"意図しない共有であれば、ステートメントを削除します。\n$ aws lambda remove-layer-version-permission --layer-name {layer} --version-number {layer_version} --statement-id {statement_id} --region {region}",
		},
	},
	"lambda:CreateFunctionUrlConfig": {
		Meaning: "Lambda 関数 {function} に関数 URL が作成されました。",
		Steps: []string{
			"URL を公開すべきでなければ、IAM 認証を必須にします。\n$ aws lambda update-function-url-config --function-name {function} --auth-type AWS_IAM --region {region}",
		},
	},
	"lambda:UpdateFunctionUrlConfig": {
		Meaning: "Lambda 関数 {function} の関数 URL の設定が変更されました。",
		Steps: []string{
			"URL を公開すべきでなければ、IAM 認証を必須にします。\n$ aws lambda update-function-url-config --function-name {function} --auth-type AWS_IAM --region {region}",
		},
	},
	"lambda:UpdateFunctionConfiguration": {
		Meaning: "Lambda 関数 {function} の設定が変更されました。",
		Steps: []string{
			"関数の現在の設定（レイヤー、実行ロール、環境変数）を確認します。\n$ aws lambda get-function-configuration --function-name {function} --region {region}",
		},
	},
	"lambda:UpdateFunctionCode": {
		Meaning: "Lambda 関数 {function} のコードが置き換えられました。",
		Steps: []string{
			"関数のコードと更新日時（CodeSha256、LastModified）を確認します。\n$ aws lambda get-function --function-name {function} --region {region}",
		},
	},

	// ---- RDS ----
	"rds:ModifyDBSnapshotAttribute": {
		Meaning: "DB スナップショット {snapshot} の復元許可が変更されました。許可されたアカウントは、このスナップショットを復元してデータベースのデータを読み取れます。",
		Steps: []string{
			"意図しない共有であれば、共有を解除します。\n$ aws rds modify-db-snapshot-attribute --db-snapshot-identifier {snapshot} --attribute-name restore --values-to-remove {accounts} --region {region}",
			"現在、誰がスナップショットを復元できるか確認します。\n$ aws rds describe-db-snapshot-attributes --db-snapshot-identifier {snapshot} --region {region}",
		},
	},
	"rds:ModifyDBSnapshotAttribute#public": {
		Meaning: "DB スナップショット {snapshot} がパブリックに公開されました。すべての AWS アカウントが、このスナップショットを復元してデータベースのデータを読み取れます。",
		Steps: []string{
			"スナップショットを非公開に戻します。\n$ aws rds modify-db-snapshot-attribute --db-snapshot-identifier {snapshot} --attribute-name restore --values-to-remove all --region {region}",
		},
	},
	"rds:ModifyDBClusterSnapshotAttribute": {
		Meaning: "DB クラスタースナップショット {snapshot} の復元許可が変更されました。許可されたアカウントは、このスナップショットを復元してクラスターのデータを読み取れます。",
		Steps: []string{
			"意図しない共有であれば、共有を解除します。\n$ aws rds modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier {snapshot} --attribute-name restore --values-to-remove {accounts} --region {region}",
		},
	},
	"rds:ModifyDBClusterSnapshotAttribute#public": {
		Meaning: "DB クラスタースナップショット {snapshot} がパブリックに公開されました。すべての AWS アカウントが、このスナップショットを復元してクラスターのデータを読み取れます。",
		Steps: []string{
			"スナップショットを非公開に戻します。\n$ aws rds modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier {snapshot} --attribute-name restore --values-to-remove all --region {region}",
		},
	},
	"rds:ModifyDBInstance": {
		Meaning: "DB インスタンス {db} の設定が変更されました。",
		Steps: []string{
			"インスタンスの現在の設定（PubliclyAccessible、セキュリティグループ）を確認します。\n$ aws rds describe-db-instances --db-instance-identifier {db} --region {region}",
		},
	},
	"rds:ModifyDBInstance#public": {
		Meaning: "DB インスタンス {db} がパブリックアクセス可能に変更されました。パブリックアドレスが割り当てられ、セキュリティグループが許可していればインターネットからの接続を受け付けます。",
		Steps: []string{
			"インスタンスをパブリックアクセス不可に戻します。\n$ aws rds modify-db-instance --db-instance-identifier {db} --no-publicly-accessible --apply-immediately --region {region}",
		},
	},
	"rds:CreateDBInstance": {
		Meaning: "DB インスタンス {db} が新しく作成されました。",
		Steps: []string{
			"インスタンスの設定を確認します。\n$ aws rds describe-db-instances --db-instance-identifier {db} --region {region}",
		},
	},
	"rds:DeleteDBInstance": {
		Meaning: "DB インスタンス {db} が削除されました。",
		Steps: []string{
			"復元に使えるスナップショットが残っているか確認します。\n$ aws rds describe-db-snapshots --db-instance-identifier {db} --region {region}",
		},
	},
	"rds:DeleteDBCluster": {
		Meaning: "DB クラスター {cluster} が削除されました。",
		Steps: []string{
			"復元に使えるスナップショットが残っているか確認します。\n$ aws rds describe-db-cluster-snapshots --db-cluster-identifier {cluster} --region {region}",
		},
	},

	// ---- Secrets Manager ----
	"secretsmanager:DeleteSecret": {
		Meaning: "シークレット {secret} が削除されました。",
		Steps: []string{
			"復旧期間内であれば、シークレットを復元します。\n$ aws secretsmanager restore-secret --secret-id {secret} --region {region}",
		},
	},
	"secretsmanager:PutResourcePolicy": {
		Meaning: "シークレット {secret} のリソースポリシーが書き換えられました。リソースポリシーは、ほかに誰がシークレットを読み取れるかを決めるものです。",
		Steps: []string{
			"現在のポリシーを確認します。\n$ aws secretsmanager get-resource-policy --secret-id {secret} --region {region}",
		},
	},
	"secretsmanager:GetSecretValue": {
		Meaning: "シークレット {secret} の値が読み取られました。",
		Steps: []string{
			"読み取った主体が本来アクセスすべきでなければ、シークレットをローテーションし、どうやってアクセスできたのかを調べます。\n$ aws secretsmanager rotate-secret --secret-id {secret} --region {region}",
		},
	},
	"secretsmanager:BatchGetSecretValue": {
		Meaning: "1 回の呼び出しで複数のシークレットの値が読み取られました。",
	},

	// ---- Systems Manager ----
	"ssm:SendCommand": {
		Meaning: "Systems Manager Run Command で、ドキュメント {document} がマネージドノードに送信されました。コマンドはノード上で root（Linux）または SYSTEM（Windows）の権限で実行されます。",
		Steps: []string{
			"何が実行され、何が出力されたかを確認します。\n$ aws ssm list-command-invocations --command-id {command} --details --region {region}",
		},
	},
	"ssm:StartSession": {
		Meaning: "{session_target} で Session Manager のセッションが開始されました。呼び出し元はその上で対話的なシェルを使えます。",
		Steps: []string{
			"その対象でのセッション履歴を確認します。\n$ aws ssm describe-sessions --state History --filters key=Target,value={session_target} --region {region}",
		},
	},
	"ssm:GetParameters": {
		Meaning: "Parameter Store のパラメータが読み取られました。",
	},
	"ssm:GetParameter": {
		Meaning: "Parameter Store のパラメータが読み取られました。",
	},
	"ssm:ModifyDocumentPermission": {
		Meaning: "Systems Manager ドキュメント {document} の共有設定が変更されました。",
		Steps: []string{
			"現在、誰がドキュメントを使えるか確認します。\n$ aws ssm describe-document-permission --name {document} --permission-type Share --region {region}",
		},
	},
	"ssm:ModifyDocumentPermission#public": {
		Meaning: "Systems Manager ドキュメント {document} がパブリックに公開されました。すべての AWS アカウントが、その内容を読み取り、実行できます。",
		Steps: []string{
			"パブリックな共有を解除します。\n$ aws ssm modify-document-permission --name {document} --permission-type Share --account-ids-to-remove All --region {region}",
		},
	},
	// ---- EC2 インスタンスへのアクセス ----
	"ec2:GetPasswordData": {
		Meaning: "インスタンス {instance} の暗号化された Windows 管理者パスワードが取得されました。インスタンスのキーペアの秘密鍵を持つ者は、これを復号して Administrator としてサインインできます。",
		Steps: []string{
			"インスタンスの起動に使われたキーペアを確認し、その秘密鍵を誰が持っているかを調べます。\n$ aws ec2 describe-instances --instance-ids {instance} --region {region}",
			"呼び出し元がパスワードを知るべきでなければ、インスタンス上で Administrator のパスワードを変更します。変更するまで、取得されたパスワードは有効なままです。",
		},
	},
	"ec2:DescribeInstanceAttribute#userdata": {
		Meaning: "インスタンス {instance} のユーザーデータが読み取られました。",
		Steps: []string{
			"ユーザーデータを自分で確認し、認証情報が含まれていないか調べます。見つかったものはローテーションし、Secrets Manager か Parameter Store に移します。\n$ aws ec2 describe-instance-attribute --instance-id {instance} --attribute userData --region {region}",
		},
	},
	"ec2-instance-connect:SendSSHPublicKey": {
		Meaning: "EC2 Instance Connect で、インスタンス {instance} の OS ユーザー {os_user} に SSH 公開鍵が送られました。",
		Steps: []string{
			"インスタンスにどこから到達できるか（アドレスとセキュリティグループ）を確認します。\n$ aws ec2 describe-instances --instance-ids {instance} --region {region}",
			"インスタンス上の認証ログで、呼び出し時刻前後の {os_user} の SSH ログインを確認します。",
		},
	},
	"ec2-instance-connect:SendSerialConsoleSSHPublicKey": {
		Meaning: "EC2 Instance Connect で、インスタンス {instance} のシリアルコンソールに SSH 公開鍵が送られました。",
		Steps: []string{
			"シリアルコンソールが不要であれば、アカウントのシリアルコンソールへのアクセスを無効にします。\n$ aws ec2 disable-serial-console-access --region {region}",
		},
	},

	// ---- ログ ----
	"route53resolver:DeleteResolverQueryLogConfig": {
		Meaning: "Route 53 Resolver のクエリログ記録の設定 {query_log_config} が削除されました。対象だった VPC からの DNS クエリは記録されなくなっています。",
		Steps: []string{
			"残っているクエリログ記録の設定を確認します。\n$ aws route53resolver list-resolver-query-log-configs --region {region}",
			"意図しない削除であれば、設定を作成し直し、VPC に関連付けます。\n$ aws route53resolver create-resolver-query-log-config --name <NAME> --destination-arn {log_destination} --region {region}",
		},
	},
	"logs:DeleteLogGroup": {
		Meaning: "CloudWatch Logs のロググループ {log_group} が、保存されていたログイベントごと削除されました。",
		Steps: []string{
			"この名前にまだ書き込んでいるもの（証跡、フローログ、関数など）がないか確認します。ロググループが再び必要になるかもしれず、以前のイベントは失われています。\n$ aws logs describe-log-groups --log-group-name-prefix {log_group} --region {region}",
		},
	},

	// ---- IAM Roles Anywhere ----
	"rolesanywhere:CreateTrustAnchor": {
		Meaning: "IAM Roles Anywhere のトラストアンカー {trust_anchor_name} が作成されました。この認証局が発行した証明書を持つワークロードは、Roles Anywhere のプロファイルにあるロールの一時的な AWS 認証情報を取得できます。",
		Steps: []string{
			"トラストアンカーとその認証局を確認します。\n$ aws rolesanywhere get-trust-anchor --trust-anchor-id {trust_anchor} --region {region}",
			"意図したものでなければ、無効にします。\n$ aws rolesanywhere disable-trust-anchor --trust-anchor-id {trust_anchor} --region {region}",
			"プロファイルを確認します。どのロールを証明書で取得できるかは、プロファイルが決めます。\n$ aws rolesanywhere list-profiles --region {region}",
		},
	},
}
