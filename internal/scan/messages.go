package scan

import (
	"fmt"

	"github.com/vigilhq/vigil/internal/lang"
)

// Message keys. Each language's catalog (messages_en.go, messages_ja.go)
// has every key; a test checks it.
const (
	colResource      = "col.resource"
	colTitle         = "col.title"
	colControl       = "col.control"
	colSeverity      = "col.severity"
	colAccount       = "col.account"
	colRegion        = "col.region"
	colFirstObserved = "col.first_observed"
	colLastObserved  = "col.last_observed"
	colRemediation   = "col.remediation"
	colOwner         = "col.owner"
	colChange        = "col.change"

	changeNew  = "change.new"
	changeOpen = "change.open"

	msgSubjectEnv    = "subject.env"
	msgSubject       = "subject"
	msgSubjectNone   = "subject.none.env"
	msgSubjectNone0  = "subject.none"
	msgChanges       = "changes"
	msgNoChange      = "no_change"
	msgFirstScan     = "first_scan"
	msgNewHeading    = "heading.new"
	msgResolvedHead  = "heading.resolved"
	msgMore          = "more"
	msgOwnerLine     = "owner.line"
	msgUnowned       = "owner.none"
	msgScope         = "scope"
	msgScopeRegions  = "scope.regions"
	msgScopeSeverity = "scope.severity"
	msgScopeControls = "scope.controls"
	msgScopeAccounts = "scope.accounts"
	msgScopeProducts = "scope.products"
	msgScopeSep      = "scope.sep"
	msgListSep       = "list.sep"
	msgFileName      = "file"
)

var catalogs = map[lang.Lang]map[string]string{lang.EN: messagesEN, lang.JA: messagesJA}

func text(lng lang.Lang, key string, args ...any) string {
	c, ok := catalogs[lng]
	if !ok {
		c = messagesEN
	}
	s, ok := c[key]
	if !ok {
		s = messagesEN[key]
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}
