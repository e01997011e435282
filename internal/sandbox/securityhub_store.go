package sandbox

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// finding is one stored ASFF finding: its JSON plus the fields filters use.
type finding struct {
	seq                                                                 uint64
	raw                                                                 []byte
	id, productArn, account, region, generator, title, product, company string
	compliance, control, workflow, record, severity                     string
	types, resourceIDs, resourceTypes                                   []string
	severityNormalized                                                  float64
	createdAt, updatedAt                                                time.Time
}

type findingStore struct {
	list    []*finding // ascending seq: the paging order
	byID    map[string]*finding
	nextSeq uint64
	cursors map[string]*cursor // sorted result sets, by token id
	curSeq  int
}

// cursor is a sorted GetFindings result being paged through.
type cursor struct {
	items []*finding
	made  int
}

func newFindingStore() *findingStore {
	return &findingStore{byID: map[string]*finding{}, cursors: map[string]*cursor{}}
}

func str(m map[string]any, path ...string) string {
	var v any = m
	for _, p := range path {
		mm, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = mm[p]
	}
	s, _ := v.(string)
	return s
}

func num(m map[string]any, path ...string) (float64, bool) {
	var v any = m
	for _, p := range path {
		mm, ok := v.(map[string]any)
		if !ok {
			return 0, false
		}
		v = mm[p]
	}
	f, ok := v.(float64)
	return f, ok
}

var requiredASFF = []string{"SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId", "Types", "CreatedAt", "UpdatedAt", "Severity", "Title", "Description", "Resources"}

var severityNormalized = map[string]float64{"INFORMATIONAL": 0, "LOW": 1, "MEDIUM": 40, "HIGH": 70, "CRITICAL": 90}

// importRaw validates and stores one ASFF finding, filling the fields
// Security Hub adds on import. An existing finding with the same Id keeps
// its paging position and the fields only BatchUpdateFindings may change.
func (s *findingStore) importRaw(raw []byte, defaultRegion string, now time.Time, lenient bool) (*finding, error) {
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("finding is not a JSON object: %w", err)
	}
	if !lenient {
		for _, k := range requiredASFF {
			if _, ok := m[k]; !ok {
				return nil, fmt.Errorf("Finding does not adhere to Amazon Finding Format. data.%s is required", k)
			}
		}
	}
	if str(m, "Id") == "" || str(m, "ProductArn") == "" || str(m, "AwsAccountId") == "" {
		return nil, fmt.Errorf("Finding does not adhere to Amazon Finding Format: Id, ProductArn and AwsAccountId are required")
	}
	for _, k := range []string{"CreatedAt", "UpdatedAt"} {
		if v := str(m, k); v != "" {
			if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
				return nil, fmt.Errorf("Finding does not adhere to Amazon Finding Format. data.%s should match format \"date-time\"", k)
			}
		}
	}
	if str(m, "Region") == "" {
		region := defaultRegion
		if rs, ok := m["Resources"].([]any); ok && len(rs) > 0 {
			if r, ok := rs[0].(map[string]any); ok && str(r, "Region") != "" {
				region = str(r, "Region")
			}
		}
		if p := strings.Split(str(m, "ProductArn"), ":"); len(p) > 3 && p[3] != "" {
			region = p[3]
		}
		m["Region"] = region
	}
	if str(m, "RecordState") == "" {
		m["RecordState"] = "ACTIVE"
	}
	if str(m, "Workflow", "Status") == "" {
		m["Workflow"] = map[string]any{"Status": "NEW"}
	}
	if str(m, "WorkflowState") == "" {
		m["WorkflowState"] = "NEW"
	}
	if pf, ok := m["ProductFields"].(map[string]any); ok {
		if str(m, "ProductName") == "" && str(pf, "aws/securityhub/ProductName") != "" {
			m["ProductName"] = str(pf, "aws/securityhub/ProductName")
		}
		if str(m, "CompanyName") == "" && str(pf, "aws/securityhub/CompanyName") != "" {
			m["CompanyName"] = str(pf, "aws/securityhub/CompanyName")
		}
		if c, ok := m["Compliance"].(map[string]any); ok && str(c, "SecurityControlId") == "" && str(pf, "ControlId") != "" {
			c["SecurityControlId"] = str(pf, "ControlId")
		}
	}
	if sev, ok := m["Severity"].(map[string]any); ok && str(sev, "Label") == "" {
		if n, ok := num(sev, "Normalized"); ok {
			sev["Label"] = labelFor(n)
		}
	}
	old := s.byID[str(m, "Id")]
	if old != nil {
		var prev map[string]any
		json.Unmarshal(old.raw, &prev)
		for _, k := range []string{"Workflow", "WorkflowState", "Note", "UserDefinedFields", "VerificationState", "Confidence", "Criticality"} {
			if v, ok := prev[k]; ok {
				m[k] = v
			}
		}
	}
	f := indexFinding(m)
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	f.raw = b
	s.put(f)
	return f, nil
}

func labelFor(n float64) string {
	switch {
	case n >= 90:
		return "CRITICAL"
	case n >= 70:
		return "HIGH"
	case n >= 40:
		return "MEDIUM"
	case n >= 1:
		return "LOW"
	}
	return "INFORMATIONAL"
}

// put stores f, replacing a finding with the same Id in place.
func (s *findingStore) put(f *finding) {
	if old := s.byID[f.id]; old != nil {
		f.seq = old.seq
		*old = *f
		return
	}
	s.nextSeq++
	f.seq = s.nextSeq
	s.list = append(s.list, f)
	s.byID[f.id] = f
}

func indexFinding(m map[string]any) *finding {
	f := &finding{
		id: str(m, "Id"), productArn: str(m, "ProductArn"), account: str(m, "AwsAccountId"), region: str(m, "Region"),
		generator: str(m, "GeneratorId"), title: str(m, "Title"), product: str(m, "ProductName"), company: str(m, "CompanyName"),
		compliance: str(m, "Compliance", "Status"), control: str(m, "Compliance", "SecurityControlId"),
		workflow: str(m, "Workflow", "Status"), record: str(m, "RecordState"), severity: str(m, "Severity", "Label"),
	}
	f.severityNormalized, _ = num(m, "Severity", "Normalized")
	f.createdAt, _ = time.Parse(time.RFC3339Nano, str(m, "CreatedAt"))
	f.updatedAt, _ = time.Parse(time.RFC3339Nano, str(m, "UpdatedAt"))
	if ts, ok := m["Types"].([]any); ok {
		for _, t := range ts {
			if s, ok := t.(string); ok {
				f.types = append(f.types, s)
			}
		}
	}
	if rs, ok := m["Resources"].([]any); ok {
		for _, r := range rs {
			if rm, ok := r.(map[string]any); ok {
				f.resourceIDs = append(f.resourceIDs, str(rm, "Id"))
				f.resourceTypes = append(f.resourceTypes, str(rm, "Type"))
			}
		}
	}
	return f
}
