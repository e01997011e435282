package llm

import "github.com/vigilhq/vigil/internal/lang"

// notes is every sentence the LLM engines add to an explanation: markers
// for what the grounding check removed, and notes about how the
// explanation was made. Each language implements it in one file
// (messages_en.go, messages_ja.go).
type notes interface {
	writtenBy(model string, docs, full bool, approvals int) string
	destructiveRemoved(n int) string
	quotedRemoved(n int) string
	reasonLanguage() string
	markIdentifier() string
	markURL() string
	docsUnavailable(url string, rateLimited bool) string
	groundingRemoved(ids, urls, commands int) string
	refusedTools(names string) string
	modelFallback(model, reason string) string
	reasonMalformed() string
	reasonNoAnswer() string
	reasonError() string
}

func catalog(l lang.Lang) notes {
	if l == lang.JA {
		return ja{}
	}
	return en{}
}
