package console

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// TestCatalogsAgree: both languages have the same keys, each text has the
// same format verbs in the same order, and every key a template names
// literally is in the catalogs.
func TestCatalogsAgree(t *testing.T) {
	verbs := regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z]`)
	for k, en := range messagesEN {
		ja, ok := messagesJA[k]
		if !ok {
			t.Errorf("messages_ja.go lacks %q", k)
			continue
		}
		if a, b := strings.Join(verbs.FindAllString(en, -1), " "), strings.Join(verbs.FindAllString(ja, -1), " "); a != b {
			t.Errorf("%q: English has verbs %q, Japanese %q", k, a, b)
		}
	}
	for k := range messagesJA {
		if _, ok := messagesEN[k]; !ok {
			t.Errorf("messages_en.go lacks %q", k)
		}
	}
	used := regexp.MustCompile(`\{\{T "([^"]+)"`)
	names, _ := fs.Glob(templateFS, "templates/*.html")
	for _, n := range names {
		b, _ := templateFS.ReadFile(n)
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			if _, ok := messagesEN[m[1]]; !ok {
				t.Errorf("%s uses unknown key %q", n, m[1])
			}
		}
	}
	for _, s := range remediationStatuses() {
		if _, ok := messagesEN["status."+s]; !ok {
			t.Errorf("no label for status %q", s)
		}
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/ui/approvals/ap-1":   "/ui/approvals/ap-1",
		"https://evil.example": "/ui/",
		"//evil.example/ui/":   "/ui/",
		"/ui/\\evil":           "/ui/",
		"":                     "/ui/",
		"/metrics":             "/ui/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
