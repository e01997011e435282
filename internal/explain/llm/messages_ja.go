package llm

import (
	"strconv"
	"strings"
)

// ja is the Japanese catalog of the LLM engines' notes.
type ja struct{}

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
		parts = append(parts, "イベントにない識別子 "+strconv.Itoa(ids)+" 件")
	}
	if urls > 0 {
		parts = append(parts, "AWS ドキュメント検索結果にも vigil のカタログにもないリンク "+strconv.Itoa(urls)+" 件")
	}
	if commands > 0 {
		parts = append(parts, "イベントの値だけで組み立てた単一の AWS CLI 呼び出しではないコマンド "+strconv.Itoa(commands)+" 件")
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

func (ja) writtenBy(model string, docs, full bool, approvals int) string {
	from := "イベントと vigil のカタログ"
	if docs {
		from = "イベント、vigil のカタログ、AWS ドキュメント検索の結果"
	}
	s := "本文は " + model + " が、" + from + "をもとに作成しました。vigil は、本文中の AWS の識別子がすべてイベントに含まれていること"
	if full {
		s += "、リンクがすべてそれらに由来する AWS のドキュメントであること、コマンドがいずれも削除・無効化・共有・権限付与を行わない単一の AWS CLI 呼び出しであること"
	}
	s += "を確認しました。文章の内容そのものは確認していません。"
	if approvals > 0 {
		s += "アカウントを変更するコマンドには印を付けています。vigil がコマンドを実行することはありません。"
	}
	return s
}

func (ja) destructiveRemoved(n int) string {
	return "モデルの回答のうち、削除・無効化・共有・権限付与を行うコマンドを含む手順や段落 " + strconv.Itoa(n) + " 件を削除しました。"
}

func (ja) quotedRemoved(n int) string {
	return "モデルの回答のうち、イベントの文面をそのまま手順にしたもの " + strconv.Itoa(n) + " 件を削除しました（イベントの文面は引用としてのみ表示します）。"
}

func (ja) reasonLanguage() string { return "回答が日本語で書かれていませんでした" }
