package knowledge

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/vigilhq/vigil/internal/lang"
)

// stepCoverage counts the catalog's controls by severity, and those with
// steps in English and in Japanese.
type stepCoverage struct {
	total, en, ja map[string]int
}

func measureStepCoverage() stepCoverage {
	c := stepCoverage{total: map[string]int{}, en: map[string]int{}, ja: map[string]int{}}
	for _, ctl := range Controls() {
		c.total[ctl.Severity]++
		if _, ok := ControlSteps(ctl.ID, lang.EN); ok {
			c.en[ctl.Severity]++
		}
		if _, ok := ControlSteps(ctl.ID, lang.JA); ok {
			c.ja[ctl.Severity]++
		}
	}
	return c
}

// Every CRITICAL and HIGH control has steps in both languages, so that
// coverage cannot silently regress when the catalog grows.
func TestEveryCriticalAndHighControlHasSteps(t *testing.T) {
	n := 0
	for _, ctl := range Controls() {
		if ctl.Severity != "CRITICAL" && ctl.Severity != "HIGH" {
			continue
		}
		n++
		for _, l := range lang.All() {
			s, ok := ControlSteps(ctl.ID, l)
			if !ok || len(s) == 0 {
				t.Errorf("%s (%s, %q): no steps in %s", ctl.ID, ctl.Severity, ctl.Title, l)
			}
		}
	}
	if n < 90 {
		t.Fatalf("only %d CRITICAL and HIGH controls in the catalog: is it loaded?", n)
	}
	c := measureStepCoverage()
	for _, sev := range []string{"CRITICAL", "HIGH", "MEDIUM", "LOW"} {
		t.Logf("%-8s %3d controls, %3d with steps in en, %3d in ja", sev, c.total[sev], c.en[sev], c.ja[sev])
	}
}

// The figures the documentation gives for control steps are the measured
// ones.
func TestDocumentedStepCoverage(t *testing.T) {
	c := measureStepCoverage()
	all := 0
	for _, v := range c.en {
		all += v
	}
	ch := c.total["CRITICAL"] + c.total["HIGH"]
	want := map[string]string{
		"README.md": fmt.Sprintf("%d controls (all %d CRITICAL and all %d HIGH; %d of the %d MEDIUM; %d of the %d LOW)",
			all, c.total["CRITICAL"], c.total["HIGH"], c.en["MEDIUM"], c.total["MEDIUM"], c.en["LOW"], c.total["LOW"]),
		"../../docs/explain.md": fmt.Sprintf("all %d CRITICAL and HIGH controls have steps of their own; %d of the %d MEDIUM controls and %d of the %d LOW ones do",
			ch, c.en["MEDIUM"], c.total["MEDIUM"], c.en["LOW"], c.total["LOW"]),
	}
	for path, s := range want {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(strings.Fields(string(b)), " "), s) {
			t.Errorf("%s does not say %q", path, s)
		}
	}
}
