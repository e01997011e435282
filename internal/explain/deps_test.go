package explain

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The explanation types, facts and built-in engine are light: of vigil's
// packages they import only event, knowledge and lang, and no third-party
// package at all, so that everything that carries an Explanation stays
// free of model and MCP SDKs (those live below explain/llm).
func TestDependenciesAreLight(t *testing.T) {
	t.Parallel()
	goBin, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the go command is needed: %v", err)
		}
		t.Skipf("the go command is not on PATH: %v", err)
	}
	out, err := exec.Command(goBin, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	allowed := []string{"event", "internal/knowledge", "internal/lang", "internal/explain"}
	var ours []string
	for _, d := range strings.Fields(string(out)) {
		if rest, ok := strings.CutPrefix(d, "github.com/vigilhq/vigil/"); ok {
			ours = append(ours, rest)
			if !slices.Contains(allowed, rest) {
				t.Errorf("internal/explain depends on vigil's %s", d)
			}
			continue
		}
		if first, _, _ := strings.Cut(d, "/"); strings.Contains(first, ".") {
			t.Errorf("internal/explain depends on the third-party package %s", d)
		}
	}
	if len(ours) != len(allowed) {
		t.Errorf("vigil packages in the dependencies: %v, want %v", ours, allowed)
	}
}
