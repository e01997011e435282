package explain

import "fmt"

// risk は CloudTrail の呼び出しに対する vigil の評価理由を 1 つ、日本語で
// 述べます。値はレコードから取ったものです。
func (m ja) risk(r risk) string {
	a := r.arg
	switch r.Kind {
	case riskWorldOpen:
		return fmt.Sprintf("ポート %s をインターネット全体（%s）に開放しています。", orDash(a(1)), a(0))
	case riskAdminPorts:
		return fmt.Sprintf("%s は、攻撃者が常に探索しているリモート管理用またはデータベースのポートです。", a(0))
	case riskAdminPolicy:
		return fmt.Sprintf("%s は、管理者権限（またはそれに等しい IAM の全権限）を与える AWS 管理ポリシーです。", a(0))
	case riskManagedPolicy:
		return fmt.Sprintf("%s は AWS 管理ポリシーです。権限がそのプリンシパルの役割に見合っているか確認してください。", a(0))
	case riskCustomerPolicy:
		return fmt.Sprintf("%s はカスタマー管理ポリシーです。何を許可するかは現在のバージョンの内容次第で、このレコードからは分かりません。", a(0))
	case riskWildcardPolicy:
		return fmt.Sprintf("ポリシーがすべてのリソースに対するすべての操作（%s）を許可しており、管理者権限に相当します。", orDash(a(0)))
	case riskInlinePolicy:
		return fmt.Sprintf("ポリシーが許可する操作: %s。", orDash(a(0)))
	case riskOtherUser:
		return fmt.Sprintf("%s が、別のユーザー %s の認証情報を操作しています。他人の認証情報の作成や変更は、攻撃者がアクセスを維持するための典型的な手口です。", a(0), a(1))
	case riskSelf:
		return fmt.Sprintf("呼び出し元 %s が、自分自身の権限または認証情報を変更しています。", a(0))
	case riskPublicPrincipal:
		return fmt.Sprintf("%s が条件なしで任意のプリンシパル（\"*\"）を許可しており、どの AWS アカウントの誰でも（認証なしでも）利用できる可能性があります。", a(0))
	case riskPublicCondition:
		return fmt.Sprintf("%s は条件付きで任意のプリンシパル（\"*\"）を許可しています。公開されているかどうかは条件の内容次第です。", a(0))
	case riskForeignAccounts:
		return fmt.Sprintf("ほかの AWS アカウント（%s）にアクセスを許可しています。", a(0))
	case riskLoggingOff:
		return fmt.Sprintf("監査ログ（%s）を止める操作で、以降の行動が記録されなくなります。検知を回避する手口（Defense Evasion）に当たります。", a(0))
	case riskDetectionOff:
		return fmt.Sprintf("脅威検出やコンプライアンスチェック（%s）を止める操作です。検知を回避する手口（Defense Evasion）に当たります。", a(0))
	case riskFindingsHidden:
		return fmt.Sprintf("検出結果が担当者に届かなくなるおそれがあります（%s）。", a(0))
	case riskMFARemoved:
		return fmt.Sprintf("MFA が外されました（%s）。パスワードが盗まれれば、それだけでサインインできる状態です。", a(0))
	case riskSharedAccounts:
		return fmt.Sprintf("%s %s がほかの AWS アカウント（%s）と共有されました。見知らぬアカウントへの共有は、データを持ち出す典型的な手口です。", m.resourceType(a(0)), a(1), a(2))
	case riskSharedPublic:
		return fmt.Sprintf("%s %s がパブリックに公開され、すべての AWS アカウントが利用できる状態です。", m.resourceType(a(0)), a(1))
	case riskKeyDeletion:
		if a(1) != "" {
			return fmt.Sprintf("待機期間（%s 日）が終わると、%s で暗号化されたデータは二度と復号できなくなります。", a(1), a(0))
		}
		return fmt.Sprintf("待機期間が終わると、%s で暗号化されたデータは二度と復号できなくなります。", a(0))
	case riskKeyDisabled:
		return fmt.Sprintf("%s に依存する処理は、キーを有効に戻すまで動かなくなります。", a(0))
	case riskRotationOff:
		return fmt.Sprintf("%s の鍵素材が自動でローテーションされなくなります。", a(0))
	case riskEncryptionOff:
		return fmt.Sprintf("%s の暗号化が無効になります。", a(0))
	case riskPublicDB:
		return fmt.Sprintf("セキュリティグループが許可していれば、データベース %s にインターネットから接続できます。", a(0))
	case riskNoFinalSnapshot:
		return fmt.Sprintf("%s は最終スナップショットを取らずに削除されました。ほかにバックアップがなければ、データは失われています。", a(0))
	case riskDeleted:
		return fmt.Sprintf("%s が削除されました。", a(0))
	case riskNoRecovery:
		return fmt.Sprintf("%s は復旧期間なしで削除されたため、復元できません。", a(0))
	case riskCommandExec:
		return fmt.Sprintf("%s で、%s 上でコマンドを root または SYSTEM 権限で実行します。", a(0), orDash(a(1)))
	case riskSession:
		return fmt.Sprintf("%s 上で対話的なシェルを開きます。", a(0))
	case riskSecretRead:
		return fmt.Sprintf("シークレットの値（%s 件）を読み取っています。本来アクセスすべきでない呼び出し元であれば、漏えいしたものとして扱ってください。", a(0))
	case riskOrgLeave:
		return "アカウントは組織の SCP による制限を受けなくなり、組織で一元管理しているセキュリティサービスの対象からも外れます。"
	case riskGuardrailRemoved:
		return fmt.Sprintf("ガードレール（%s）が外されました。これまで抑えられていた権限や公開範囲が、抑えられなくなります。", a(0))
	case riskPublicURL:
		return fmt.Sprintf("関数 %s に、インターネット上の誰でも認証なしで呼び出せる URL が付きます。", a(0))
	case riskTrustPrincipals:
		return fmt.Sprintf("このロールを引き受けられるプリンシパル: %s。", a(0))
	case riskPasswordPolicy:
		return "パスワードの条件が緩くなると、IAM ユーザーのパスワードが推測されやすくなります。"
	case riskFederation:
		return fmt.Sprintf("新しい ID プロバイダー（%s）は、IAM ユーザーを経由しない侵入経路になり得ます。", a(0))
	case riskNewIdentity:
		return fmt.Sprintf("新しい IAM ユーザー（%s）の作成は、アカウントへのアクセスを維持する典型的な手口です。", a(0))
	case riskPolicyVersion:
		return fmt.Sprintf("%s のデフォルトバージョンを変えると、アタッチ先すべての権限が変わります。", a(0))
	case riskGroupMember:
		return fmt.Sprintf("%s は、グループ %s のすべての権限を得ます。", a(0), a(1))
	case riskConsoleAccess:
		return fmt.Sprintf("%s はコンソールにサインインできるようになります。", a(0))
	case riskTemporaryCreds:
		return "一時的な認証情報は、明示的に無効化しない限り、有効期限まで使えます。"
	case riskCrossAccountRole:
		return fmt.Sprintf("ロール %s は別のアカウントのものです。呼び出し元は別のアカウントに入っています。", a(0))
	case riskCodeChange:
		return fmt.Sprintf("関数 %s が実行するコード、または実行時の権限が変わりました。", a(0))
	case riskSerialConsole:
		return "シリアルコンソールは、ネットワークの制御を経由せずにインスタンスに到達します。"
	case riskUserData:
		return fmt.Sprintf("%s のユーザーデータが変更されました。次回起動時に root 権限で実行されます。", a(0))
	case riskKeyPair:
		return fmt.Sprintf("%s の秘密鍵を持つ者は、このキーペアで起動したインスタンスにログインできます。", a(0))
	case riskPeering:
		return fmt.Sprintf("VPC を、アカウント %s のネットワークと接続します。", a(0))
	case riskPasswordReset:
		return fmt.Sprintf("%s のマスターパスワードが変更されました。設定した者はデータベースにログインできます。", a(0))
	case riskVersioningOff:
		return fmt.Sprintf("%s で上書き・削除されたオブジェクトを、以前のバージョンから復元できなくなります。", a(0))
	case riskNetworkACL:
		return fmt.Sprintf("ネットワーク ACL が、任意の送信元（%s）からポート %s へのインバウンド通信を許可しています。", a(0), orDash(a(1)))
	case riskAccessLogsOff:
		return fmt.Sprintf("%s へのアクセスがログに記録されなくなります。", a(0))
	case riskTrailWeakened:
		return fmt.Sprintf("証跡 %s の記録範囲が狭くなりました（%s）。", a(0), a(1))
	case riskMembersRemoved:
		return "削除されたメンバーアカウントの検出結果は、管理者アカウントに届かなくなります。"
	case riskPasswordData:
		return fmt.Sprintf("%s の Windows 管理者パスワードの取得は、キーペアの秘密鍵を持つ攻撃者がサインインするための手順です。認証情報の窃取（Credential Access）に当たります。", a(0))
	case riskUserDataRead:
		return fmt.Sprintf("%s のユーザーデータには、起動スクリプトに書かれたパスワード、トークン、鍵が含まれていることがよくあります。読み取りは認証情報を探す典型的な手口です。", a(0))
	case riskSSHKeyPushed:
		if a(1) != "-" {
			return fmt.Sprintf("60 秒間、対応する秘密鍵を持つ者が %s に OS ユーザー %s としてログインできます。インスタンス自身の鍵なしに乗り移る手口（Lateral Movement）です。", a(0), a(1))
		}
		return fmt.Sprintf("60 秒間、対応する秘密鍵を持つ者が %s に接続できます。インスタンス自身の鍵なしに乗り移る手口（Lateral Movement）です。", a(0))
	}
	return ""
}
