package remediate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vigilhq/vigil/internal/config"
)

// Decision is the policy gate's verdict on a planned remediation.
type Decision struct {
	// Status is what happens next: StatusNoChange, StatusSkipped,
	// StatusDryRun, StatusPendingApproval or StatusApproved (auto).
	Status string
	// Mode is the mode that applied (dry-run, approve, auto).
	Mode string
	// Reason says why, for people, in English and Japanese.
	Reason, ReasonJA string
}

// Policy is the gate between a plan and a change: mode, overrides,
// exemption, severity floor, destructive playbooks and the blast-radius
// limit.
type Policy struct {
	cfg config.Remediation
}

// NewPolicy returns the policy of the configuration's remediation section.
func NewPolicy(cfg config.Remediation) *Policy { return &Policy{cfg: cfg} }

// Mode returns the configured mode for a remediation before the safety
// rules: the first matching override's, or remediation.mode.
func (p *Policy) Mode(playbook, severity, account string, tags map[string]string) (string, string) {
	for i, o := range p.cfg.Overrides {
		if len(o.Playbooks) > 0 && !slices.Contains(o.Playbooks, playbook) {
			continue
		}
		if len(o.Severities) > 0 && !slices.ContainsFunc(o.Severities, func(s string) bool { return strings.EqualFold(s, severityOrDefault(severity)) }) {
			continue
		}
		if len(o.Accounts) > 0 && !slices.Contains(o.Accounts, account) {
			continue
		}
		if len(o.Tags) > 0 && !slices.ContainsFunc(o.Tags, func(t string) bool { return hasTag(tags, t) }) {
			continue
		}
		return o.Mode, fmt.Sprintf("remediation.overrides[%d]", i)
	}
	return p.cfg.Mode, "remediation.mode"
}

func severityOrDefault(s string) string {
	if s == "" {
		return "MEDIUM"
	}
	return strings.ToUpper(s)
}

// hasTag matches KEY=VALUE or KEY against tags.
func hasTag(tags map[string]string, spec string) bool {
	k, v, withValue := strings.Cut(spec, "=")
	got, ok := tags[strings.TrimSpace(k)]
	return ok && (!withValue || got == strings.TrimSpace(v))
}

// Decide gates plan. recentChanges is how many changes were authorised in
// the limit's window, counted in the transaction that records the
// decision.
func (p *Policy) Decide(plan *Plan, info Info, severity, account string, recentChanges int) Decision {
	if plan.NoChange {
		return Decision{Status: StatusNoChange, Reason: "already in the intended state", ReasonJA: "既に目的の状態です"}
	}
	if t := p.cfg.ExemptTag; t != "" {
		if _, ok := plan.Tags[t]; ok {
			return Decision{Status: StatusSkipped, Reason: fmt.Sprintf("the resource has the exemption tag %s", t), ReasonJA: fmt.Sprintf("リソースに除外タグ %s があります", t)}
		}
	}
	mode, from := p.Mode(plan.Playbook, severity, account, plan.Tags)
	d := Decision{Mode: mode, Reason: fmt.Sprintf("%s is %s", from, mode), ReasonJA: fmt.Sprintf("%s が %s です", from, mode)}
	if r := severityRank(severity); r <= 1 && severity != "" && !p.cfg.AllowLowSeverity && mode != config.ModeDryRun {
		d.Mode = config.ModeDryRun
		d.Reason = fmt.Sprintf("%s findings never change anything unless remediation.allow_low_severity is set", strings.ToUpper(severity))
		d.ReasonJA = fmt.Sprintf("重要度 %s の検出結果では、remediation.allow_low_severity を設定しない限り何も変更しません", strings.ToUpper(severity))
	}
	if d.Mode == config.ModeAuto && (info.Destructive || plan.Destructive) {
		d.Mode = config.ModeApprove
		d.Reason = plan.Playbook + " is destructive: it always needs a person's approval"
		d.ReasonJA = plan.Playbook + " は破壊的な操作のため、常に人の承認が必要です"
	}
	if d.Mode == config.ModeAuto && p.cfg.Limit.Changes >= 0 && recentChanges >= p.cfg.Limit.Changes {
		d.Mode = config.ModeApprove
		d.Reason = fmt.Sprintf("blast-radius limit: %d changes in the last %s (remediation.limit allows %d), so this one waits for approval",
			recentChanges, p.cfg.Limit.Window.D(), p.cfg.Limit.Changes)
		d.ReasonJA = fmt.Sprintf("変更数の上限: 直近 %s の変更が %d 件あり（remediation.limit は %d 件まで）、この変更は承認を待ちます",
			p.cfg.Limit.Window.D(), recentChanges, p.cfg.Limit.Changes)
	}
	switch d.Mode {
	case config.ModeDryRun:
		d.Status = StatusDryRun
	case config.ModeApprove:
		d.Status = StatusPendingApproval
	default:
		d.Status = StatusApproved
	}
	return d
}
