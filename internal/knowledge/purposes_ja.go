package knowledge

// purposesJA は GuardDuty の脅威の目的（threat purpose）の意味です。英語版
// (purposes_en.go) と同じ出典にもとづき、同じ内容を書きます。
var purposesJA = map[string]string{
	"backdoor":            "Backdoor（バックドア）: リソースが侵害され、指令サーバー（C&C）に接続して次の指示を受けるよう改変されている可能性があります。",
	"behavior":            "Behavior（振る舞い）: 関係するリソースのこれまでのベースラインと異なる活動が見られます。",
	"credentialaccess":    "CredentialAccess（認証情報へのアクセス）: 攻撃者が環境からアカウント ID やパスワードなどの認証情報を盗む際に使う活動です。",
	"cryptocurrency":      "CryptoCurrency（暗号通貨）: リソースでビットコインの採掘など、暗号通貨に関係するソフトウェアが動いている可能性があります。",
	"defenseevasion":      "DefenseEvasion（防御の回避）: 攻撃者が環境内で検知を逃れるために使う活動です。",
	"discovery":           "Discovery（探索）: 攻撃者がシステムやネットワークについての情報を集めるために使う活動です。",
	"execution":           "Execution（実行）: 攻撃者が操作している可能性のあるコードがリソース上で実行されています。",
	"exfiltration":        "Exfiltration（持ち出し）: 攻撃者が環境からデータを盗み出す際に使う活動です。",
	"impact":              "Impact（影響）: システムやデータを改ざん、妨害、破壊しようとしている兆候です。",
	"initialaccess":       "InitialAccess（初期アクセス）: 攻撃者が環境に最初の足がかりを得るために使う活動です。",
	"pentest":             "PenTest（侵入テスト）: 侵入テスト用ツールによる活動です。正規のテスト担当者も攻撃者も使うため、GuardDuty にはどちらか判断できません。",
	"persistence":         "Persistence（永続化）: 侵入経路をふさがれてもアクセスを維持するために攻撃者が使う活動です（新しい IAM ユーザーの作成など）。",
	"policy":              "Policy（ポリシー）: アカウントで、推奨されるセキュリティのやり方に反する操作が行われています。",
	"privilegeescalation": "PrivilegeEscalation（権限昇格）: プリンシパルが、より高い権限を得るために攻撃者が行うような振る舞いをしています。",
	"recon":               "Recon（偵察）: 攻撃者がアクセス範囲を広げる方法を探る活動です（ポートの探索、ユーザーの列挙など）。",
	"stealth":             "Stealth（隠ぺい）: 攻撃者が匿名化プロキシなどを使って自らの行動を隠そうとしている可能性があります。",
	"trojan":              "Trojan（トロイの木馬）: 正規のプログラムを装うなどして、悪意のある処理を密かに行っているプログラムがある可能性があります。",
	"unauthorizedaccess":  "UnauthorizedAccess（不正アクセス）: 本来アクセス権のない者による、不審な活動や活動パターンです。",
	"attacksequence":      "AttackSequence（攻撃シーケンス）: 一連のシグナル（API の活動や検出結果）が、進行中または最近の攻撃を示しています。",
}
