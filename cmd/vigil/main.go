// Command vigil receives AWS security and operations events, routes them with
// EventBridge-compatible rules, explains them, notifies people and remediates.
//
// This package only parses flags and wires packages together; every
// subcommand lives in its own file and registers itself in commands.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// Exit codes shared by every subcommand.
const (
	exitOK      = 0
	exitFailure = 1 // the command ran and failed
	exitUsage   = 2 // bad flags or invalid input
)

// stdio is what a subcommand may touch of the outside world. Tests pass
// buffers; main passes the process's files.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// command is one vigil subcommand.
type command struct {
	name    string
	summary string // one line for `vigil --help`
	run     func(ctx context.Context, io stdio, args []string) int
}

// commands holds every subcommand by name; files register theirs in init.
var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("vigil: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr}, os.Args[1:])
	stop()
	os.Exit(code)
}

// run parses the global flags, then hands the rest to the named subcommand.
func run(ctx context.Context, io stdio, args []string) int {
	fs := flag.NewFlagSet("vigil", flag.ContinueOnError)
	var flagErr bytes.Buffer
	fs.SetOutput(&flagErr)
	endpoint := fs.String("endpoint-url", "", "send every AWS API call to this endpoint (same as AWS_ENDPOINT_URL), e.g. the sandbox at http://127.0.0.1:4566")
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			usage(io.out, fs)
			return exitOK
		}
		io.err.Write(flagErr.Bytes())
		usage(io.err, fs)
		return exitUsage
	}
	if *endpoint != "" {
		// The SDK's shared config reads this variable; setting it here keeps
		// every AWS client in vigil unaware of where its endpoint came from.
		os.Setenv("AWS_ENDPOINT_URL", *endpoint)
	}
	rest := fs.Args()
	if len(rest) == 0 {
		usage(io.err, fs)
		return exitUsage
	}
	name := rest[0]
	if name == "help" {
		if len(rest) > 1 {
			if c, ok := commands[rest[1]]; ok {
				return c.run(ctx, io, []string{"--help"})
			}
		}
		usage(io.out, fs)
		return exitOK
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(io.err, "vigil: unknown command %q\nRun 'vigil --help' for the list of commands.\n", name)
		return exitUsage
	}
	return c.run(ctx, io, rest[1:])
}

func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, `vigil receives AWS security and operations events, routes them with
EventBridge-compatible rules, explains them, notifies people and remediates.

Usage:
  vigil [global flags] <command> [flags] [args]

Commands:
`)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-20s %s\n", n, commands[n].summary)
	}
	fmt.Fprint(w, "\nGlobal flags:\n")
	fs.SetOutput(w)
	fs.PrintDefaults()
	fmt.Fprint(w, "\nRun 'vigil <command> --help' for a command's flags.\n")
}

// newFlags returns a flag set for a subcommand whose --help prints the
// command's description, its arguments and its flags.
func newFlags(io stdio, name, args, description string) *flag.FlagSet {
	fs := flag.NewFlagSet("vigil "+name, flag.ContinueOnError)
	fs.SetOutput(io.err)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: vigil %s [flags]%s\n\n%s\n", name, strings.TrimRight(" "+args, " "), strings.TrimSpace(description))
		var n int
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprint(w, "\nFlags:\n")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseFlags parses args and maps the outcome to an exit code; ok is false
// when the caller should return code at once (help printed or bad flags).
// Help goes to stdout with status 0; a flag error and the usage go to stderr.
func parseFlags(fs *flag.FlagSet, io stdio, args []string) (code int, ok bool) {
	var buf bytes.Buffer
	fs.SetOutput(&buf)
	err := fs.Parse(args)
	switch {
	case err == nil:
		fs.SetOutput(io.err)
		return exitOK, true
	case err == flag.ErrHelp:
		io.out.Write(buf.Bytes())
		return exitOK, false
	default:
		io.err.Write(buf.Bytes())
		return exitUsage, false
	}
}

// subcommand dispatches `vigil <group> <name> ...` (e.g. `vigil config check`).
func subcommand(ctx context.Context, io stdio, group string, args []string, subs map[string]*command) int {
	if len(args) == 0 || args[0] == "--help" || args[0] == "-h" || args[0] == "help" {
		w := io.err
		code := exitUsage
		if len(args) > 0 {
			w, code = io.out, exitOK
		}
		fmt.Fprintf(w, "Usage: vigil %s <command> [flags]\n\nCommands:\n", group)
		names := make([]string, 0, len(subs))
		for n := range subs {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(w, "  %-12s %s\n", n, subs[n].summary)
		}
		return code
	}
	c, ok := subs[args[0]]
	if !ok {
		fmt.Fprintf(io.err, "vigil %s: unknown command %q\nRun 'vigil %s --help' for the list.\n", group, args[0], group)
		return exitUsage
	}
	return c.run(ctx, io, args[1:])
}
