package investigate

import (
	"log/slog"
	"strings"
	"time"

	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/config"
)

// Options configure investigation: the baselines and label thresholds,
// retention, and what the service needs from the process.
type Options struct {
	// Baseline is how far back a call's baseline reaches (14 days by
	// default), counted in whole UTC days before the call's day, plus the
	// calls earlier on its day.
	Baseline time.Duration
	// MinHistory is how long a principal must have been seen before its
	// calls can be new-*: everything is new at first (3 days by default;
	// 0 still needs one earlier call).
	MinHistory time.Duration
	// BurstCount denied calls within BurstWindow make a failed-burst
	// (20 within 5 minutes by default).
	BurstCount  int
	BurstWindow time.Duration
	// An hour's calls are a volume-spike when they exceed both
	// SpikeMinCalls and SpikeFactor times the principal's busiest hour in
	// the baseline (50 and 5 by default). A principal needs MinHistory of
	// history for it too.
	SpikeMinCalls int
	SpikeFactor   float64
	// Sensitive lists the calls labelled sensitive: event names, or
	// "NAME without MFA" for a call made without MFA (ConsoleLogin).
	Sensitive []string
	// Retention is how long records are kept, by eventTime (365 days by
	// default; 0 keeps everything); PruneEvery is how often old ones are
	// deleted (1 hour by default).
	Retention  time.Duration
	PruneEvery time.Duration
	// Live records CloudTrail events the pipeline accepts (on by
	// default; see Hook).
	Live bool
	// Lang is the language of the reasons given for labels: en or ja.
	Lang string

	// AWS reads log files from S3; one from the environment when nil.
	AWS    *awsx.Provider
	Logger *slog.Logger
}

// DefaultSensitive is the default list of sensitive calls: those that
// create or widen access, read secrets, blind logging or share data out
// of the account.
var DefaultSensitive = []string{
	"CreateUser", "CreateAccessKey", "CreateLoginProfile", "UpdateLoginProfile",
	"AttachUserPolicy", "AttachRolePolicy", "AttachGroupPolicy",
	"PutUserPolicy", "PutRolePolicy", "PutGroupPolicy",
	"CreatePolicyVersion", "SetDefaultPolicyVersion", "AddUserToGroup",
	"UpdateAssumeRolePolicy", "CreateRole",
	"GetSecretValue", "BatchGetSecretValue", "GetPasswordData", "GetFederationToken",
	"StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors",
	"DeleteFlowLogs", "DeleteDetector", "DisassociateFromMasterAccount", "LeaveOrganization",
	"PutBucketPolicy", "PutBucketAcl", "DeleteBucketPolicy", "PutBucketPublicAccessBlock",
	"ModifySnapshotAttribute", "ModifyImageAttribute", "ModifyDBSnapshotAttribute",
	"AuthorizeSecurityGroupIngress",
	"SendCommand", "StartSession", "SendSSHPublicKey", "SendSerialConsoleSSHPublicKey",
	"CreateTrustAnchor", "UpdateFunctionCode20150331v2",
	"ConsoleLogin without MFA",
}

// OptionsFrom reads the investigate section of the configuration; lang
// is the language of label reasons (explain.lang).
func OptionsFrom(c config.Investigate, lang string) Options {
	return Options{
		Baseline:      c.Baseline.Window.D(),
		MinHistory:    durationOr(c.Baseline.MinHistory, 3*24*time.Hour),
		BurstCount:    c.FailedBurst.Count,
		BurstWindow:   c.FailedBurst.Window.D(),
		SpikeMinCalls: c.VolumeSpike.MinCalls,
		SpikeFactor:   c.VolumeSpike.Factor,
		Sensitive:     c.Sensitive,
		Retention:     durationOr(c.Retention, 365*24*time.Hour),
		PruneEvery:    c.PruneInterval.D(),
		Live:          c.LiveOn(),
		Lang:          lang,
	}
}

// withDefaults fills what o leaves unset.
func (o Options) withDefaults() Options {
	if o.Baseline <= 0 {
		o.Baseline = 14 * 24 * time.Hour
	}
	if o.MinHistory < 0 {
		o.MinHistory = 0
	}
	if o.BurstCount <= 0 {
		o.BurstCount = 20
	}
	if o.BurstWindow <= 0 {
		o.BurstWindow = 5 * time.Minute
	}
	if o.SpikeMinCalls <= 0 {
		o.SpikeMinCalls = 50
	}
	if o.SpikeFactor <= 0 {
		o.SpikeFactor = 5
	}
	if o.Sensitive == nil {
		o.Sensitive = DefaultSensitive
	}
	if o.PruneEvery <= 0 {
		o.PruneEvery = time.Hour
	}
	if o.Lang == "" {
		o.Lang = "en"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// DefaultOptions are the defaults, as a configuration without an
// investigate section gets them.
func DefaultOptions() Options {
	return Options{MinHistory: 3 * 24 * time.Hour, Retention: 365 * 24 * time.Hour, Live: true}.withDefaults()
}

// sensitiveSet is Options.Sensitive compiled: names always sensitive, and
// names sensitive without MFA.
type sensitiveSet struct {
	always, noMFA map[string]bool
}

func compileSensitive(list []string) sensitiveSet {
	s := sensitiveSet{always: map[string]bool{}, noMFA: map[string]bool{}}
	for _, e := range list {
		if name, ok := strings.CutSuffix(strings.TrimSpace(e), " without MFA"); ok {
			s.noMFA[strings.TrimSpace(name)] = true
		} else {
			s.always[strings.TrimSpace(e)] = true
		}
	}
	return s
}

// match says whether a call is sensitive and which entry made it so.
func (s sensitiveSet) match(name string, f Flags) (string, bool) {
	if s.always[name] {
		return name, true
	}
	if f&FlagNoMFA != 0 && s.noMFA[name] {
		return name + " without MFA", true
	}
	return "", false
}

func durationOr(d *config.Duration, def time.Duration) time.Duration {
	if d == nil {
		return def
	}
	return d.D()
}
