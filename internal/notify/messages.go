package notify

import (
	"fmt"

	"github.com/vigilhq/vigil/internal/lang"
)

// The few words channels add to a message themselves, in every language;
// the content comes translated already. Japanese is written, not glued from
// English pieces.
var catalog = map[lang.Lang]map[string]string{
	lang.EN: {
		"mentions":  "Owners",
		"truncated": "[Message shortened: the full text was %d bytes, over the %s limit of %d bytes.]",
		"footer":    "Sent by vigil.",
		"group":     "%d events: %s",
		"more":      "…and %d more",
		"timeline":  "Timeline of %s",
	},
	lang.JA: {
		"mentions":  "担当者",
		"truncated": "［メッセージを短縮しました: 元の本文は %d バイトで、%s の上限 %d バイトを超えていました。］",
		"footer":    "このメッセージは vigil が送信しました。",
		"group":     "%d 件のイベント: %s",
		"more":      "ほか %d 件",
		"timeline":  "%s のタイムライン",
	},
}

// Label returns the channel text key in l (English when l has none).
func Label(l lang.Lang, key string) string {
	if m, ok := catalog[l]; ok {
		if s, ok := m[key]; ok {
			return s
		}
	}
	return catalog[lang.EN][key]
}

// TruncatedNote says that a message was shortened to fit service's limit.
func TruncatedNote(l lang.Lang, service string, size, limit int) string {
	return fmt.Sprintf(Label(l, "truncated"), size, service, limit)
}
