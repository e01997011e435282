package sandbox

import (
	"strings"
	"time"
)

// documentsPublished is the creation date DescribeDocument gives the
// AWS-owned documents: the sandbox has no history of them, and a fixed
// date keeps answers reproducible.
var documentsPublished = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// ssmDescribeDocument describes one of the AWS-owned Automation documents
// the sandbox runs: what a caller checks before starting it (its type and
// parameters). The sandbox keeps one version of each.
func ssmDescribeDocument(rq *request) error {
	var in struct {
		Name            string
		DocumentVersion string
		VersionName     string
	}
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	name := in.Name
	if i := strings.LastIndex(name, ":document/"); i >= 0 {
		name = name[i+len(":document/"):]
	}
	doc := documents[name]
	if doc == nil {
		return apiErr(400, "InvalidDocument", "Document with name %s does not exist (the sandbox knows these AWS-owned documents: %s).", in.Name, strings.Join(sortedKeys(documents), ", "))
	}
	switch in.DocumentVersion {
	case "", "1", "$DEFAULT", "$LATEST":
	default:
		return apiErr(400, "InvalidDocumentVersion", "Document %s has no version %s (the sandbox keeps version 1 only).", name, in.DocumentVersion)
	}
	if in.VersionName != "" {
		return apiErr(400, "InvalidDocumentVersion", "Document %s has no version named %s.", name, in.VersionName)
	}
	params := make([]map[string]any, 0, len(doc.params))
	for _, p := range doc.params {
		desc := "(Optional) "
		if p.required {
			desc = "(Required) "
		}
		if p.name == "AutomationAssumeRole" {
			desc += "The ARN of the role that allows Automation to perform the actions on your behalf."
		} else {
			desc += p.name
		}
		m := map[string]any{"Name": p.name, "Type": "String", "Description": desc}
		if p.def != nil {
			m["DefaultValue"] = strings.Join(p.def, ",")
		}
		params = append(params, m)
	}
	rq.writeOut(map[string]any{"Document": map[string]any{
		"Name":            name,
		"DisplayName":     name,
		"Owner":           "Amazon",
		"DocumentType":    "Automation",
		"DocumentFormat":  "YAML",
		"SchemaVersion":   "0.3",
		"Status":          "Active",
		"DocumentVersion": "1",
		"LatestVersion":   "1",
		"DefaultVersion":  "1",
		"HashType":        "Sha256",
		"PlatformTypes":   []string{"Windows", "Linux", "MacOS"},
		"CreatedDate":     float64(documentsPublished.Unix()),
		"Description":     "Sandbox simulation: " + doc.summary + ".",
		"Parameters":      params,
	}})
	return nil
}
