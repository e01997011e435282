package sandbox

import (
	"slices"
	"sort"
	"strings"
	"time"
)

func ssmService() *service {
	return &service{name: "ssm", title: "AWS Systems Manager", protocol: protoJSON11, target: "AmazonSSM", targetProto: protoJSON11,
		ops: map[string]handler{
			"StartAutomationExecution":     ssmStartAutomationExecution,
			"GetAutomationExecution":       ssmGetAutomationExecution,
			"DescribeAutomationExecutions": ssmDescribeAutomationExecutions,
			"StopAutomationExecution":      ssmStopAutomationExecution,
			"DescribeDocument":             ssmDescribeDocument,
		}}
}

func ssmStartAutomationExecution(rq *request) error {
	var in struct {
		DocumentName    string
		DocumentVersion string
		Parameters      map[string][]string
		ClientToken     string
		Mode            string
	}
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	name := in.DocumentName
	if i := strings.LastIndex(name, ":document/"); i >= 0 {
		name = name[i+len(":document/"):]
	}
	doc := documents[name]
	if doc == nil {
		return apiErr(400, "AutomationDefinitionNotFoundException", "Document %s does not exist (the sandbox runs these AWS-owned documents: %s).", in.DocumentName, strings.Join(sortedKeys(documents), ", "))
	}
	if in.Mode != "" && in.Mode != "Auto" {
		return apiErr(400, "InvalidAutomationExecutionParametersException", "The sandbox runs automations in Auto mode only, not %s.", in.Mode)
	}
	if err := doc.check(in.Parameters); err != nil {
		return err
	}
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	w := rq.sb.st
	a := w.account(rq.account)
	r := a.region(rq.region)
	if in.ClientToken != "" {
		for _, old := range r.Automations {
			if old.ClientToken == in.ClientToken {
				rq.writeOut(map[string]string{"AutomationExecutionId": old.ID})
				return nil
			}
		}
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	auto := &Automation{ID: w.uuid(), Document: name, Parameters: in.Parameters, ExecutedBy: rq.ident.arn, Started: now, ClientToken: in.ClientToken}
	ex := &execution{sb: rq.sb, w: w, a: a, r: r, region: rq.region, auto: auto, params: doc.withDefaults(in.Parameters), ident: rq.ident}
	if role := ex.param("AutomationAssumeRole"); role != "" {
		ex.ident = identity{kind: "AssumedRole", arn: assumedRoleARN(role, "Automation-"+auto.ID), roleARN: role,
			roleID: "AROA" + w.randID(17, upperAlnum), userID: "Automation-" + auto.ID, since: now}
	}
	auto.Status = "Success"
	if err := doc.run(ex); err != nil {
		auto.Status = "Failed"
		auto.Failure = err.Error()
	}
	auto.Ended = time.Now().UTC().Truncate(time.Millisecond)
	r.Automations = append(r.Automations, auto)
	rq.writeOut(map[string]string{"AutomationExecutionId": auto.ID})
	return nil
}

// assumedRoleARN is the session ARN of a role ARN (arn:aws:iam::A:role/P/N)
// assumed with the session name.
func assumedRoleARN(roleARN, session string) string {
	parts := strings.SplitN(roleARN, ":", 6)
	if len(parts) != 6 || !strings.HasPrefix(parts[5], "role/") {
		return roleARN
	}
	name := parts[5][strings.LastIndex(parts[5], "/")+1:]
	return "arn:" + parts[1] + ":sts::" + parts[4] + ":assumed-role/" + name + "/" + session
}

// automation finds an execution of the caller's region by id.
func (rq *request) automation(id string) (*Automation, error) {
	r := rq.sb.st.account(rq.account).region(rq.region)
	for _, a := range r.Automations {
		if a.ID == id {
			return a, nil
		}
	}
	return nil, apiErr(400, "AutomationExecutionNotFoundException", "Automation execution %s does not exist.", id)
}

func ssmGetAutomationExecution(rq *request) error {
	var in struct{ AutomationExecutionId string }
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	a, err := rq.automation(in.AutomationExecutionId)
	if err != nil {
		return err
	}
	var steps []map[string]any
	for i, s := range a.Steps {
		st := map[string]any{
			"StepName": s.Name, "Action": s.Action, "StepStatus": s.Status, "IsEnd": i == len(a.Steps)-1,
			"ExecutionStartTime": epochSeconds(a.Started), "ExecutionEndTime": epochSeconds(a.Ended),
			"Inputs": map[string]string{"Service": s.Service, "Api": s.API}, "StepExecutionId": a.ID + "-" + itoa(int64(i+1)),
		}
		if s.Failure != "" {
			st["FailureMessage"] = s.Failure
		}
		steps = append(steps, st)
	}
	out := map[string]any{
		"AutomationExecutionId": a.ID, "DocumentName": a.Document, "DocumentVersion": "1",
		"ExecutionStartTime": epochSeconds(a.Started), "ExecutionEndTime": epochSeconds(a.Ended),
		"AutomationExecutionStatus": a.Status, "StepExecutions": steps, "StepExecutionsTruncated": false,
		"Parameters": orEmptyParams(a.Parameters), "Outputs": orEmptyParams(a.Outputs), "Mode": "Auto", "ExecutedBy": a.ExecutedBy,
	}
	if a.Failure != "" {
		out["FailureMessage"] = a.Failure
	}
	rq.writeOut(map[string]any{"AutomationExecution": out})
	return nil
}

func orEmptyParams(m map[string][]string) map[string][]string {
	if m == nil {
		return map[string][]string{}
	}
	return m
}

func ssmDescribeAutomationExecutions(rq *request) error {
	var in struct {
		Filters []struct {
			Key    string
			Values []string
		}
	}
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	r := rq.sb.st.account(rq.account).region(rq.region)
	list := []map[string]any{}
	for _, a := range r.Automations {
		ok := true
		for _, f := range in.Filters {
			switch f.Key {
			case "DocumentNamePrefix":
				ok = ok && slices.ContainsFunc(f.Values, func(p string) bool { return strings.HasPrefix(a.Document, p) })
			case "ExecutionStatus":
				ok = ok && slices.Contains(f.Values, a.Status)
			case "ExecutionId":
				ok = ok && slices.Contains(f.Values, a.ID)
			default:
				return apiErr(400, "InvalidFilterKey", "The sandbox filters automation executions by DocumentNamePrefix, ExecutionStatus and ExecutionId, not %s.", f.Key)
			}
		}
		if ok {
			list = append(list, map[string]any{"AutomationExecutionId": a.ID, "DocumentName": a.Document, "DocumentVersion": "1",
				"AutomationExecutionStatus": a.Status, "ExecutionStartTime": epochSeconds(a.Started), "ExecutionEndTime": epochSeconds(a.Ended),
				"ExecutedBy": a.ExecutedBy, "Mode": "Auto", "Outputs": orEmptyParams(a.Outputs)})
		}
	}
	sort.SliceStable(list, func(i, j int) bool {
		return list[i]["ExecutionStartTime"].(float64) > list[j]["ExecutionStartTime"].(float64)
	})
	rq.writeOut(map[string]any{"AutomationExecutionMetadataList": list})
	return nil
}

func ssmStopAutomationExecution(rq *request) error {
	var in struct{ AutomationExecutionId string }
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	if _, err := rq.automation(in.AutomationExecutionId); err != nil {
		return err
	}
	// Executions have finished by the time they are started; stopping one
	// changes nothing, as AWS does for a finished execution.
	rq.writeOut(struct{}{})
	return nil
}
