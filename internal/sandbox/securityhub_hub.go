package sandbox

import (
	"encoding/json"
	"time"
)

// hubEnabled reports whether Security Hub is enabled in the account's
// region: as set by Enable/DisableSecurityHub, or else when it holds
// findings of the account. The caller holds mu.
func (w *world) hubEnabled(acct, region string) bool {
	if a := w.account(acct); a != nil {
		if r := a.findRegion(region); r != nil && r.SecurityHub != nil {
			return r.SecurityHub.Enabled
		}
	}
	for _, f := range w.findings.list {
		if f.account == acct && f.region == region {
			return true
		}
	}
	return false
}

func notSubscribed(acct string) error {
	return apiErr(401, "InvalidAccessException", "Account %s is not subscribed to AWS Security Hub", acct)
}

func shEnableSecurityHub(rq *request) error {
	var in struct {
		EnableDefaultStandards  *bool
		ControlFindingGenerator string
		Tags                    map[string]string
	}
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	gen := orDefault(in.ControlFindingGenerator, "SECURITY_CONTROL")
	if gen != "SECURITY_CONTROL" && gen != "STANDARD_CONTROL" {
		return shInvalid("ControlFindingGenerator: %q is not SECURITY_CONTROL or STANDARD_CONTROL", gen)
	}
	r := rq.lockRegion()
	defer rq.unlock()
	if rq.sb.st.hubEnabled(rq.account, rq.region) {
		return apiErr(409, "ResourceConflictException", "Account %s is already subscribed to Security Hub", rq.account)
	}
	r.SecurityHub = &SecurityHub{Enabled: true, SubscribedAt: time.Now().UTC().Truncate(time.Second), AutoEnableControls: true, ControlFindingGenerator: gen}
	rq.writeOut(struct{}{})
	return nil
}

func shDescribeHub(rq *request) error {
	r := rq.lockRegion()
	defer rq.unlock()
	if !rq.sb.st.hubEnabled(rq.account, rq.region) {
		return notSubscribed(rq.account)
	}
	h := r.SecurityHub
	if h == nil {
		h = &SecurityHub{Enabled: true, AutoEnableControls: true, ControlFindingGenerator: "SECURITY_CONTROL"}
	}
	out := map[string]any{"HubArn": rq.arn("securityhub", "hub/default"), "AutoEnableControls": h.AutoEnableControls,
		"ControlFindingGenerator": orDefault(h.ControlFindingGenerator, "SECURITY_CONTROL")}
	if !h.SubscribedAt.IsZero() {
		out["SubscribedAt"] = h.SubscribedAt.Format("2006-01-02T15:04:05.000Z")
	}
	rq.writeOut(out)
	return nil
}

func shDisableSecurityHub(rq *request) error {
	r := rq.lockRegion()
	defer rq.unlock()
	if !rq.sb.st.hubEnabled(rq.account, rq.region) {
		return notSubscribed(rq.account)
	}
	r.SecurityHub = &SecurityHub{Enabled: false}
	rq.writeOut(struct{}{})
	return nil
}

// emitFinding publishes a finding as EventBridge does: a "Security Hub
// Findings - Imported" event holding it; the caller holds mu.
func (sb *Sandbox) emitFinding(f *finding) {
	if sb.sink == nil {
		return
	}
	detail, _ := json.Marshal(map[string]json.RawMessage{"findings": json.RawMessage("[" + string(f.raw) + "]")})
	arn := f.id
	var m struct{ ProductFields map[string]string }
	if json.Unmarshal(f.raw, &m) == nil && m.ProductFields["aws/securityhub/FindingId"] != "" {
		arn = m.ProductFields["aws/securityhub/FindingId"]
	}
	sb.emit(sb.newEvent("Security Hub Findings - Imported", "aws.securityhub", f.account, f.region, time.Now(), []string{arn}, detail))
}
