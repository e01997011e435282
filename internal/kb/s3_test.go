package kb_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/kb"
	"github.com/vigilhq/vigil/internal/sandbox"
	"github.com/vigilhq/vigil/internal/sandbox/sandboxtest"
)

// TestS3Source indexes policy documents kept under an S3 prefix of the
// sandbox and follows their changes.
func TestS3Source(t *testing.T) {
	sb := sandboxtest.Start(t, sandbox.Options{Scenario: sandbox.Demo()})
	ctx := context.Background()
	provider := awsx.NewProvider(awsx.ProviderOptions{})
	cfg, err := provider.Config(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	put := func(key, body string) {
		t.Helper()
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("my-bucket"), Key: aws.String(key), Body: strings.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
	}
	pw, err := os.ReadFile(filepath.Join("testdata", "policies", "iam", "password-policy.md"))
	if err != nil {
		t.Fatal(err)
	}
	put("policies/iam/password-policy.md", string(pw))
	put("policies/travel.md", "# 出張規程\n\nパスポートを確認すること。\n")
	put("policies/image.png", "not markdown")
	put("other/ignored.md", "# パスワード\n\nこれは別のプレフィックスにある。\n")

	b := open(t, kb.Options{Sources: []string{"s3://my-bucket/policies/"}, AWS: provider, Refresh: time.Nanosecond})
	hits, err := b.Search(ctx, "パスワード", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || hits[0].Path != "s3://my-bucket/policies/iam/password-policy.md" {
		t.Fatalf("hits %+v", hits)
	}
	for _, h := range hits {
		if !strings.HasPrefix(h.Path, "s3://my-bucket/policies/") {
			t.Errorf("hit outside the prefix: %+v", h)
		}
	}
	pp, err := b.PlaybookParams(ctx, "iam-password-policy")
	if err != nil || pp == nil || !strings.Contains(string(pp.Params), `"minimum_password_length":16`) || pp.Citations[0].Path != "s3://my-bucket/policies/iam/password-policy.md" {
		t.Fatalf("params from S3: %+v %v", pp, err)
	}

	// A changed object is read again, a deleted one is dropped; an
	// unchanged one is not read again.
	gets := func() int {
		n := 0
		for _, call := range sb.Calls() {
			if call.Operation == "GetObject" {
				n++
			}
		}
		return n
	}
	before := gets()
	put("policies/travel.md", "# 出張規程\n\nVPN は多要素認証を必須とする。\n")
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("my-bucket"), Key: aws.String("policies/iam/password-policy.md")}); err != nil {
		t.Fatal(err)
	}
	st, err := b.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Changed != 1 || st.Removed != 1 || st.Added != 0 || st.Documents != 1 || gets()-before != 1 {
		t.Errorf("sync after a change and a delete: %+v, %d GetObject", st, gets()-before)
	}
	if hits, _ := b.Search(ctx, "パスワード", 5); len(hits) != 0 {
		t.Errorf("the deleted document is still found: %+v", hits)
	}
	if hits, _ := b.Search(ctx, "多要素認証", 5); len(hits) != 1 {
		t.Errorf("the changed document is not found: %+v", hits)
	}
	var ops []string
	for _, call := range sb.Calls() {
		if !slices.Contains(ops, call.Operation) {
			ops = append(ops, call.Operation)
		}
	}
	slices.Sort(ops)
	if !slices.Equal(ops, []string{"DeleteObject", "GetObject", "ListObjectsV2", "PutObject"}) {
		t.Errorf("S3 operations %v: the knowledge base only lists and reads", ops)
	}
}
