package config

import (
	"fmt"
	"strings"
	"time"
)

// Investigate configures CloudTrail investigation (vigil investigate, GET
// /investigate/...): what is recorded live, how calls are labelled, and
// how long records are kept.
type Investigate struct {
	// Live records the CloudTrail events the pipeline accepts (AWS API
	// Call, AWS Console Sign In and AWS Service Event via CloudTrail) and
	// links GuardDuty and Security Hub findings to the entities they
	// name; true by default.
	Live *bool `yaml:"live"`
	// Retention is how long records are kept, by eventTime; 365d by
	// default, 0 keeps everything.
	Retention *Duration `yaml:"retention"`
	// PruneInterval is how often records older than Retention are
	// deleted; 1h by default.
	PruneInterval Duration            `yaml:"prune_interval"`
	Baseline      InvestigateBaseline `yaml:"baseline"`
	FailedBurst   FailedBurst         `yaml:"failed_burst"`
	VolumeSpike   VolumeSpike         `yaml:"volume_spike"`
	// Sensitive replaces the list of calls labelled sensitive: event
	// names, or "NAME without MFA" (e.g. "ConsoleLogin without MFA").
	Sensitive []string `yaml:"sensitive"`
}

// InvestigateBaseline is what a call is compared with for the new-*
// labels and volume-spike.
type InvestigateBaseline struct {
	// Window is how far back the baseline reaches; 14d by default.
	Window Duration `yaml:"window"`
	// MinHistory is how long a principal must have been seen before its
	// calls are labelled new-* or volume-spike; 3d by default.
	MinHistory *Duration `yaml:"min_history"`
}

// FailedBurst is the failed-burst threshold: Count denied calls within
// Window (20 within 5m by default).
type FailedBurst struct {
	Count  int      `yaml:"count"`
	Window Duration `yaml:"window"`
}

// VolumeSpike is the volume-spike threshold: an hour's calls above both
// MinCalls and Factor times the busiest hour of the baseline (50 and 5 by
// default).
type VolumeSpike struct {
	MinCalls int     `yaml:"min_calls"`
	Factor   float64 `yaml:"factor"`
}

func (c *Config) investigateDefaults() {
	x := &c.Investigate
	if x.Live == nil {
		on := true
		x.Live = &on
	}
	if x.Retention == nil {
		d := Duration(365 * 24 * time.Hour)
		x.Retention = &d
	}
	if x.PruneInterval == 0 {
		x.PruneInterval = Duration(time.Hour)
	}
	if x.Baseline.Window == 0 {
		x.Baseline.Window = Duration(14 * 24 * time.Hour)
	}
	if x.Baseline.MinHistory == nil {
		d := Duration(3 * 24 * time.Hour)
		x.Baseline.MinHistory = &d
	}
	if x.FailedBurst.Count == 0 {
		x.FailedBurst.Count = 20
	}
	if x.FailedBurst.Window == 0 {
		x.FailedBurst.Window = Duration(5 * time.Minute)
	}
	if x.VolumeSpike.MinCalls == 0 {
		x.VolumeSpike.MinCalls = 50
	}
	if x.VolumeSpike.Factor == 0 {
		x.VolumeSpike.Factor = 5
	}
}

func (c *Config) validateInvestigate(bad func(path, format string, args ...any)) {
	x := &c.Investigate
	if x.FailedBurst.Count < 1 {
		bad("investigate.failed_burst.count", "must be at least 1, got %d", x.FailedBurst.Count)
	}
	if x.VolumeSpike.MinCalls < 1 {
		bad("investigate.volume_spike.min_calls", "must be at least 1, got %d", x.VolumeSpike.MinCalls)
	}
	if x.VolumeSpike.Factor < 1 {
		bad("investigate.volume_spike.factor", "must be at least 1 (times the busiest baseline hour), got %g", x.VolumeSpike.Factor)
	}
	if x.Baseline.Window.D() < 24*time.Hour {
		bad("investigate.baseline.window", "must be at least 1d (baselines are kept per day), got %s", x.Baseline.Window.D())
	}
	if r := x.Retention; r != nil && *r != 0 && r.D() < x.Baseline.Window.D() {
		bad("investigate.retention", "%s is shorter than investigate.baseline.window (%s): baselines would lose their history; use 0 to keep everything", r.D(), x.Baseline.Window.D())
	}
	for i, s := range x.Sensitive {
		if strings.TrimSpace(s) == "" {
			bad(fmt.Sprintf("investigate.sensitive[%d]", i), "empty event name")
		}
	}
}

// LiveOn reports whether investigation records events live.
func (x *Investigate) LiveOn() bool { return x.Live == nil || *x.Live }
