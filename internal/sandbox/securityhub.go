package sandbox

import (
	"bytes"
	"encoding/json"
	"slices"
	"time"
)

func securityHubService() *service {
	return &service{name: "securityhub", title: "AWS Security Hub", protocol: protoRESTJSON, paths: []string{"/findings", "/accounts"},
		throttle: throttleError{429, "ThrottlingException", "", "Rate exceeded"},
		route: restRouter([]restOp{
			{"POST", "/accounts", "EnableSecurityHub"},
			{"GET", "/accounts", "DescribeHub"},
			{"DELETE", "/accounts", "DisableSecurityHub"},
			{"POST", "/findings", "GetFindings"},
			{"POST", "/findings/import", "BatchImportFindings"},
			{"PATCH", "/findings/batchupdate", "BatchUpdateFindings"},
		}),
		ops: map[string]handler{
			"EnableSecurityHub":   shEnableSecurityHub,
			"DescribeHub":         shDescribeHub,
			"DisableSecurityHub":  shDisableSecurityHub,
			"GetFindings":         shGetFindings,
			"BatchImportFindings": shBatchImportFindings,
			"BatchUpdateFindings": shBatchUpdateFindings,
		}}
}

func shInvalid(format string, args ...any) error {
	return apiErr(400, "InvalidInputException", format, args...)
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
		f, err := w.findings.importRaw(raw, rq.region, now, false)
		if err != nil {
			fails = append(fails, failed{idOnly.Id, "InvalidInput", err.Error()})
			continue
		}
		rq.sb.emitFinding(f)
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
		rq.sb.emitFinding(s.byID[nf.id])
		processed = append(processed, ident(fi))
	}
	rq.sb.mu.Unlock()
	rq.writeOut(map[string]any{"ProcessedFindings": processed, "UnprocessedFindings": unproc})
	return nil
}
