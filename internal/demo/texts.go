package demo

// The demo's narration, one catalog per language.
type catalog struct {
	header, server, posted, routing, noMatch, incomplete, explanation string
	sns, more, tickets, attachment, pages, done, kept, removed        string
	approval, approved, isolated, auditOK                             string
	lang                                                              string
}

var texts = map[string]catalog{
	"en": {
		header: "vigil demo: the whole job against a simulated AWS account; nothing leaves this machine.\n" +
			"  sandbox  %s  (demo scenario, %d Security Hub findings)\n",
		server:      "  vigil    %s  (configuration %s)\n\n",
		posted:      "Posted %d events (GuardDuty, Security Hub, CloudTrail): %d accepted, each committed to the database first.\n\n",
		routing:     "Routing (EventBridge patterns):",
		noMatch:     "no rule matches",
		incomplete:  "\nDeliveries so far: explanations %d/%d, SNS %d/%d, tickets %d/%d, pages %d/%d.\n",
		explanation: "\nExplanation kept by the summarize target for event %s (GET /explanations/ID):\n",
		sns:         "\nAmazon SNS (sandbox), messages published to %[2]s: %[1]d\n",
		more:        "  … and %d more\n",
		tickets:     "\nTicketing webhook (signed, HMAC-SHA256), documents received: %d\n",
		attachment:  "    attachment %s: %d violations, saved as %s\n",
		pages:       "\nPager webhook (input transformer), requests received: %d\n",
		done:        "\nDone in %s. %s\nNext: vigil init writes a commented vigil.yaml to start from; then vigil serve --config vigil.yaml (see README.md).\n",
		kept:        "The database, configuration and report are in %s.",
		removed:     "Its temporary files are removed; vigil demo --dir DIR keeps them.",
		approval:    "\nRemediation waiting for approval (GET /approvals): %s, %s on %s\n  why: %s\n  plan:\n",
		approved:    "Approved as %s (POST /approvals/%s/approve); vigil applies, waits for propagation and verifies.\n",
		isolated:    "  %s: security groups %s → %s. Verified: %s.\n",
		auditOK:     "Audit log (hash chain) intact: %d records.\n",
		lang:        "en",
	},
	"ja": {
		header: "vigil demo: シミュレートした AWS アカウントに対して一連の処理を実行します。外部には一切接続しません。\n" +
			"  サンドボックス  %s（demo シナリオ、Security Hub 検出結果 %d 件）\n",
		server:      "  vigil           %s（設定ファイル %s）\n\n",
		posted:      "%d 件のイベント（GuardDuty、Security Hub、CloudTrail）を送信し、%d 件を受け付けました。各イベントは受付前にデータベースへ保存されています。\n\n",
		routing:     "ルーティング（EventBridge パターン）:",
		noMatch:     "一致するルールはありません",
		incomplete:  "\nここまでの配信: 説明 %d/%d、SNS %d/%d、チケット %d/%d、ページ %d/%d。\n",
		explanation: "\nsummarize ターゲットが保存したイベント %s の説明（GET /explanations/ID）:\n",
		sns:         "\nAmazon SNS（サンドボックス）: トピック %[2]s に %[1]d 件のメッセージ\n",
		more:        "  …ほか %d 件\n",
		tickets:     "\nチケット用 Webhook（HMAC-SHA256 署名付き）: %d 件\n",
		attachment:  "    添付ファイル %s: 違反 %d 件（%s に保存）\n",
		pages:       "\n呼び出し用 Webhook（入力トランスフォーマー）: %d 件\n",
		done:        "\n%s で完了しました。%s\n次は vigil init でコメント付きの vigil.yaml を作り、vigil serve --config vigil.yaml で動かしてください（README.md を参照）。\n",
		kept:        "データベース、設定ファイル、レポートは %s にあります。",
		removed:     "一時ファイルは削除しました。残す場合は vigil demo --dir DIR を使います。",
		approval:    "\n承認待ちの修復（GET /approvals）: %s、%s を %s に適用\n  理由: %s\n  計画:\n",
		approved:    "%s として承認しました（POST /approvals/%s/approve）。vigil が適用し、反映を待って検証します。\n",
		isolated:    "  %s: セキュリティグループ %s → %s。検証結果: %s。\n",
		auditOK:     "監査ログ（ハッシュチェーン）は改ざんされていません: %d 件。\n",
		lang:        "ja",
	},
}

// attackCatalog is the narration of `vigil demo --attack`.
type attackCatalog struct {
	header, attack, routing, unrouted, explanation, now string
	applied, verified, loaded, timeline, kept           string
	timelineHead                                        string
}

var attackTexts = map[string]attackCatalog{
	"en": {
		header: "vigil demo --attack %s: a game day against a simulated AWS account; nothing leaves this machine.\n" +
			"  sandbox  %s  (the demo account with a logging trail, GuardDuty and CIS alarms)\n" +
			"  vigil    %s  (configuration %s)\n",
		attack:       "\n1. The attack, from %s (MITRE ATT&CK tactic, call or detection):\n",
		routing:      "\n2. Detection: the sandbox sent vigil %d events, as EventBridge would; routed:\n",
		unrouted:     "  (%d more matched no rule: recorded for investigation only)\n",
		explanation:  "\n3. Explanation of the finding behind the first remediation (event %s, GET /explanations/ID):\n",
		now:          "  now: %s\n",
		applied:      "\n4. vigil applied the changes, waited for them to propagate and verified them; a describe call of our own agrees:\n",
		verified:     "  %s on %s: %s — %s\n    before: %s\n    after:  %s\n",
		loaded:       "\n5. Investigation: loaded %d CloudTrail records from %d log files of the trail's bucket s3://%s (reads included; vigil had recorded the changes live).\n",
		timeline:     "The attacker's timeline, unusual calls labelled (GET /investigate/timeline?%s):\n",
		kept:         "The database and configuration are in %s.",
		timelineHead: "  %s (%s): %d calls, oldest first (calls of the same second in no particular order)\n",
	},
	"ja": {
		header: "vigil demo --attack %s: シミュレートした AWS アカウントでのゲームデイです。外部には一切接続しません。\n" +
			"  サンドボックス  %s（デモ用アカウント。証跡のログ記録、GuardDuty、CIS アラームを有効化）\n" +
			"  vigil           %s（設定ファイル %s）\n",
		attack:       "\n1. 攻撃（送信元 %s。MITRE ATT&CK の戦術、呼び出しまたは検出）:\n",
		routing:      "\n2. 検出: サンドボックスは EventBridge と同じ形で %d 件のイベントを vigil に送りました。ルーティング結果:\n",
		unrouted:     "  （ほか %d 件はどのルールにも一致せず、調査用に記録だけしました）\n",
		explanation:  "\n3. 最初の修復のもとになった検出結果の説明（イベント %s、GET /explanations/ID）:\n",
		now:          "  現在: %s\n",
		applied:      "\n4. vigil が変更を適用し、反映を待って検証しました。こちらで実行した describe 呼び出しの結果も一致します:\n",
		verified:     "  %s（対象 %s）: %s — %s\n    変更前: %s\n    変更後: %s\n",
		loaded:       "\n5. 調査: 証跡のバケット s3://%[3]s のログファイル %[2]d 個から CloudTrail レコード %[1]d 件を読み込みました（読み取り系の呼び出しを含みます。変更系は vigil が受信時に記録済みです）。\n",
		timeline:     "攻撃者のタイムライン。通常と異なる呼び出しにはラベルを付けています（GET /investigate/timeline?%s）:\n",
		kept:         "データベースと設定ファイルは %s にあります。",
		timelineHead: "  %s（%s）: %d 件の呼び出し、古い順（同じ秒の呼び出しの順序は不定）\n",
	},
}
