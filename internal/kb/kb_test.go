package kb_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/kb"
)

// copyDir copies testdata/policies to a temporary directory, so that
// tests can change documents.
func copyPolicies(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "policies")
	err := filepath.WalkDir("testdata/policies", func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("testdata/policies", p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func open(t *testing.T, opts kb.Options) *kb.Base {
	t.Helper()
	b, err := kb.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func TestJapaneseSearchFindsPassword(t *testing.T) {
	t.Parallel()
	dir := copyPolicies(t)
	b := open(t, kb.Options{Sources: []string{dir}, IndexDir: filepath.Join(t.TempDir(), "kb")})
	hits, err := b.Search(context.Background(), "パスワード", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 {
		t.Fatal("no hit for パスワード")
	}
	for _, h := range hits {
		if !strings.HasSuffix(h.Path, "iam/password-policy.md") {
			t.Errorf("hit outside the password policy: %+v", h)
		}
		if strings.Contains(h.Path, "travel") {
			t.Errorf("パスポート matched パスワード: %+v", h)
		}
	}
	top := hits[0]
	if !strings.Contains(top.Snippet, "パスワード") {
		t.Errorf("snippet %q does not show the word", top.Snippet)
	}
	if top.Title != "IAM パスワードポリシー規程" {
		t.Errorf("title %q", top.Title)
	}

	hits, err = b.Search(context.Background(), "パスワードの再利用", 3)
	if err != nil || len(hits) == 0 {
		t.Fatalf("パスワードの再利用: %v %v", hits, err)
	}
	if hits[0].Heading != "再利用の禁止" || !strings.Contains(hits[0].Snippet, "12 世代") {
		t.Errorf("パスワードの再利用: top hit %+v, want the section 再利用の禁止", hits[0])
	}
	if got := hits[0].Citation.String(); !strings.HasSuffix(got, "iam/password-policy.md › 再利用の禁止") {
		t.Errorf("citation %q", got)
	}
}

func TestEnglishSearchAndControls(t *testing.T) {
	t.Parallel()
	b := open(t, kb.Options{Sources: []string{copyPolicies(t)}})
	hits, err := b.Search(context.Background(), "rotate access keys", 3)
	if err != nil || len(hits) == 0 {
		t.Fatalf("rotate access keys: %v %v", hits, err)
	}
	// "rotate" finds "rotated": English words are stemmed.
	if hits[0].Heading != "Rotation" {
		t.Errorf("top hit %+v, want the Rotation section", hits[0])
	}
	hits, err = b.Search(context.Background(), "S3.8", 3)
	if err != nil || len(hits) == 0 {
		t.Fatalf("S3.8: %v %v", hits, err)
	}
	if !strings.HasSuffix(hits[0].Path, "s3-public-access.md") {
		t.Errorf("S3.8 found %+v, want the document whose front matter lists it", hits[0])
	}
	if b.Where() != "memory" {
		t.Errorf("Where() = %q", b.Where())
	}
}

func TestReindexOnChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := copyPolicies(t)
	indexDir := filepath.Join(t.TempDir(), "vigil.db.kb")
	b := open(t, kb.Options{Sources: []string{dir}, IndexDir: indexDir, Refresh: time.Nanosecond})
	st, err := b.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Documents != 4 || st.Added != 4 {
		t.Fatalf("first sync: %+v", st)
	}
	st, err = b.Sync(ctx)
	if err != nil || st.Added+st.Changed+st.Removed != 0 {
		t.Fatalf("second sync changed something: %+v %v", st, err)
	}

	// Change, add and remove documents: the next search sees it.
	travel := filepath.Join(dir, "travel.md")
	if err := os.WriteFile(travel, []byte("# 出張規程\n\nVPN 接続は多要素認証を必須とする。\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Minute)
	os.Chtimes(travel, later, later) // a coarse file system clock must still see a change
	if err := os.WriteFile(filepath.Join(dir, "iam", "mfa.md"), []byte("# MFA\n\nルートユーザーには MFA を必須とする。\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "access-keys.md")); err != nil {
		t.Fatal(err)
	}
	if hits, _ := b.Search(ctx, "パスポート", 3); len(hits) != 0 {
		t.Errorf("the old text of travel.md is still found: %+v", hits)
	}
	if hits, _ := b.Search(ctx, "多要素認証", 3); len(hits) != 1 || !strings.HasSuffix(hits[0].Path, "travel.md") {
		t.Errorf("the new text of travel.md is not found: %+v", hits)
	}
	if hits, _ := b.Search(ctx, "ルートユーザー", 3); len(hits) != 1 || !strings.HasSuffix(hits[0].Path, "iam/mfa.md") {
		t.Errorf("the added document is not found: %+v", hits)
	}
	if hits, _ := b.Search(ctx, "rotated", 3); len(hits) != 0 {
		t.Errorf("the removed document is still found: %+v", hits)
	}
	b.Close()

	// The index is on disk: a new process finds it and re-reads nothing.
	b2 := open(t, kb.Options{Sources: []string{dir}, IndexDir: indexDir})
	st, err = b2.Sync(ctx)
	if err != nil || st.Added+st.Changed+st.Removed != 0 || st.Documents != 4 {
		t.Fatalf("reopened index: %+v %v", st, err)
	}
	if b2.Where() != indexDir {
		t.Errorf("Where() = %q, want %q", b2.Where(), indexDir)
	}
}

func TestIndexInUseFallsBackToMemory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := copyPolicies(t)
	indexDir := filepath.Join(t.TempDir(), "kb")
	a := open(t, kb.Options{Sources: []string{dir}, IndexDir: indexDir})
	if _, err := a.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	b := open(t, kb.Options{Sources: []string{dir}, IndexDir: indexDir})
	hits, err := b.Search(ctx, "パスワード", 1)
	if err != nil || len(hits) != 1 {
		t.Fatalf("search beside a holder of the index: %v %v", hits, err)
	}
	if !strings.HasPrefix(b.Where(), "memory") || !strings.Contains(b.Where(), "in use") {
		t.Errorf("Where() = %q", b.Where())
	}
}

func TestPlaybookParams(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := copyPolicies(t)
	// A second document sets one more key and overrides one: later paths win.
	extra := "---\nremediate:\n  iam-password-policy: {require_symbols: false, max_password_age: 90}\n---\n# 追加規程\n"
	if err := os.WriteFile(filepath.Join(dir, "iam", "zz-override.md"), []byte(extra), 0o644); err != nil {
		t.Fatal(err)
	}
	b := open(t, kb.Options{Sources: []string{dir}})
	pp, err := b.PlaybookParams(ctx, "iam-password-policy")
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(pp.Params, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"minimum_password_length": 16.0, "require_symbols": false, "password_reuse_prevention": 12.0, "max_password_age": 90.0}
	if len(got) != len(want) {
		t.Errorf("params %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("params[%s] = %v, want %v", k, got[k], v)
		}
	}
	if len(pp.Citations) != 2 || !strings.HasSuffix(pp.Citations[0].Path, "iam/password-policy.md") || pp.Citations[0].Heading != "IAM パスワードポリシー規程" ||
		!strings.HasSuffix(pp.Citations[1].Path, "iam/zz-override.md") {
		t.Errorf("citations %+v", pp.Citations)
	}
	if pp, err := b.PlaybookParams(ctx, "ec2-isolate"); pp != nil || err != nil {
		t.Errorf("ec2-isolate: %+v %v, want nothing", pp, err)
	}

	merged, err := kb.Merge(json.RawMessage(`{"minimum_password_length":14,"hard_expiry":true}`), pp.Params)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(merged, &m)
	if m["minimum_password_length"] != 16.0 || m["hard_expiry"] != true {
		t.Errorf("Merge: %s", merged)
	}
}

func TestBadFrontMatterIsReportedNotFatal(t *testing.T) {
	t.Parallel()
	dir := copyPolicies(t)
	bad := filepath.Join(dir, "broken.md")
	if err := os.WriteFile(bad, []byte("---\ntitle: [unclosed\n---\n# x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b := open(t, kb.Options{Sources: []string{dir}})
	st, err := b.Sync(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Documents != 4 || len(st.Failed) != 1 || !strings.Contains(st.Failed[filepath.ToSlash(bad)], "front matter") {
		t.Errorf("stats %+v", st)
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	d, err := kb.Parse("x.md", []byte("\ufeffintro\n\n# C#\n\ntext\n\n```\n# not a heading\n```\n\n## Closing ##\nbody\n#hashtag is text\n"))
	if err != nil {
		t.Fatal(err)
	}
	var heads []string
	for _, s := range d.Sections {
		heads = append(heads, s.Heading)
	}
	if strings.Join(heads, "|") != "|C#|Closing" {
		t.Errorf("headings %q", heads)
	}
	if d.Title != "C#" || !strings.Contains(d.Sections[1].Body, "# not a heading") || !strings.Contains(d.Sections[2].Body, "#hashtag") {
		t.Errorf("document %+v", d)
	}
}

func TestSourceErrors(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"s3://", "https://example.com/x", ""} {
		if _, err := kb.New(kb.Options{Sources: []string{s}}); err == nil {
			t.Errorf("source %q accepted", s)
		}
	}
	b := open(t, kb.Options{Sources: []string{filepath.Join(t.TempDir(), "missing")}})
	if _, err := b.Search(context.Background(), "x", 1); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("a missing directory: %v", err)
	}
}
