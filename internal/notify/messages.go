package notify

import (
	"fmt"

	"github.com/vigilhq/vigil/internal/explain"
)

// The few words channels add to a message themselves, in every language;
// the content comes translated already. Japanese is written, not glued from
// English pieces.
var catalog = map[explain.Lang]map[string]string{
	explain.EN: {
		"mentions":  "Owners",
		"truncated": "[Message shortened: the full text was %d bytes, over the %s limit of %d bytes.]",
		"footer":    "Sent by vigil.",
		"group":     "%d events: %s",
		"more":      "…and %d more",
	},
	explain.JA: {
		"mentions":  "担当者",
		"truncated": "［メッセージを短縮しました: 元の本文は %d バイトで、%s の上限 %d バイトを超えていました。］",
		"footer":    "このメッセージは vigil が送信しました。",
		"group":     "%d 件のイベント: %s",
		"more":      "ほか %d 件",
	},
}

// Label returns the channel text key in lang (English when lang has none).
func Label(lang explain.Lang, key string) string {
	if m, ok := catalog[lang]; ok {
		if s, ok := m[key]; ok {
			return s
		}
	}
	return catalog[explain.EN][key]
}

// TruncatedNote says that a message was shortened to fit service's limit.
func TruncatedNote(lang explain.Lang, service string, size, limit int) string {
	return fmt.Sprintf(Label(lang, "truncated"), size, service, limit)
}
