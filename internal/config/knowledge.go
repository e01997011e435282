package config

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Knowledge lists the organisation's own policy documents: Markdown files
// with optional YAML front matter, searched by vigil ask and cited by
// explanations and remediation plans (internal/kb).
type Knowledge struct {
	// Sources are directories (read recursively) or S3 prefixes
	// (s3://bucket/prefix/) holding *.md and *.markdown documents.
	// Relative directories are relative to the working directory, as the
	// database path is.
	Sources []string `yaml:"sources"`
	// IndexDir keeps the full-text index on disk. By default it sits
	// beside a SQLite database (vigil.db gives vigil.db.kb); with
	// PostgreSQL, in the user's cache directory (vigil/kb).
	IndexDir string `yaml:"index_dir"`
	// Refresh is how often the sources are checked for changed, added and
	// removed documents before a search; 1m by default.
	Refresh Duration `yaml:"refresh"`
}

// Enabled reports whether any source is configured.
func (k *Knowledge) Enabled() bool { return len(k.Sources) > 0 }

// DefaultIndexDir returns where the knowledge index is kept when
// knowledge.index_dir is empty: beside a SQLite database (PATH.kb), or
// "" for PostgreSQL (the caller picks the user's cache directory).
func DefaultIndexDir(database string) string {
	path, ok := strings.CutPrefix(database, "sqlite://")
	if !ok {
		path, ok = strings.CutPrefix(database, "sqlite:")
	}
	if !ok || path == "" || strings.HasPrefix(path, ":memory:") {
		return ""
	}
	path, _, _ = strings.Cut(path, "?")
	return filepath.Clean(path) + ".kb"
}

func (c *Config) validateKnowledge(bad func(path, format string, args ...any)) {
	k := &c.Knowledge
	seen := map[string]int{}
	for i, s := range k.Sources {
		p := fmt.Sprintf("knowledge.sources[%d]", i)
		s = strings.TrimSpace(s)
		switch {
		case s == "":
			bad(p, "empty: give a directory such as ./policies or an S3 prefix such as s3://bucket/policies/")
			continue
		case strings.HasPrefix(s, "s3://"):
			bucket, _, _ := strings.Cut(strings.TrimPrefix(s, "s3://"), "/")
			if bucket == "" {
				bad(p, "%q names no bucket: write s3://BUCKET/PREFIX/", s)
			}
		case strings.Contains(s, "://"):
			bad(p, "%q: only directories and s3:// prefixes are supported", s)
		}
		if j, dup := seen[s]; dup {
			bad(p, "%q is already knowledge.sources[%d]", s, j)
		} else {
			seen[s] = i
		}
	}
	if k.Refresh < 0 {
		bad("knowledge.refresh", "must not be negative")
	}
}
