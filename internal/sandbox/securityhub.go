package sandbox

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
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

// securityHubRoute maps a REST-JSON request to a Security Hub operation.
func (rq *request) securityHubRoute() (handler, error) {
	switch m, p := rq.r.Method, strings.TrimRight(rq.r.URL.Path, "/"); {
	case m == http.MethodPost && p == "/findings":
		rq.op = "GetFindings"
		return shGetFindings, nil
	case m == http.MethodPost && p == "/findings/import":
		rq.op = "BatchImportFindings"
		return shBatchImportFindings, nil
	case m == http.MethodPatch && p == "/findings/batchupdate":
		rq.op = "BatchUpdateFindings"
		return shBatchUpdateFindings, nil
	default:
		rq.op = m + " " + p
		return nil, apiErr(404, "ResourceNotFoundException", "The sandbox does not simulate Security Hub %s %s.", m, p)
	}
}

func shInvalid(format string, args ...any) error {
	return apiErr(400, "InvalidInputException", format, args...)
}

type stringFilter struct{ Value, Comparison string }

type dateFilter struct {
	Start, End string
	DateRange  *struct {
		Value int
		Unit  string
	}
}

// compiled filters: each field's conditions, ANDed across fields.
type findingFilter struct {
	strs  []fieldCond
	dates []dateCond
}

type fieldCond struct {
	get      func(*finding) []string
	pos, neg []stringFilter
}

type dateCond struct {
	get        func(*finding) time.Time
	start, end time.Time
}

func one(s string) []string { return []string{s} }

var stringFields = map[string]func(*finding) []string{
	"Id":                          func(f *finding) []string { return one(f.id) },
	"ProductArn":                  func(f *finding) []string { return one(f.productArn) },
	"AwsAccountId":                func(f *finding) []string { return one(f.account) },
	"Region":                      func(f *finding) []string { return one(f.region) },
	"GeneratorId":                 func(f *finding) []string { return one(f.generator) },
	"Title":                       func(f *finding) []string { return one(f.title) },
	"ProductName":                 func(f *finding) []string { return one(f.product) },
	"CompanyName":                 func(f *finding) []string { return one(f.company) },
	"ComplianceStatus":            func(f *finding) []string { return one(f.compliance) },
	"ComplianceSecurityControlId": func(f *finding) []string { return one(f.control) },
	"WorkflowStatus":              func(f *finding) []string { return one(f.workflow) },
	"RecordState":                 func(f *finding) []string { return one(f.record) },
	"SeverityLabel":               func(f *finding) []string { return one(f.severity) },
	"Type":                        func(f *finding) []string { return f.types },
	"ResourceId":                  func(f *finding) []string { return f.resourceIDs },
	"ResourceType":                func(f *finding) []string { return f.resourceTypes },
}

var dateFields = map[string]func(*finding) time.Time{
	"CreatedAt": func(f *finding) time.Time { return f.createdAt },
	"UpdatedAt": func(f *finding) time.Time { return f.updatedAt },
}

func compileFilters(raw map[string]json.RawMessage, now time.Time) (*findingFilter, error) {
	ff := &findingFilter{}
	for _, name := range sortedKeys(raw) {
		if get, ok := stringFields[name]; ok {
			var list []stringFilter
			if err := json.Unmarshal(raw[name], &list); err != nil {
				return nil, shInvalid("Filters.%s must be a list of {Value, Comparison}: %v", name, err)
			}
			c := fieldCond{get: get}
			for i, sf := range list {
				switch sf.Comparison {
				case "EQUALS", "PREFIX", "CONTAINS":
					c.pos = append(c.pos, sf)
				case "NOT_EQUALS", "PREFIX_NOT_EQUALS", "NOT_CONTAINS":
					c.neg = append(c.neg, sf)
				default:
					return nil, shInvalid("Filters.%s[%d].Comparison: %q is not one of EQUALS, PREFIX, NOT_EQUALS, PREFIX_NOT_EQUALS, CONTAINS, NOT_CONTAINS", name, i, sf.Comparison)
				}
			}
			ff.strs = append(ff.strs, c)
			continue
		}
		if get, ok := dateFields[name]; ok {
			var list []dateFilter
			if err := json.Unmarshal(raw[name], &list); err != nil {
				return nil, shInvalid("Filters.%s must be a list of {Start, End} or {DateRange}: %v", name, err)
			}
			for i, df := range list {
				c := dateCond{get: get}
				if df.DateRange != nil {
					if df.DateRange.Unit != "DAYS" {
						return nil, shInvalid("Filters.%s[%d].DateRange.Unit: %q is not DAYS", name, i, df.DateRange.Unit)
					}
					c.start = now.AddDate(0, 0, -df.DateRange.Value)
				}
				for _, p := range []struct {
					s   string
					dst *time.Time
				}{{df.Start, &c.start}, {df.End, &c.end}} {
					if p.s == "" {
						continue
					}
					t, err := time.Parse(time.RFC3339Nano, p.s)
					if err != nil {
						return nil, shInvalid("Filters.%s[%d]: %q is not an ISO 8601 date-time", name, i, p.s)
					}
					*p.dst = t
				}
				ff.dates = append(ff.dates, c)
			}
			continue
		}
		return nil, shInvalid("Filters.%s is not supported by the sandbox (supported: %s, CreatedAt, UpdatedAt)", name, strings.Join(sortedKeys(stringFields), ", "))
	}
	return ff, nil
}

func matchString(sf stringFilter, v string) bool {
	switch sf.Comparison {
	case "EQUALS", "NOT_EQUALS":
		return v == sf.Value
	case "PREFIX", "PREFIX_NOT_EQUALS":
		return strings.HasPrefix(v, sf.Value)
	default:
		return strings.Contains(v, sf.Value)
	}
}

func (ff *findingFilter) match(f *finding) bool {
	for _, c := range ff.strs {
		vals := c.get(f)
		if len(c.pos) > 0 {
			ok := false
			for _, sf := range c.pos {
				for _, v := range vals {
					if matchString(sf, v) {
						ok = true
					}
				}
			}
			if !ok {
				return false
			}
		}
		for _, sf := range c.neg {
			for _, v := range vals {
				if matchString(sf, v) {
					return false
				}
			}
		}
	}
	for _, d := range ff.dates {
		t := d.get(f)
		if !d.start.IsZero() && t.Before(d.start) || !d.end.IsZero() && t.After(d.end) {
			return false
		}
	}
	return true
}

// visible reports whether the caller sees f: findings of its own account
// in the region, or of every account when it is the administrator.
func (rq *request) visible(f *finding) bool {
	return f.region == rq.region && (f.account == rq.account || rq.account == rq.sb.st.defaultAccount)
}

type sortCriterion struct{ Field, SortOrder string }

var severityRank = map[string]int{"INFORMATIONAL": 0, "LOW": 1, "MEDIUM": 2, "HIGH": 3, "CRITICAL": 4}

func sortKey(field string) (func(a, b *finding) int, bool) {
	switch field {
	case "UpdatedAt":
		return func(a, b *finding) int { return a.updatedAt.Compare(b.updatedAt) }, true
	case "CreatedAt":
		return func(a, b *finding) int { return a.createdAt.Compare(b.createdAt) }, true
	case "SeverityLabel":
		return func(a, b *finding) int { return severityRank[a.severity] - severityRank[b.severity] }, true
	case "SeverityNormalized", "Severity.Normalized":
		return func(a, b *finding) int {
			return int(a.severityNormalized) - int(b.severityNormalized)
		}, true
	}
	if get, ok := stringFields[field]; ok {
		return func(a, b *finding) int { return strings.Compare(strings.Join(get(a), ","), strings.Join(get(b), ",")) }, true
	}
	return nil, false
}

func shGetFindings(rq *request) error {
	var in struct {
		Filters      map[string]json.RawMessage
		SortCriteria []sortCriterion
		NextToken    string
		MaxResults   *int
	}
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	max := 100
	if in.MaxResults != nil {
		max = *in.MaxResults
		if max < 1 || max > 100 {
			return shInvalid("MaxResults must be between 1 and 100; got %d", max)
		}
	}
	ff, err := compileFilters(in.Filters, time.Now().UTC())
	if err != nil {
		return err
	}
	var cmps []func(a, b *finding) int
	for i, sc := range in.SortCriteria {
		cmp, ok := sortKey(sc.Field)
		if !ok {
			return shInvalid("SortCriteria[%d].Field: %q is not a field the sandbox sorts on", i, sc.Field)
		}
		if sc.SortOrder == "desc" {
			asc := cmp
			cmp = func(a, b *finding) int { return -asc(a, b) }
		} else if sc.SortOrder != "" && sc.SortOrder != "asc" {
			return shInvalid("SortCriteria[%d].SortOrder: %q is not asc or desc", i, sc.SortOrder)
		}
		cmps = append(cmps, cmp)
	}
	rq.sb.mu.Lock()
	s := rq.sb.st.findings
	var page []*finding
	next := ""
	if len(cmps) > 0 {
		page, next, err = rq.sortedPage(s, ff, cmps, in.NextToken, max)
	} else {
		page, next, err = rq.seqPage(s, ff, in.NextToken, max)
	}
	if err != nil {
		rq.sb.mu.Unlock()
		return err
	}
	var buf bytes.Buffer
	buf.Grow(len(page) * 1200)
	buf.WriteString(`{"Findings":[`)
	for i, f := range page {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(f.raw)
	}
	buf.WriteByte(']')
	rq.sb.mu.Unlock()
	if next != "" {
		buf.WriteString(`,"NextToken":"` + next + `"`)
	}
	buf.WriteByte('}')
	rq.send(200, "application/json", buf.Bytes())
	return nil
}

// seqPage pages in import order. The token holds the sequence number of
// the last finding returned, so updates while paging neither repeat nor
// skip findings; findings imported meanwhile show up at the end.
func (rq *request) seqPage(s *findingStore, ff *findingFilter, token string, max int) ([]*finding, string, error) {
	var after uint64
	if token != "" {
		b, err := base64.RawURLEncoding.DecodeString(token)
		v, ok := strings.CutPrefix(string(b), "seq:")
		if err != nil || !ok {
			return nil, "", shInvalid("NextToken %q is not valid", token)
		}
		if after, err = strconv.ParseUint(v, 10, 64); err != nil {
			return nil, "", shInvalid("NextToken %q is not valid", token)
		}
	}
	i := sort.Search(len(s.list), func(i int) bool { return s.list[i].seq > after })
	var page []*finding
	for ; i < len(s.list); i++ {
		f := s.list[i]
		if !rq.visible(f) || !ff.match(f) {
			continue
		}
		if len(page) == max {
			last := page[len(page)-1].seq
			return page, base64.RawURLEncoding.EncodeToString([]byte("seq:" + strconv.FormatUint(last, 10))), nil
		}
		page = append(page, f)
	}
	return page, "", nil
}

// sortedPage sorts the matching findings once, on the first page, and
// pages through that result set: order and membership stay fixed.
func (rq *request) sortedPage(s *findingStore, ff *findingFilter, cmps []func(a, b *finding) int, token string, max int) ([]*finding, string, error) {
	var c *cursor
	var id string
	off := 0
	if token != "" {
		b, err := base64.RawURLEncoding.DecodeString(token)
		parts := strings.Split(string(b), ":")
		if err != nil || len(parts) != 3 || parts[0] != "cur" {
			return nil, "", shInvalid("NextToken %q is not valid", token)
		}
		id = parts[1]
		off, _ = strconv.Atoi(parts[2])
		c = s.cursors[id]
		if c == nil || off < 0 || off > len(c.items) {
			return nil, "", shInvalid("NextToken %q has expired", token)
		}
	} else {
		c = &cursor{}
		for _, f := range s.list {
			if rq.visible(f) && ff.match(f) {
				c.items = append(c.items, f)
			}
		}
		slices.SortStableFunc(c.items, func(a, b *finding) int {
			for _, cmp := range cmps {
				if r := cmp(a, b); r != 0 {
					return r
				}
			}
			return 0
		})
		s.curSeq++
		c.made = s.curSeq
		id = strconv.Itoa(s.curSeq)
		s.cursors[id] = c
		// Keep the 64 newest cursors.
		for k, old := range s.cursors {
			if old.made <= s.curSeq-64 {
				delete(s.cursors, k)
			}
		}
	}
	end := min(len(c.items), off+max)
	next := ""
	if end < len(c.items) {
		next = base64.RawURLEncoding.EncodeToString([]byte("cur:" + id + ":" + strconv.Itoa(end)))
	} else {
		delete(s.cursors, id)
	}
	return c.items[off:end], next, nil
}

func shBatchImportFindings(rq *request) error {
	var in struct{ Findings []json.RawMessage }
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	if len(in.Findings) == 0 || len(in.Findings) > 100 {
		return shInvalid("Findings must hold 1 to 100 findings; got %d", len(in.Findings))
	}
	type failed struct{ Id, ErrorCode, ErrorMessage string }
	fails := []failed{}
	ok := 0
	rq.sb.mu.Lock()
	w := rq.sb.st
	now := time.Now().UTC()
	for _, raw := range in.Findings {
		var idOnly struct{ Id, AwsAccountId string }
		json.Unmarshal(raw, &idOnly)
		if idOnly.AwsAccountId != "" && idOnly.AwsAccountId != rq.account && rq.account != w.defaultAccount {
			fails = append(fails, failed{idOnly.Id, "AccessDeniedException", "AwsAccountId " + idOnly.AwsAccountId + " is not the caller's account"})
			continue
		}
		if _, err := w.findings.importRaw(raw, rq.region, now, false); err != nil {
			fails = append(fails, failed{idOnly.Id, "InvalidInput", err.Error()})
			continue
		}
		ok++
	}
	rq.sb.mu.Unlock()
	rq.writeOut(map[string]any{"FailedCount": len(fails), "SuccessCount": ok, "FailedFindings": fails})
	return nil
}

func shBatchUpdateFindings(rq *request) error {
	var in struct {
		FindingIdentifiers []struct{ Id, ProductArn string }
		Note               *struct{ Text, UpdatedBy string }
		Severity           *struct {
			Label      string
			Normalized *float64
			Product    *float64
		}
		VerificationState string
		Confidence        *int
		Criticality       *int
		Types             []string
		UserDefinedFields map[string]string
		Workflow          *struct{ Status string }
		RelatedFindings   []struct{ Id, ProductArn string }
	}
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	if len(in.FindingIdentifiers) == 0 || len(in.FindingIdentifiers) > 100 {
		return shInvalid("FindingIdentifiers must hold 1 to 100 identifiers; got %d", len(in.FindingIdentifiers))
	}
	if in.Note == nil && in.Severity == nil && in.VerificationState == "" && in.Confidence == nil && in.Criticality == nil &&
		in.Types == nil && in.UserDefinedFields == nil && in.Workflow == nil && in.RelatedFindings == nil {
		return shInvalid("At least one of Note, Severity, VerificationState, Confidence, Criticality, Types, UserDefinedFields, Workflow or RelatedFindings must be given")
	}
	if in.Note != nil && (in.Note.Text == "" || in.Note.UpdatedBy == "") {
		return shInvalid("Note.Text and Note.UpdatedBy are both required")
	}
	if in.Workflow != nil && !slices.Contains([]string{"NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"}, in.Workflow.Status) {
		return shInvalid("Workflow.Status: %q is not one of NEW, NOTIFIED, RESOLVED, SUPPRESSED", in.Workflow.Status)
	}
	if in.Severity != nil && in.Severity.Label != "" {
		if _, ok := severityNormalized[in.Severity.Label]; !ok {
			return shInvalid("Severity.Label: %q is not one of INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL", in.Severity.Label)
		}
	}
	if in.VerificationState != "" && !slices.Contains([]string{"UNKNOWN", "TRUE_POSITIVE", "FALSE_POSITIVE", "BENIGN_POSITIVE"}, in.VerificationState) {
		return shInvalid("VerificationState: %q is not one of UNKNOWN, TRUE_POSITIVE, FALSE_POSITIVE, BENIGN_POSITIVE", in.VerificationState)
	}
	for name, v := range map[string]*int{"Confidence": in.Confidence, "Criticality": in.Criticality} {
		if v != nil && (*v < 0 || *v > 100) {
			return shInvalid("%s must be between 0 and 100; got %d", name, *v)
		}
	}
	type ident struct{ Id, ProductArn string }
	type unprocessed struct {
		FindingIdentifier ident
		ErrorCode         string
		ErrorMessage      string
	}
	processed := []ident{}
	unproc := []unprocessed{}
	now := time.Now().UTC()
	nowS := now.Format("2006-01-02T15:04:05.000Z")
	rq.sb.mu.Lock()
	s := rq.sb.st.findings
	for _, fi := range in.FindingIdentifiers {
		f := s.byID[fi.Id]
		if f == nil || f.productArn != fi.ProductArn || !(f.account == rq.account || rq.account == rq.sb.st.defaultAccount) {
			unproc = append(unproc, unprocessed{ident(fi), "FindingNotFound", "Finding Not Found"})
			continue
		}
		var m map[string]any
		json.Unmarshal(f.raw, &m)
		if in.Workflow != nil {
			m["Workflow"] = map[string]any{"Status": in.Workflow.Status}
			m["WorkflowState"] = map[string]string{"NEW": "NEW", "NOTIFIED": "ASSIGNED", "RESOLVED": "RESOLVED", "SUPPRESSED": "DEFERRED"}[in.Workflow.Status]
		}
		if in.Note != nil {
			m["Note"] = map[string]any{"Text": in.Note.Text, "UpdatedBy": in.Note.UpdatedBy, "UpdatedAt": nowS}
		}
		if in.Severity != nil {
			sev, _ := m["Severity"].(map[string]any)
			if sev == nil {
				sev = map[string]any{}
			}
			if in.Severity.Label != "" {
				sev["Label"] = in.Severity.Label
				sev["Normalized"] = severityNormalized[in.Severity.Label]
			}
			if in.Severity.Normalized != nil {
				sev["Normalized"] = *in.Severity.Normalized
				if in.Severity.Label == "" {
					sev["Label"] = labelFor(*in.Severity.Normalized)
				}
			}
			if in.Severity.Product != nil {
				sev["Product"] = *in.Severity.Product
			}
			m["Severity"] = sev
		}
		if in.VerificationState != "" {
			m["VerificationState"] = in.VerificationState
		}
		if in.Confidence != nil {
			m["Confidence"] = *in.Confidence
		}
		if in.Criticality != nil {
			m["Criticality"] = *in.Criticality
		}
		if in.Types != nil {
			m["Types"] = in.Types
		}
		if in.UserDefinedFields != nil {
			m["UserDefinedFields"] = in.UserDefinedFields
		}
		if in.RelatedFindings != nil {
			m["RelatedFindings"] = in.RelatedFindings
		}
		m["UpdatedAt"] = nowS
		nf := indexFinding(m)
		nf.raw, _ = json.Marshal(m)
		s.put(nf)
		processed = append(processed, ident(fi))
	}
	rq.sb.mu.Unlock()
	rq.writeOut(map[string]any{"ProcessedFindings": processed, "UnprocessedFindings": unproc})
	return nil
}
