package main

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/vigilhq/vigil/internal/buildinfo"
)

// buildVersion is what `vigil version` reports.
type buildVersion = buildinfo.Info

func currentVersion() buildVersion { return buildinfo.Current() }

// versionOf reads bi, which is nil when the binary carries no build
// information.
func versionOf(bi *debug.BuildInfo) buildVersion { return buildinfo.Of(bi) }

func newVersionCmd(a *app) *cobra.Command {
	return leaf("version", "print vigil's version, commit and Go version", `
Print the version of this vigil binary, the commit it was built from (when
it was built from a git checkout) and the Go version that built it. Same as
vigil --version.`, func(ctx context.Context, args []string) int {
		if len(args) != 0 {
			fmt.Fprintln(a.err, "vigil version: takes no arguments")
			return exitUsage
		}
		fmt.Fprintln(a.out, currentVersion())
		return exitOK
	})
}
