package investigate

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/sandbox"
	"github.com/vigilhq/vigil/internal/sandbox/sandboxtest"
)

// TestLoadFromS3 loads log files from the sandbox's S3 in CloudTrail's
// layout, incrementally; then loads the sandbox's own CloudTrail records
// of those calls (game days close the loop: what was done to the
// sandbox can be investigated).
func TestLoadFromS3(t *testing.T) {
	trail := t.TempDir()
	sb := sandboxtest.Start(t, sandbox.Options{TrailDir: trail})
	ctx := context.Background()
	prov := awsx.NewProvider(awsx.ProviderOptions{})
	cfg, err := prov.Config(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c := s3.NewFromConfig(cfg)
	bucket := "trail-logs-111122223333"
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(cfg.Region)}}); err != nil {
		t.Fatal(err)
	}
	local := t.TempDir()
	writeScenario(t, local)
	files, _ := filepath.Glob(filepath.Join(local, "*.json.gz"))
	put := func(name string) {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		key := "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/15/111122223333_CloudTrail_us-east-1_" + strings.TrimSuffix(filepath.Base(name), ".json.gz") + ".json.gz"
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(string(b))}); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files[:10] {
		put(f)
	}
	s := openService(t, "sqlite://"+filepath.Join(t.TempDir(), "v.db"), Options{AWS: prov, MinHistory: DefaultOptions().MinHistory})
	url := "s3://" + bucket + "/AWSLogs/111122223333/CloudTrail/"
	first, err := s.Load(ctx, url, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if first.Files != 10 || first.Loaded == 0 {
		t.Fatalf("first load = %+v, want 10 files", first)
	}
	for _, f := range files[10:] {
		put(f)
	}
	second, err := s.Load(ctx, url, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if second.Files != len(files)-10 || second.FilesSkipped != 10 || second.Skipped != first.Loaded {
		t.Errorf("second load = %+v, want only the %d new files read", second, len(files)-10)
	}
	// Everything, as a load of the same files from disk would.
	d := openService(t, "sqlite://"+filepath.Join(t.TempDir(), "d.db"), DefaultOptions())
	fromDisk, err := d.Load(ctx, local, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if first.Loaded+second.Loaded != fromDisk.Loaded {
		t.Errorf("loaded %d records from S3, %d from disk", first.Loaded+second.Loaded, fromDisk.Loaded)
	}
	ci, _ := ParseEntity("arn:aws:iam::111122223333:user/ci-deployer")
	tl, err := s.Timeline(ctx, ci, TimelineQuery{Since: synthStart.AddDate(0, 0, 14)})
	if err != nil || len(tl.Events) == 0 {
		t.Fatalf("timeline after loading from S3: %v (%d calls)", err, len(tl.Events))
	}

	// The sandbox recorded its own calls: our PutObjects, by the test's key.
	if err := sb.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(ctx, trail, LoadOptions{}); err != nil {
		t.Fatal(err)
	}
	key, _ := ParseEntity("AKIAVIGILTEST0000001")
	ktl, err := s.Timeline(ctx, key, TimelineQuery{})
	if err != nil {
		t.Fatal(err)
	}
	puts := 0
	for _, ev := range ktl.Events {
		if ev.EventName == "PutObject" && ev.EventSource == "s3.amazonaws.com" {
			puts++
		}
	}
	if puts != len(files) {
		t.Errorf("the sandbox's trail has %d PutObject calls by the test's key, want %d", puts, len(files))
	}
}
