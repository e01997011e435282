package kb

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
)

// dirSource is a directory of documents, read recursively. Hidden
// directories (.git) are skipped.
type dirSource struct{ dir string }

func (s *dirSource) String() string { return s.dir }

func (s *dirSource) list(ctx context.Context) ([]entry, error) {
	var out []entry
	err := filepath.WalkDir(s.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			if p != s.dir && len(d.Name()) > 1 && d.Name()[0] == '.' {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !isMarkdown(d.Name()) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		// Size and modification time: a changed file is re-read without
		// reading every file on every check.
		v := strconv.FormatInt(info.Size(), 10) + "-" + strconv.FormatInt(info.ModTime().UnixNano(), 10)
		out = append(out, entry{Path: filepath.ToSlash(filepath.Clean(p)), Version: v})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("knowledge source %s: %w", s.dir, err)
	}
	return out, nil
}

func (s *dirSource) read(_ context.Context, p string) ([]byte, error) {
	return os.ReadFile(filepath.FromSlash(p))
}
