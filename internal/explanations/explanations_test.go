package explanations

import (
	"context"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/lang"
	"github.com/vigilhq/vigil/internal/store"
)

// counting is an engine that explains with the built-in engine, counts its
// calls, and names a model (as an LLM engine does).
type counting struct {
	model string
	calls atomic.Int64
}

func (c *counting) Name() string  { return "counting" }
func (c *counting) Model() string { return c.model }
func (c *counting) Explain(ctx context.Context, ev *event.Event, opts explain.Options) (*explain.Explanation, error) {
	c.calls.Add(1)
	return explain.Builtin{}.Explain(ctx, ev, opts)
}

const finding = `{"version":"0","id":"6e0c1b2a-0f43-4b6e-9a41-3f1f1e0b7c11","source":"aws.guardduty","detail-type":"GuardDuty Finding",
"account":"111122223333","region":"ap-northeast-1","time":"2026-11-20T03:12:45Z","resources":[],
"detail":{"id":"abc","type":"UnauthorizedAccess:EC2/SSHBruteForce","severity":5,"title":"SSH brute force",
"resource":{"resourceType":"Instance","instanceDetails":{"instanceId":"i-0123456789abcdef0"}},"service":{"resourceRole":"TARGET"}}}`

func openStore(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), "sqlite://"+path, Migrations)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// An event asked for by many targets at once is explained once; another
// vigil on the same database serves the stored explanation without
// explaining again; another language, or another model, is explained anew.
func TestExplainedOncePerKey(t *testing.T) {
	ctx := context.Background()
	ev, err := event.Parse([]byte(finding))
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "vigil.db")
	eng := &counting{model: "model-a"}
	st := openStore(t, db)
	svc := New(eng, st, nil, nil)

	const targets = 8
	got := make([]*explain.Explanation, targets)
	var wg sync.WaitGroup
	for i := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x, err := svc.Explain(ctx, ev, explain.Options{Lang: lang.JA})
			if err != nil {
				t.Error(err)
				return
			}
			got[i] = x
		}()
	}
	wg.Wait()
	if n := eng.calls.Load(); n != 1 {
		t.Fatalf("%d targets asking for one event made %d engine calls, want 1", targets, n)
	}
	want := string(explain.RenderMarkdown(got[0]))
	for i, x := range got {
		if x == nil || string(explain.RenderMarkdown(x)) != want {
			t.Fatalf("target %d got another explanation", i)
		}
	}

	// Another process (a restart) on the same database.
	st.Close()
	st = openStore(t, db)
	defer func() { st.Close() }()
	eng2 := &counting{model: "model-a"}
	x, err := New(eng2, st, nil, nil).Explain(ctx, ev, explain.Options{Lang: lang.JA})
	if err != nil {
		t.Fatal(err)
	}
	if eng2.calls.Load() != 0 || string(explain.RenderMarkdown(x)) != want {
		t.Errorf("the stored explanation was not served: %d calls", eng2.calls.Load())
	}
	// Another language is another explanation.
	if _, err := New(eng2, st, nil, nil).Explain(ctx, ev, explain.Options{Lang: lang.EN}); err != nil {
		t.Fatal(err)
	}
	if eng2.calls.Load() != 1 {
		t.Errorf("English: %d calls, want 1", eng2.calls.Load())
	}

	// Another model: the stored explanation was made by model-a and is not
	// served for model-b; model-b's replaces it.
	eng3 := &counting{model: "model-b"}
	svc3 := New(eng3, st, nil, nil)
	for range 2 {
		if _, err := svc3.Explain(ctx, ev, explain.Options{Lang: lang.JA}); err != nil {
			t.Fatal(err)
		}
	}
	if eng3.calls.Load() != 1 {
		t.Errorf("another model: %d calls, want 1 (explained anew, then stored)", eng3.calls.Load())
	}
}
