package ask

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/vigilhq/vigil/internal/investigate"
)

// Investigation is what get_timeline and get_related read: CloudTrail
// loaded into vigil's database (internal/investigate).
type Investigation interface {
	Timeline(ctx context.Context, e investigate.Entity, q investigate.TimelineQuery) (*investigate.Timeline, error)
	Related(ctx context.Context, e investigate.Entity, limit int) (*investigate.Related, error)
}

// maxInvestigate bounds the events or entities one call returns.
const maxInvestigate = 200

func hasInvestigation(a *Asker) bool { return a.deps.Investigation != nil }

// investigationError makes what investigation cannot answer (an entity
// never seen, a window that ends before it starts) a tool error the model
// can recover from.
func investigationError(tool string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &toolError{msg: tool + ": " + err.Error(), cause: err}
}

var getTimelineTool = tool{
	name: "get_timeline",
	description: "The CloudTrail calls of one entity, oldest first, with the labels investigation gave them (unusual hour, new source address, ...) " +
		"and why. entity is an ARN (user, role, assumed-role session, instance, bucket, ...), an access key id, a 12-digit account id or a source IP address.",
	schema: `{"type": "object", "properties": {
  "entity": {"type": "string"},
  "since": {"type": "string", "description": "RFC 3339"},
  "until": {"type": "string", "description": "RFC 3339"},
  "limit": {"type": "integer", "minimum": 1, "maximum": 200}
}, "required": ["entity"], "additionalProperties": false}`,
	available: hasInvestigation,
	run: func(ctx context.Context, s *session, args json.RawMessage) (any, error) {
		var in struct {
			Entity string `json:"entity"`
			Since  string `json:"since"`
			Until  string `json:"until"`
			Limit  int    `json:"limit"`
		}
		if err := decode("get_timeline", args, &in); err != nil {
			return nil, err
		}
		e, err := investigate.ParseEntity(in.Entity)
		if err != nil {
			return nil, badArgs("get_timeline: %v", err)
		}
		q := investigate.TimelineQuery{Limit: in.Limit, Lang: string(s.lang)}
		if q.Limit <= 0 || q.Limit > maxInvestigate {
			q.Limit = 50
		}
		for _, t := range []struct {
			field, v string
			dst      *time.Time
		}{{"since", in.Since, &q.Since}, {"until", in.Until, &q.Until}} {
			if t.v == "" {
				continue
			}
			if *t.dst, err = time.Parse(time.RFC3339, t.v); err != nil {
				return nil, badArgs("get_timeline: %s: %q is not an RFC 3339 time", t.field, t.v)
			}
		}
		tl, err := s.a.deps.Investigation.Timeline(ctx, e, q)
		if err != nil {
			return nil, investigationError("get_timeline", err)
		}
		s.cite(Citation{Type: CiteInvestigation, Title: "CloudTrail timeline", ID: e.Name})
		return tl, nil
	},
}

var getRelatedTool = tool{
	name: "get_related",
	description: "The entities one entity is related to in CloudTrail (a user's access keys and roles, the sessions of a role, the addresses a key was used from, " +
		"the resources it touched), with first and last seen times and counts. entity as for get_timeline.",
	schema: `{"type": "object", "properties": {
  "entity": {"type": "string"},
  "limit": {"type": "integer", "minimum": 1, "maximum": 200}
}, "required": ["entity"], "additionalProperties": false}`,
	available: hasInvestigation,
	run: func(ctx context.Context, s *session, args json.RawMessage) (any, error) {
		var in struct {
			Entity string `json:"entity"`
			Limit  int    `json:"limit"`
		}
		if err := decode("get_related", args, &in); err != nil {
			return nil, err
		}
		e, err := investigate.ParseEntity(in.Entity)
		if err != nil {
			return nil, badArgs("get_related: %v", err)
		}
		if in.Limit <= 0 || in.Limit > maxInvestigate {
			in.Limit = 50
		}
		r, err := s.a.deps.Investigation.Related(ctx, e, in.Limit)
		if err != nil {
			return nil, investigationError("get_related", err)
		}
		s.cite(Citation{Type: CiteInvestigation, Title: "CloudTrail relations", ID: e.Name})
		return r, nil
	},
}

// timelineLine is one call of a timeline in an answer's text. The user
// agent and the resources come from CloudTrail records (untrusted): they
// are left out.
func timelineLine(ev *investigate.TimelineEvent) string {
	var b strings.Builder
	b.WriteString("- " + ev.Time.UTC().Format(time.RFC3339) + " " + oneLine(ev.EventSource+":"+ev.EventName, 80))
	if ev.Region != "" {
		b.WriteString(" " + ev.Region)
	}
	if ev.SourceIP != "" {
		b.WriteString(" ← " + oneLine(ev.SourceIP, 60))
	}
	if ev.ErrorCode != "" {
		b.WriteString(" [" + oneLine(ev.ErrorCode, 60) + "]")
	}
	if len(ev.Labels) > 0 {
		b.WriteString(" {" + strings.Join(ev.Labels, ", ") + "}")
	}
	return b.String()
}
