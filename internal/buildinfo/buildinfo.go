// Package buildinfo says which vigil is running: the version, commit and
// Go toolchain the Go linker stamped into the binary, for `vigil version`
// and the vigil_build_info metric.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
)

// Info is what the binary says about its build.
type Info struct {
	Version   string // module version, "(devel)" for a build from a work tree
	Commit    string // vcs.revision, "" when the build was not stamped
	Time      string // vcs.time
	Modified  bool   // vcs.modified: built from a work tree with changes
	GoVersion string
	Platform  string // GOOS/GOARCH
}

// Current returns the running binary's build information.
func Current() Info {
	bi, _ := debug.ReadBuildInfo()
	return Of(bi)
}

// Of reads bi, which is nil when the binary carries no build information.
func Of(bi *debug.BuildInfo) Info {
	v := Info{Version: "(devel)", GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi == nil {
		return v
	}
	if bi.Main.Version != "" {
		v.Version = bi.Main.Version
	}
	if bi.GoVersion != "" {
		v.GoVersion = bi.GoVersion
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Commit = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

// String is three lines: the version, the commit and the Go toolchain.
func (v Info) String() string {
	commit := "unknown (built without version control information)"
	if v.Commit != "" {
		var notes []string
		if v.Time != "" {
			notes = append(notes, v.Time)
		}
		if v.Modified {
			notes = append(notes, "with uncommitted changes")
		}
		commit = v.Commit
		if len(notes) > 0 {
			commit += " (" + strings.Join(notes, ", ") + ")"
		}
	}
	return fmt.Sprintf("vigil %s\ncommit: %s\ngo: %s %s", v.Version, commit, v.GoVersion, v.Platform)
}

// Collector returns the vigil_build_info gauge: always 1, with the build
// in its labels (version, revision, goversion, goos, goarch), as
// Prometheus' own *_build_info metrics, so dashboards can join on it and
// alert on mixed versions across replicas.
func (v Info) Collector() prometheus.Collector {
	goos, goarch, _ := strings.Cut(v.Platform, "/")
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "vigil_build_info",
		Help: "A metric with a constant '1' value labelled by the version, revision and Go toolchain vigil was built with.",
		ConstLabels: prometheus.Labels{
			"version": v.Version, "revision": v.Commit, "goversion": v.GoVersion, "goos": goos, "goarch": goarch,
		},
	})
	g.Set(1)
	return g
}
