//go:build ignore

// gen_controls copies the FSBP control catalog from the shared test data
// into this package, checked and compacted, so the binary embeds it and
// never reads ../shared at run time. Run with `go generate` in this folder.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"regexp"
)

const (
	src = "../../../shared/data/securityhub/fsbp-controls.json"
	dst = "fsbp_controls.json"
)

type control struct {
	ID             string   `json:"id"`
	Title          string   `json:"title"`
	Severity       string   `json:"severity"`
	ConfigRule     *string  `json:"config_rule"`
	ResourceTypes  []string `json:"resource_types"`
	Category       *string  `json:"category"`
	Standards      []string `json:"standards"`
	RemediationURL string   `json:"remediation_url"`
}

var idRE = regexp.MustCompile(`^[A-Za-z0-9]+\.[0-9]+$`)

func main() {
	raw, err := os.ReadFile(src)
	if err != nil {
		log.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var cs []control
	if err := dec.Decode(&cs); err != nil {
		log.Fatalf("%s: %v", src, err)
	}
	seen := map[string]bool{}
	for i, c := range cs {
		where := fmt.Sprintf("%s: [%d] %s", src, i, c.ID)
		switch {
		case !idRE.MatchString(c.ID):
			log.Fatalf("%s: id is not like EC2.7", where)
		case seen[c.ID]:
			log.Fatalf("%s: duplicate id", where)
		case c.Title == "":
			log.Fatalf("%s: empty title", where)
		case c.Severity != "CRITICAL" && c.Severity != "HIGH" && c.Severity != "MEDIUM" && c.Severity != "LOW":
			log.Fatalf("%s: severity %q", where, c.Severity)
		case c.RemediationURL != "https://docs.aws.amazon.com/console/securityhub/"+c.ID+"/remediation":
			log.Fatalf("%s: unexpected remediation_url %q", where, c.RemediationURL)
		}
		seen[c.ID] = true
	}
	var out bytes.Buffer
	out.WriteString("[\n")
	for i, c := range cs {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(c); err != nil {
			log.Fatal(err)
		}
		line := bytes.TrimSuffix(b.Bytes(), []byte("\n"))
		out.Write(line)
		if i < len(cs)-1 {
			out.WriteByte(',')
		}
		out.WriteByte('\n')
	}
	out.WriteString("]\n")
	if err := os.WriteFile(dst, out.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %d controls to %s", len(cs), dst)
}
