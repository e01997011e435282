package investigate

import (
	"log/slog"

	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/store"
)

// Service is investigation on one database: loading, timelines, related
// entities and entity summaries. It is safe for concurrent use.
type Service struct {
	st        *store.Store
	opts      Options
	aws       *awsx.Provider
	log       *slog.Logger
	sensitive sensitiveSet
}

// New returns the service on st, whose schema Migrations created.
func New(st *store.Store, opts Options) *Service {
	opts = opts.withDefaults()
	return &Service{st: st, opts: opts, aws: opts.AWS, log: opts.Logger, sensitive: compileSensitive(opts.Sensitive)}
}

// Options returns the options the service runs with (defaults filled in).
func (s *Service) Options() Options { return s.opts }
