package kb

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/vigilhq/vigil/internal/awsx"
)

// maxDocument bounds one document read from S3: policy documents are
// prose, and a mistaken prefix should not pull gigabytes.
const maxDocument = 4 << 20

// s3Source is the documents under an S3 prefix. The ETag is the version.
type s3Source struct {
	spec, bucket, prefix string
	aws                  *awsx.Provider

	once   sync.Once
	client *s3.Client
	err    error
}

func (s *s3Source) String() string { return s.spec }

func (s *s3Source) s3(ctx context.Context) (*s3.Client, error) {
	s.once.Do(func() {
		cfg, err := s.aws.Config(ctx)
		if err != nil {
			s.err = fmt.Errorf("knowledge source %s: %w", s.spec, err)
			return
		}
		s.client = s3.NewFromConfig(cfg, func(o *s3.Options) {
			// An endpoint override (the sandbox, MinIO) is addressed by
			// path: BUCKET.127.0.0.1 does not resolve.
			if s.aws.Endpoint() != "" || cfg.BaseEndpoint != nil {
				o.UsePathStyle = true
			}
		})
	})
	return s.client, s.err
}

func (s *s3Source) list(ctx context.Context) ([]entry, error) {
	c, err := s.s3(ctx)
	if err != nil {
		return nil, err
	}
	var out []entry
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(s.bucket), Prefix: aws.String(s.prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("knowledge source %s: ListObjectsV2: %w", s.spec, err)
		}
		for _, o := range page.Contents {
			key := aws.ToString(o.Key)
			if !isMarkdown(key) {
				continue
			}
			out = append(out, entry{Path: "s3://" + s.bucket + "/" + key, Version: strings.Trim(aws.ToString(o.ETag), `"`)})
		}
	}
	return out, nil
}

func (s *s3Source) read(ctx context.Context, p string) ([]byte, error) {
	c, err := s.s3(ctx)
	if err != nil {
		return nil, err
	}
	key := strings.TrimPrefix(p, "s3://"+s.bucket+"/")
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)})
	if err != nil {
		return nil, fmt.Errorf("knowledge source %s: GetObject %s: %w", s.spec, key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(io.LimitReader(out.Body, maxDocument+1))
	if err != nil {
		return nil, fmt.Errorf("knowledge source %s: reading %s: %w", s.spec, key, err)
	}
	if len(b) > maxDocument {
		return nil, fmt.Errorf("knowledge source %s: %s is larger than %d bytes", s.spec, key, maxDocument)
	}
	return b, nil
}
