package pipeline

import (
	"context"
	"fmt"
	"reflect"

	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/notify/channel"
	"github.com/vigilhq/vigil/internal/schedule"
)

// Reload switches the pipeline to cfg: its rules, targets, notifiers,
// reports and schedules take effect for events accepted from now on (and
// for deliveries that run from now on: a delivery whose target is gone is
// dead-lettered). A configuration with any problem changes nothing and the
// error says why. Settings that need a restart (database, listen address,
// server (listen address, credentials), jobs, SQS, network, explain) are kept as
// they were; Reload returns their names so the caller can say so.
func (p *Pipeline) Reload(ctx context.Context, cfg *config.Config) (restart []string, err error) {
	p.reloadMu.Lock()
	defer p.reloadMu.Unlock()
	if p.in == nil {
		return nil, fmt.Errorf("pipeline: a stateless pipeline does not reload")
	}
	old := p.Config()
	next := &Pipeline{cfg: cfg, log: p.log, aws: p.aws, secrets: p.secrets, net: p.net, st: p.st, explain: p.explain, rem: p.rem}
	table, err := next.compile(channel.Deps{Store: p.st, AWS: p.aws, Secrets: p.secrets, Net: p.net, Logger: p.log}, false)
	if err != nil {
		return nil, err
	}
	scheds, err := parseSchedules(cfg)
	if err != nil {
		return nil, err
	}
	// server.users is reloaded by the console (server.RunConfig); the rest
	// of server needs a restart.
	oldServer, newServer := old.Server, cfg.Server
	oldServer.Users, newServer.Users = nil, nil
	for name, pair := range map[string][2]any{
		"database": {old.Database, cfg.Database},
		"server":   {oldServer, newServer},
		"jobs":     {old.Jobs, cfg.Jobs},
		"sqs":      {old.SQS, cfg.SQS},
		"network":  {old.Network, cfg.Network},
		"explain":  {old.Explain, cfg.Explain},
		// The asker and the knowledge base are built once (pipeline/ask.go).
		"knowledge": {old.Knowledge, cfg.Knowledge},
		"ask":       {old.Ask, cfg.Ask},
		// Investigation's service (thresholds, live hook, pruning) is
		// built once.
		"investigate": {old.Investigate, cfg.Investigate},
	} {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			restart = append(restart, name)
		}
	}
	if old.Remediation.Role != cfg.Remediation.Role || old.Remediation.ExternalID != cfg.Remediation.ExternalID {
		restart = append(restart, "remediation.role")
	}
	if old.Remediation.SlackSigningSecret != cfg.Remediation.SlackSigningSecret {
		restart = append(restart, "remediation.slack_signing_secret")
	}
	// What needs a restart keeps its running value.
	kept := *cfg
	kept.Database, kept.Server, kept.Jobs, kept.SQS, kept.Network, kept.Explain = old.Database, old.Server, old.Jobs, old.SQS, old.Network, old.Explain
	kept.Server.Users = cfg.Server.Users
	kept.Knowledge, kept.Ask = old.Knowledge, old.Ask
	kept.Remediation.Role, kept.Remediation.ExternalID = old.Remediation.Role, old.Remediation.ExternalID
	kept.Remediation.SlackSigningSecret = old.Remediation.SlackSigningSecret
	if p.rem.svc != nil {
		if err := p.rem.svc.Reconfigure(&kept, next.notes); err != nil {
			return nil, err
		}
	}
	kept.Investigate = old.Investigate
	p.cfgMu.Lock()
	p.cfg = &kept
	p.table = table
	p.notes = next.notes
	p.schedules = scheds
	p.cfgMu.Unlock()
	p.in.SetTable(table)
	p.deliver.SetSender(table)
	p.log.Info("configuration reloaded", "rules", len(table.Rules()), "notifiers", len(p.notes), "schedules", len(scheds))
	return restart, nil
}

// Schedules returns the configured schedules, parsed.
func (p *Pipeline) Schedules() []schedule.Named {
	p.cfgMu.RLock()
	defer p.cfgMu.RUnlock()
	return p.schedules
}

func parseSchedules(cfg *config.Config) ([]schedule.Named, error) {
	var out []schedule.Named
	for i := range cfg.Schedules {
		s := &cfg.Schedules[i]
		sc, err := s.Parse()
		if err != nil {
			return nil, cfg.Errorf(fmt.Sprintf("schedules[%d].cron", i), "%v", err)
		}
		out = append(out, schedule.Named{Name: s.Name, Schedule: sc})
	}
	return out, nil
}
