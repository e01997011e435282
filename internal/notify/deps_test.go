package notify_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// goListDeps returns the packages the package in dir depends on, with
// go list -deps.
func goListDeps(t *testing.T, dir string) []string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the go command is needed: %v", err)
		}
		t.Skipf("the go command is not on PATH: %v", err)
	}
	cmd := exec.Command(goBin, "list", "-deps", dir)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", dir, err)
	}
	return strings.Fields(string(out))
}

// notify is an interface package that every channel and target imports:
// it must not drag a model SDK, the MCP SDK or any other third-party
// package in (issue 9: it compiled 387 packages, Bedrock and MCP among
// them, through the explanation it carries).
func TestDependenciesAreLight(t *testing.T) {
	t.Parallel()
	deps := goListDeps(t, ".")
	if len(deps) == 0 {
		t.Fatal("go list printed nothing")
	}
	for _, d := range deps {
		for _, bad := range []string{"aws-sdk-go-v2/service/bedrock", "modelcontextprotocol", "openai"} {
			if strings.Contains(d, bad) {
				t.Errorf("internal/notify depends on %s", d)
			}
		}
		first, _, _ := strings.Cut(d, "/")
		if strings.Contains(first, ".") && !strings.HasPrefix(d, "github.com/vigilhq/vigil/") {
			t.Errorf("internal/notify depends on the third-party package %s", d)
		}
	}
}
