package main

import (
	"fmt"
	"strings"
	"testing"
)

// TestBenchPatternsQuaminaComparison runs the side-by-side mode on a tiny
// file: equal match counts give ratios and status 0; a differing count or a
// set quamina did not measure gives status 1 and names the set.
func TestBenchPatternsQuaminaComparison(t *testing.T) {
	// Not parallel: the benchmark sets GOMAXPROCS to 1 while it runs.
	events := writeFile(t, "events.jsonl", `{"a":"x","b":"Q"}
{"a":"y","b":"q"}
{"a":"x","b":"z"}
`)
	rules := writeFile(t, "rules.json", `{"rule_sets": {
		"EXACT": {"rules": [{"a": ["x"]}]},
		"PREFIX": {"rules": [{"a": [{"prefix": "y"}]}]},
		"WILDCARD": {"rules": [{"a": [{"wildcard": "*"}]}]},
		"EQUALS_IGNORE_CASE": {"rules": [{"b": [{"equals-ignore-case": "q"}]}]},
		"ANYTHING_BUT": {"rules": [{"a": [{"anything-but": ["x"]}]}]}}}`)
	want := map[string]int{"EXACT": 2, "PREFIX": 1, "WILDCARD": 3, "EQUALS_IGNORE_CASE": 2, "ANYTHING_BUT": 1}
	quamina := func(counts map[string]int, skip string) string {
		var b strings.Builder
		for name, n := range counts {
			if name != skip {
				fmt.Fprintf(&b, "%-26s quamina    100000 events/s   10000 ns/event  matches %d\n", name, n)
			}
		}
		return writeFile(t, "q.txt", b.String())
	}
	args := []string{"bench", "patterns", "--events-file", events, "--rules", rules, "--reps", "1", "--quamina"}

	out, errOut, code := runCLI(t, "", append(args, quamina(want, ""))...)
	if code != exitOK || !strings.Contains(out, "geomean vigil/quamina over 5 of") || strings.Contains(out, "DIFFER") {
		t.Fatalf("same counts: exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	for name, n := range want {
		if !strings.Contains(out, fmt.Sprintf("matches %d  vigil/quamina", n)) || !strings.Contains(out, name) {
			t.Errorf("%s: no line with %d matches and a ratio in\n%s", name, n, out)
		}
	}

	wrong := map[string]int{}
	for k, v := range want {
		wrong[k] = v
	}
	wrong["PREFIX"] = 0
	out, errOut, code = runCLI(t, "", append(args, quamina(wrong, ""))...)
	if code != exitFailure || !strings.Contains(errOut, "PREFIX: vigil 1 matches, quamina 0") {
		t.Errorf("differing counts: exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}

	out, errOut, code = runCLI(t, "", append(args, quamina(want, "WILDCARD"))...)
	if code != exitFailure || !strings.Contains(errOut, "WILDCARD: not measured by both") {
		t.Errorf("missing set: exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
}
