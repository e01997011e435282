package main

import (
	"io"
	"log/slog"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// logFlags are --log-level and --log-format, on every command that logs.
type logFlags struct {
	level, format string
}

func (l *logFlags) add(cmd *cobra.Command) {
	choiceFlag(cmd, &l.level, "log-level", "info", "least severe log records written", "debug", "info", "warn", "error").
		aliases = map[string]string{"warning": "warn"}
	choiceFlag(cmd, &l.format, "log-format", "", "log format (default: text on a terminal, json otherwise)", "text", "json")
}

// logger returns the logger writing to w (standard error) in the chosen
// format: when none is chosen, text for a person at a terminal and JSON
// lines for a log collector.
func (l logFlags) logger(w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(l.level)) // one of the choices, or the default info
	opts := &slog.HandlerOptions{Level: level}
	format := l.format
	if format == "" {
		format = "json"
		if isTerminal(w) {
			format = "text"
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
