package investigate

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// logFile is one CloudTrail log file of a source.
type logFile struct {
	// name identifies the file across runs: its absolute path, or
	// s3://BUCKET/KEY.
	name string
	size int64
	// etag changes when the file's content does (S3's ETag; a local
	// file's modification time).
	etag string
}

// source lists and opens log files.
type source interface {
	// list returns the log files under the source, sorted by name.
	list(ctx context.Context) ([]logFile, error)
	open(ctx context.Context, f logFile) (io.ReadCloser, error)
	// prefix is what every file name starts with, to look up which of
	// them were loaded.
	prefix() string
}

// isLogFileName reports whether a file or key looks like a CloudTrail
// log file: JSON, maybe gzipped, and not a digest file (which holds
// hashes, not records).
func isLogFileName(name string) bool {
	if strings.Contains(name, "CloudTrail-Digest") || strings.Contains(name, "-Digest/") {
		return false
	}
	base := filepath.Base(name)
	if strings.HasPrefix(base, ".") {
		return false
	}
	return strings.HasSuffix(base, ".json") || strings.HasSuffix(base, ".json.gz") || strings.HasSuffix(base, ".gz")
}

// dirSource is a directory (searched recursively) or a single file.
type dirSource struct{ root string }

func newDirSource(path string) (*dirSource, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	return &dirSource{root: abs}, nil
}

func (d *dirSource) prefix() string { return d.root }

func (d *dirSource) list(ctx context.Context) ([]logFile, error) {
	var out []logFile
	err := filepath.WalkDir(d.root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if e.IsDir() {
			return nil
		}
		// A single file named on the command line is read whatever its
		// name; inside a directory only log files are.
		if path != d.root && !isLogFileName(path) {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		out = append(out, logFile{name: path, size: info.Size(), etag: strconv.FormatInt(info.ModTime().UnixNano(), 10)})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load: listing %s: %w", d.root, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

func (d *dirSource) open(_ context.Context, f logFile) (io.ReadCloser, error) {
	return os.Open(f.name)
}
