package investigate

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/vigilhq/vigil/internal/awsx"
)

// s3Source is the log files under s3://BUCKET/PREFIX, in CloudTrail's
// layout AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/*.json.gz (any
// prefix works: everything under it that looks like a log file is read).
type s3Source struct {
	bucket, keyPrefix string
	client            func(context.Context) (*s3.Client, error)
}

// parseS3URL splits s3://BUCKET/PREFIX.
func parseS3URL(u string) (bucket, prefix string, err error) {
	rest, ok := strings.CutPrefix(u, "s3://")
	if !ok {
		return "", "", fmt.Errorf("load: %q is not an s3:// URL", u)
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	if bucket == "" {
		return "", "", fmt.Errorf("load: %q names no bucket: want s3://BUCKET/PREFIX", u)
	}
	return bucket, prefix, nil
}

func newS3Source(u string, p *awsx.Provider) (*s3Source, error) {
	bucket, prefix, err := parseS3URL(u)
	if err != nil {
		return nil, err
	}
	if p == nil {
		p = awsx.NewProvider(awsx.ProviderOptions{})
	}
	return &s3Source{bucket: bucket, keyPrefix: prefix, client: awsx.Lazy(p, "", func(c aws.Config) *s3.Client {
		return s3.NewFromConfig(c, func(o *s3.Options) {
			// CloudTrail log objects carry no checksum; the SDK would log
			// that it could not validate one for every file.
			o.DisableLogOutputChecksumValidationSkipped = true
		})
	})}, nil
}

func (s *s3Source) prefix() string { return "s3://" + s.bucket + "/" + s.keyPrefix }

func (s *s3Source) list(ctx context.Context) ([]logFile, error) {
	c, err := s.client(ctx)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	var out []logFile
	pages := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(s.bucket), Prefix: aws.String(s.keyPrefix)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("load: listing s3://%s/%s: %w", s.bucket, s.keyPrefix, err)
		}
		for _, o := range page.Contents {
			key := aws.ToString(o.Key)
			if !isLogFileName(key) {
				continue
			}
			out = append(out, logFile{name: "s3://" + s.bucket + "/" + key, size: aws.ToInt64(o.Size), etag: strings.Trim(aws.ToString(o.ETag), `"`)})
		}
	}
	// ListObjectsV2 returns keys in UTF-8 binary order, which is the
	// order the loader wants.
	return out, nil
}

func (s *s3Source) open(ctx context.Context, f logFile) (io.ReadCloser, error) {
	c, err := s.client(ctx)
	if err != nil {
		return nil, err
	}
	key := strings.TrimPrefix(f.name, "s3://"+s.bucket+"/")
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)})
	if err != nil {
		return nil, fmt.Errorf("s3://%s/%s: %w", s.bucket, key, err)
	}
	return out.Body, nil
}
