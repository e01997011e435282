// Package sandboxtest gives tests a clean AWS environment and a sandbox to
// point it at, so no test depends on, or touches, the machine's AWS
// settings.
package sandboxtest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilhq/vigil/internal/sandbox"
)

// Isolate hides every AWS_* variable of the machine from the test and gives
// the SDK static test keys, a region (ap-northeast-1) and empty profile
// files. The environment is restored when the test ends.
func Isolate(t testing.TB) {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAVIGILTEST0000001")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_REGION", "ap-northeast-1")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// Start isolates the test (see Isolate), starts a sandbox with opts and
// points the SDK at it with AWS_ENDPOINT_URL. The sandbox closes when the
// test ends.
func Start(t testing.TB, opts sandbox.Options) *sandbox.Sandbox {
	t.Helper()
	Isolate(t)
	sb, err := sandbox.Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	t.Setenv("AWS_ENDPOINT_URL", sb.URL())
	return sb
}
