// Package lang names the languages vigil writes in. It is a leaf: every
// package that writes text for people (explanations, notifications, scan
// reports) imports it, and it imports nothing of vigil's.
package lang

import (
	"fmt"
	"strings"
)

// Lang is an output language.
type Lang string

// The supported languages.
const (
	EN Lang = "en"
	JA Lang = "ja"
)

// All lists the supported languages, English first.
func All() []Lang { return []Lang{EN, JA} }

// Parse accepts "en" or "ja" (any case, surrounding spaces ignored) and
// names the choices otherwise.
func Parse(s string) (Lang, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "en":
		return EN, nil
	case "ja":
		return JA, nil
	}
	return "", fmt.Errorf("language %q is not supported: use en or ja", s)
}

// Or returns l, or def when l is empty.
func (l Lang) Or(def Lang) Lang {
	if l == "" {
		return def
	}
	return l
}
