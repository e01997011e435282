package kb_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/kb"
	"github.com/vigilhq/vigil/internal/lang"
)

func explainEvent(t *testing.T, name string) *event.Event {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "explain", "testdata", "events", name))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := event.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestExplanationsQuoteThePolicyOfTheirControl(t *testing.T) {
	b := open(t, kb.Options{Sources: []string{"testdata/policies"}})
	e := kb.CitingEngine(explain.Builtin{}, b, nil)
	if kb.Uncited(e) != (explain.Builtin{}) || kb.CitingEngine(explain.Builtin{}, nil, nil) != (explain.Builtin{}) {
		t.Error("Uncited does not return the wrapped engine, or a nil base wraps")
	}
	ctx := context.Background()
	if explain.NewCacheKey(explainEvent(t, "securityhub.s3_8_bucket.json"), e, explain.Options{}) !=
		explain.NewCacheKey(explainEvent(t, "securityhub.s3_8_bucket.json"), explain.Builtin{}, explain.Options{}) {
		t.Error("the wrapper changes the cache key")
	}

	// S3.8: the S3 document lists it in its front matter.
	x, err := e.Explain(ctx, explainEvent(t, "securityhub.s3_8_bucket.json"), explain.Options{Lang: lang.JA})
	if err != nil {
		t.Fatal(err)
	}
	s := x.Section(kb.SectionPolicies)
	if s == nil || s.Title != "社内規程" || len(s.Quotes) == 0 {
		t.Fatalf("no policies section: %+v", x.Sections)
	}
	if s.Quotes[0].Label != "testdata/policies/s3-public-access.md › ブロックパブリックアクセス" || !strings.Contains(s.Quotes[0].Text, "ブロックパブリックアクセス") {
		t.Errorf("quote %+v", s.Quotes[0])
	}
	for _, q := range s.Quotes {
		if strings.Contains(q.Label, "password") || strings.Contains(q.Label, "travel") {
			t.Errorf("a document about another control is quoted: %+v", q)
		}
	}
	if txt := string(explain.RenderText(x)); !strings.Contains(txt, "■ 社内規程") || !strings.Contains(txt, "s3-public-access.md › ブロックパブリックアクセス") {
		t.Errorf("text rendering:\n%s", txt)
	}
	// The engine's own explanation is unchanged but for the section.
	plain, err := explain.Builtin{}.Explain(ctx, explainEvent(t, "securityhub.s3_8_bucket.json"), explain.Options{Lang: lang.JA})
	if err != nil {
		t.Fatal(err)
	}
	if len(x.Sections) != len(plain.Sections)+1 {
		t.Errorf("%d sections, the engine gave %d", len(x.Sections), len(plain.Sections))
	}

	// EC2.19: no document is about it; a CloudTrail call has no control.
	for _, name := range []string{"securityhub.ec2_19_sg.json", "cloudtrail.iam_createaccesskey_other.json"} {
		x, err := e.Explain(ctx, explainEvent(t, name), explain.Options{Lang: lang.EN})
		if err != nil {
			t.Fatal(err)
		}
		if s := x.Section(kb.SectionPolicies); s != nil {
			t.Errorf("%s: policies section %+v", name, s)
		}
	}
}
