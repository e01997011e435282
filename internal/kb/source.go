package kb

import (
	"context"
	"fmt"
	"strings"

	"github.com/vigilhq/vigil/internal/awsx"
)

// entry is one document a source holds: its path (as cited) and a version
// that changes whenever its content does.
type entry struct {
	Path    string
	Version string
}

// source is a place documents are kept: a directory or an S3 prefix.
type source interface {
	// String names the source as configured.
	String() string
	// list returns every Markdown document of the source.
	list(ctx context.Context) ([]entry, error)
	// read returns the content of a document list returned.
	read(ctx context.Context, path string) ([]byte, error)
}

// newSource returns the source spec names: s3://bucket/prefix or a
// directory.
func newSource(spec string, aws *awsx.Provider) (source, error) {
	spec = strings.TrimSpace(spec)
	if rest, ok := strings.CutPrefix(spec, "s3://"); ok {
		bucket, prefix, _ := strings.Cut(rest, "/")
		if bucket == "" {
			return nil, fmt.Errorf("knowledge source %q names no bucket: write s3://BUCKET/PREFIX/", spec)
		}
		if aws == nil {
			return nil, fmt.Errorf("knowledge source %q: no AWS configuration was given", spec)
		}
		return &s3Source{spec: spec, bucket: bucket, prefix: prefix, aws: aws}, nil
	}
	if spec == "" || strings.Contains(spec, "://") {
		return nil, fmt.Errorf("knowledge source %q: give a directory or s3://BUCKET/PREFIX/", spec)
	}
	return &dirSource{dir: spec}, nil
}

// isMarkdown reports whether name is a Markdown document by its extension.
func isMarkdown(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".md") || strings.HasSuffix(n, ".markdown")
}
