package operator

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"github.com/riverqueue/river"

	"github.com/vigilhq/vigil/internal/ingest"
	"github.com/vigilhq/vigil/internal/store"
)

// replayBatch is how many events one replay transaction takes.
const replayBatch = 200

// Replay implements API, as EventBridge replays an archive: every event
// vigil received between Since and Until (oldest first) is routed again
// with the rules in force now (only Rule, when given) and the silences in
// force now, and each target it matches gets a new delivery, with a fresh
// retry budget and an id of its own (replay/NAME/...), so receivers that
// drop repeated deliveries do not drop it. Replayed events carry
// "replay-name": NAME, as EventBridge's do, so rules and receivers can
// tell them apart. The events themselves are not stored again.
func (l *Local) Replay(ctx context.Context, r ReplayRequest) (*ReplayResult, error) {
	st, err := l.store()
	if err != nil {
		return nil, err
	}
	if l.Table == nil || l.Table() == nil || l.Deliverer == nil {
		return nil, unavailable("replay needs the configuration's rules and targets (--config)")
	}
	now := l.now()
	switch {
	case r.Since.IsZero():
		return nil, badRequest("since: required: the time of the first event to replay")
	case r.Until.IsZero():
		r.Until = now
	}
	if !r.Until.After(r.Since) {
		return nil, badRequest("until (%s) is not after since (%s)", r.Until.UTC().Format(time.RFC3339), r.Since.UTC().Format(time.RFC3339))
	}
	table := l.Table()
	if r.Rule != "" && l.Config != nil && l.Config() != nil {
		if err := CheckRule(l.Config(), r.Rule); err != nil {
			return nil, badRequest("rule: %v", err)
		}
	}
	if r.Name == "" {
		r.Name = "replay-" + now.UTC().Format("20060102T150405Z")
	}
	if !validReplayName(r.Name) {
		return nil, badRequest("name: %q: use letters, digits, '.', '-' and '_' only, at most 64 characters", r.Name)
	}
	sil, err := l.activeSilences(ctx)
	if err != nil {
		return nil, err
	}
	q := l.queue()
	res := &ReplayResult{Name: r.Name}
	var after *store.Event
	for {
		evs, err := store.ListEvents(ctx, st.Q(), store.EventQuery{Since: r.Since, Until: r.Until, After: after, Limit: replayBatch, WithRaw: true})
		if err != nil {
			return res, err
		}
		if len(evs) == 0 {
			return res, nil
		}
		after = evs[len(evs)-1]
		err = st.InTx(ctx, func(tx store.Tx) error {
			var params []river.InsertManyParams
			for _, e := range evs {
				res.Events++
				raw := withReplayName(e.Raw, r.Name)
				ev, err := ingest.Parse(raw)
				if err != nil {
					continue // stored before a validation it fails now
				}
				dec, err := table.Route(ev, now, sil)
				if err != nil {
					return err
				}
				replayed := &store.Event{Key: "replay/" + r.Name + "/" + e.Key, ID: e.ID, Source: e.Source, DetailType: e.DetailType,
					Input: "replay", ReceivedAt: now, Raw: raw}
				matched := false
				for _, m := range dec.Matched {
					if r.Rule != "" && m.Rule != r.Rule {
						continue
					}
					matched = true
					if m.SilencedBy != "" {
						res.Silenced++
						continue
					}
					for i := range m.Targets {
						o := &m.Targets[i]
						if !o.Deliver {
							continue
						}
						p, err := l.Deliverer.Enqueue(ctx, tx, replayed, m.Rule, o)
						if err != nil {
							return err
						}
						res.Deliveries++
						if p != nil {
							params = append(params, *p)
						}
					}
				}
				if matched {
					res.Matched++
				}
			}
			return q.InsertTx(ctx, tx, params)
		})
		if err != nil {
			return res, err
		}
	}
}

// withReplayName adds "replay-name": name to the event raw (an object).
func withReplayName(raw []byte, name string) []byte {
	var probe map[string]json.RawMessage
	if json.Unmarshal(raw, &probe) != nil {
		return raw
	}
	if _, ok := probe["replay-name"]; ok {
		delete(probe, "replay-name")
		raw, _ = json.Marshal(probe)
	}
	i := bytes.IndexByte(raw, '{')
	n, _ := json.Marshal(name)
	out := make([]byte, 0, len(raw)+len(n)+16)
	out = append(out, raw[:i+1]...)
	out = append(out, `"replay-name":`...)
	out = append(out, n...)
	if rest := bytes.TrimSpace(raw[i+1:]); len(rest) > 0 && rest[0] != '}' {
		out = append(out, ',')
	}
	return append(out, raw[i+1:]...)
}

func validReplayName(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}
