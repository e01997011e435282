// Package knowledge holds vigil's embedded, offline knowledge: the AWS
// Security Hub control catalog (FSBP, and the CIS, NIST and PCI controls
// beyond it), the GuardDuty finding type index with prose for the common
// types, a catalog of AWS Config managed rules, AWS Health guidance and a
// catalog of high-risk CloudTrail calls, with short prose of our own in
// English and Japanese and official documentation URLs. README.md says
// where each catalog's facts come from.
//
// Nothing here is fetched at run time. A lookup that misses returns false;
// callers then fall back to the facts in the event and general guidance,
// never to a guess.
package knowledge

import (
	_ "embed"
	"encoding/json"
	"strings"
	"sync"
)

//go:generate go run gen_controls.go

//go:embed fsbp_controls.json
var controlsJSON []byte

// moreControlsJSON are the Security Hub controls of the CIS, NIST and PCI
// standards that are not in FSBP (see README.md).
//
//go:embed more_controls.json
var moreControlsJSON []byte

// Control is one AWS Security Hub control.
type Control struct {
	ID       string `json:"id"`       // e.g. "EC2.7"
	Title    string `json:"title"`    // AWS's title, English
	Severity string `json:"severity"` // CRITICAL, HIGH, MEDIUM or LOW
	// ConfigRule is the AWS Config managed rule behind the control, "" when
	// the catalog does not know it.
	ConfigRule    string   `json:"config_rule"`
	ResourceTypes []string `json:"resource_types"`
	// Category is AWS's control category, "" when unknown.
	Category       string   `json:"category"`
	Standards      []string `json:"standards"`
	RemediationURL string   `json:"remediation_url"`
}

type controlIndex struct {
	list   []Control
	byID   map[string]int // lower-case id
	byRule map[string]int
}

var controls = sync.OnceValue(func() *controlIndex {
	var raw []struct {
		Control
		ConfigRule *string `json:"config_rule"`
		Category   *string `json:"category"`
	}
	if err := json.Unmarshal(controlsJSON, &raw); err != nil {
		panic("knowledge: embedded fsbp_controls.json is corrupt: " + err.Error())
	}
	more := raw[:0:0]
	if err := json.Unmarshal(moreControlsJSON, &more); err != nil {
		panic("knowledge: embedded more_controls.json is corrupt: " + err.Error())
	}
	raw = append(raw, more...)
	ix := &controlIndex{byID: map[string]int{}, byRule: map[string]int{}}
	for _, r := range raw {
		c := r.Control
		if r.ConfigRule != nil {
			c.ConfigRule = *r.ConfigRule
		}
		if r.Category != nil {
			c.Category = *r.Category
		}
		ix.byID[strings.ToLower(c.ID)] = len(ix.list)
		if c.ConfigRule != "" {
			ix.byRule[c.ConfigRule] = len(ix.list)
		}
		ix.list = append(ix.list, c)
	}
	return ix
})

// LookupControl returns the control with the given id ("EC2.7"; case is
// ignored).
func LookupControl(id string) (Control, bool) {
	ix := controls()
	i, ok := ix.byID[strings.ToLower(id)]
	if !ok {
		return Control{}, false
	}
	return ix.list[i], true
}

// ControlForConfigRule returns the control whose AWS Config managed rule is
// identifier (e.g. "access-keys-rotated").
func ControlForConfigRule(identifier string) (Control, bool) {
	ix := controls()
	i, ok := ix.byRule[identifier]
	if !ok {
		return Control{}, false
	}
	return ix.list[i], true
}

// Controls returns every control in the catalog, in catalog order. The
// slice is shared: do not modify it.
func Controls() []Control { return controls().list }
