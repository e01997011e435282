// Package explanations explains each event once per language and
// documentation policy, keeps the explanation in the database, and hands
// the same one to every target that asks (summarize and notify targets,
// POST /invocations), so an event routed to five notifiers costs one model
// call, not five.
package explanations

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/secrets"
	"github.com/vigilhq/vigil/internal/store"
)

// Migrations create the table of shared explanations.
var Migrations = []store.Migration{{ID: "explanations/0001_shared", SQL: []string{
	`CREATE TABLE IF NOT EXISTS vigil_event_explanations (
		event_id   TEXT NOT NULL,
		lang       TEXT NOT NULL,
		docs       TEXT NOT NULL,
		engine     TEXT NOT NULL,
		created_at BIGINT NOT NULL,
		body       {blob} NOT NULL,
		PRIMARY KEY (event_id, lang, docs)
	)`,
}}}

// Service is an explain.Engine that computes each explanation once.
type Service struct {
	engine  explain.Engine
	st      *store.Store // nil: shared within the process only
	log     *slog.Logger
	secrets *secrets.Resolver
	flight  singleflight.Group
}

// New returns a Service explaining with engine and keeping explanations in
// st (nil keeps none: concurrent requests for the same explanation still
// share one computation). Every secret value rs handed out is taken out of
// each explanation (a model's error quoted in a fallback note, say) before
// it is kept or handed to a target.
func New(engine explain.Engine, st *store.Store, log *slog.Logger, rs *secrets.Resolver) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{engine: engine, st: st, log: log, secrets: rs}
}

// Name returns the engine's name.
func (s *Service) Name() string { return s.engine.Name() }

// Engine returns the engine the service explains with.
func (s *Service) Engine() explain.Engine { return s.engine }

// Explain returns the explanation of ev with opts: the stored one if the
// event was explained so already, else a new one, which is stored unless it
// is a fallback after a model failure (a later attempt may do better).
func (s *Service) Explain(ctx context.Context, ev *event.Event, opts explain.Options) (*explain.Explanation, error) {
	if ev.ID == "" {
		return s.engine.Explain(ctx, ev, opts)
	}
	k := explain.NewCacheKey(ev, s.engine, opts)
	v, err, _ := s.flight.Do(k.String(), func() (any, error) {
		if x, ok := s.load(ctx, k); ok {
			return x, nil
		}
		x, err := s.engine.Explain(ctx, ev, opts)
		if err != nil {
			return nil, s.secrets.RedactError(err)
		}
		if x, err = s.redact(x); err != nil {
			return nil, err
		}
		if x.LLM == nil || x.LLM.Fallback == "" {
			s.save(ctx, k, x)
		}
		return x, nil
	})
	if err != nil {
		return nil, err
	}
	// Each caller gets its own copy: renderers may adjust what they get.
	x := *v.(*explain.Explanation)
	return &x, nil
}

// redact returns x without any secret value, through its JSON form (the
// form it is kept in).
func (s *Service) redact(x *explain.Explanation) (*explain.Explanation, error) {
	if s.secrets == nil {
		return x, nil
	}
	b, err := json.Marshal(x)
	if err != nil {
		return nil, err
	}
	red := s.secrets.Redact(string(b))
	if red == string(b) {
		return x, nil
	}
	y := &explain.Explanation{}
	if err := json.Unmarshal([]byte(red), y); err != nil {
		return nil, errors.New("explanations: an explanation held a secret value and could not be redacted")
	}
	return y, nil
}

// stamp is what a stored explanation was made by: the engine or model and
// the version of vigil's knowledge (explain.Version). A row with another
// stamp was made by another engine or an older vigil, and is made again.
func stamp(k explain.CacheKey) string { return k.Engine + " v" + k.Version }

func (s *Service) load(ctx context.Context, k explain.CacheKey) (*explain.Explanation, bool) {
	if s.st == nil {
		return nil, false
	}
	var by string
	var body []byte
	err := s.st.Q().QueryRow(ctx, `SELECT engine, body FROM vigil_event_explanations WHERE event_id = ? AND lang = ? AND docs = ?`,
		k.EventID, string(k.Lang), string(k.Docs)).Scan(&by, &body)
	if err != nil {
		if err != store.ErrNotFound {
			s.log.Warn("reading a stored explanation failed; explaining again", "event_id", k.EventID, "error", err.Error())
		}
		return nil, false
	}
	if by != stamp(k) {
		return nil, false
	}
	x := &explain.Explanation{}
	if err := json.Unmarshal(body, x); err != nil {
		s.log.Warn("a stored explanation is unreadable; explaining again", "event_id", k.EventID, "error", err.Error())
		return nil, false
	}
	return x, true
}

// save keeps x under k, replacing an explanation of the same event,
// language and documentation policy made by another engine or an older
// vigil.
func (s *Service) save(ctx context.Context, k explain.CacheKey, x *explain.Explanation) {
	if s.st == nil {
		return
	}
	body, err := json.Marshal(x)
	if err == nil {
		_, err = s.st.Q().Exec(ctx, `INSERT INTO vigil_event_explanations (event_id, lang, docs, engine, created_at, body) VALUES (?,?,?,?,?,?)
			ON CONFLICT (event_id, lang, docs) DO UPDATE SET engine = excluded.engine, created_at = excluded.created_at, body = excluded.body`,
			k.EventID, string(k.Lang), string(k.Docs), stamp(k), store.Micros(time.Now()), body)
	}
	if err != nil {
		// The explanation is still good; the next asker computes it again.
		s.log.Warn("keeping an explanation failed", "event_id", k.EventID, "error", fmt.Sprint(err))
	}
}
