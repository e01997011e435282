package console

import (
	"fmt"

	"github.com/vigilhq/vigil/internal/remediate"
)

// catalogs are the console's texts, one catalog per language
// (messages_en.go, messages_ja.go); a test checks they have the same keys.
var catalogs = map[string]map[string]string{"en": messagesEN, "ja": messagesJA}

// translate returns key's text in l, formatted with args; the English
// text when l lacks it, and the key itself when no catalog has it (a test
// makes sure the templates use known keys only).
func translate(l, key string, args ...any) string {
	m, ok := catalogs[l][key]
	if !ok {
		if m, ok = messagesEN[key]; !ok {
			return key
		}
	}
	if len(args) == 0 {
		return m
	}
	return fmt.Sprintf(m, args...)
}

// statusLabel is a remediation's or an approval's status in words.
func statusLabel(l, status string) string {
	if _, ok := messagesEN["status."+status]; ok {
		return translate(l, "status."+status)
	}
	return status
}

// remediationStatuses are the statuses the remediations page filters by.
func remediationStatuses() []string {
	return []string{remediate.StatusPendingApproval, remediate.StatusApproved, remediate.StatusApplied, remediate.StatusVerified,
		remediate.StatusEscalated, remediate.StatusRollingBack, remediate.StatusRolledBack, remediate.StatusRejected, remediate.StatusExpired,
		remediate.StatusDryRun, remediate.StatusNoChange, remediate.StatusSkipped, remediate.StatusPlanning}
}
