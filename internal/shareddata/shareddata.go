// Package shareddata locates the shared test data that lives beside the
// repository (../shared/data), for tests of any package.
package shareddata

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the absolute path of ../shared/data/<rel> as seen from the
// repository root. When the data is absent the test is skipped, except under
// CI (CI=true), where missing data is a failure.
func Dir(t testing.TB, rel string) string {
	t.Helper()
	root, err := repoRoot()
	if err == nil {
		p := filepath.Join(root, "..", "shared", "data", rel)
		if _, err = os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("shared test data %s not found: %v", rel, err)
	}
	t.Skipf("shared test data %s not found: %v", rel, err)
	return ""
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
