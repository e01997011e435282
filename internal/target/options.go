package target

import (
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/lang"
)

// CheckLang checks a lang field: en, ja or empty.
func CheckLang(s string) error {
	if s == "" {
		return nil
	}
	_, err := lang.Parse(s)
	return err
}

// ExplainOptions returns the explanation options of a target: its lang,
// else fallback (a notifier's), else explain.lang; its docs policy, else
// explain.docs.
func ExplainOptions(cfg *config.Config, targetLang, targetDocs string, fallback lang.Lang) explain.Options {
	l := cfg.Explain.Lang
	if fallback != "" {
		l = string(fallback)
	}
	if targetLang != "" {
		l = targetLang
	}
	docs := cfg.Explain.Docs
	if targetDocs != "" {
		docs = targetDocs
	}
	o := explain.Options{Lang: lang.EN}
	if parsed, err := lang.Parse(l); err == nil && l != "" {
		o.Lang = parsed
	}
	if d, err := explain.ParseDocsPolicy(docs); err == nil {
		o.Docs = d
	}
	return o
}
