package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// choice is a flag that takes one of a fixed set of values (any case), so a
// wrong value is a usage error naming the flag, the value and the choices,
// found when the flags are parsed.
type choice struct {
	p       *string
	allowed []string
	// aliases are other spellings accepted for a value ("md" for
	// markdown), not shown in --help.
	aliases map[string]string
}

func (c *choice) String() string { return *c.p }

func (c *choice) Set(s string) error {
	s = strings.ToLower(strings.TrimSpace(s))
	if v, ok := c.aliases[s]; ok {
		s = v
	}
	for _, a := range c.allowed {
		if strings.EqualFold(s, a) {
			*c.p = a
			return nil
		}
	}
	return fmt.Errorf("use %s", orList(c.allowed))
}

// Type names the values in --help when they are short; choiceFlag then
// lists them in the usage instead.
func (c *choice) Type() string {
	if t := strings.Join(c.allowed, "|"); len(t) <= maxChoiceType {
		return t
	}
	return "string"
}

const maxChoiceType = 24

// choiceFlag defines --name, one of values, def by default, and makes the
// shell complete it.
func choiceFlag(cmd *cobra.Command, p *string, name, def, usage string, values ...string) *choice {
	*p = def
	c := &choice{p: p, allowed: values}
	if c.Type() == "string" {
		usage += ": " + orList(values)
	}
	cmd.Flags().Var(c, name, usage)
	completeValues(cmd, name, values...)
	return c
}

// formatFlag defines --format, the one flag choosing how a command prints
// its result: text for people, json for programs, and where they apply
// markdown, slack or csv.
func formatFlag(cmd *cobra.Command, p *string, def string, values ...string) *choice {
	return choiceFlag(cmd, p, "format", def, "output format", values...)
}

// orList writes values as "a, b or c".
func orList(values []string) string {
	if len(values) < 2 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}
