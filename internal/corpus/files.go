package corpus

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
)

// ReadRuleSets reads rule sets from a file in either of the forms
// quamina-bench reads: an object {"rule_sets": {NAME: {"rules": [...]}}}
// (the citylots2 file) or JSON Lines with one pattern a line, which becomes
// one set named after the file. The citylots2 sets come in their usual
// order, others by name.
func ReadRuleSets(path string) ([]RuleSet, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f struct {
		RuleSets map[string]struct {
			Rules []json.RawMessage `json:"rules"`
		} `json:"rule_sets"`
	}
	if json.Unmarshal(b, &f) == nil && f.RuleSets != nil {
		return ruleSets(f.RuleSets), nil
	}
	rs := RuleSet{Name: path}
	for i, line := range bytes.Split(b, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if !json.Valid(line) {
			return nil, fmt.Errorf("%s line %d: neither a {\"rule_sets\": ...} file nor one JSON pattern a line", path, i+1)
		}
		rs.Rules = append(rs.Rules, line)
	}
	if len(rs.Rules) == 0 {
		return nil, fmt.Errorf("%s: no rules", path)
	}
	return []RuleSet{rs}, nil
}

func ruleSets(m map[string]struct {
	Rules []json.RawMessage `json:"rules"`
}) []RuleSet {
	var names []string
	for n := range m {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := indexOf(cityLotsOrder, names[i]), indexOf(cityLotsOrder, names[j])
		if a != b {
			return a < b
		}
		return names[i] < names[j]
	})
	var out []RuleSet
	for _, n := range names {
		rs := RuleSet{Name: n}
		for _, r := range m[n].Rules {
			rs.Rules = append(rs.Rules, []byte(r))
		}
		out = append(out, rs)
	}
	return out
}

// ReadEvents reads JSON Lines, one event a line; blank lines are skipped.
func ReadEvents(path string) ([][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) > 0 {
			out = append(out, bytes.Clone(line))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no events", path)
	}
	return out, nil
}
