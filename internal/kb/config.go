package kb

import (
	"os"
	"path/filepath"

	"github.com/vigilhq/vigil/internal/config"
)

// IndexDir returns where the index of k is kept: knowledge.index_dir;
// else beside a SQLite database (vigil.db gives vigil.db.kb); else (with
// PostgreSQL) the user's cache directory, vigil/kb; else in memory ("").
func IndexDir(k config.Knowledge, database string) string {
	if k.IndexDir != "" {
		return k.IndexDir
	}
	if d := config.DefaultIndexDir(database); d != "" {
		return d
	}
	if c, err := os.UserCacheDir(); err == nil {
		return filepath.Join(c, "vigil", "kb")
	}
	return ""
}
