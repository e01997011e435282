package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/operator"
	"github.com/vigilhq/vigil/internal/pipeline"
	"github.com/vigilhq/vigil/internal/store"
)

// apiFlags are where an operator command (silence, deadletters, events,
// rules, replay) does its work: a running vigil serve (--server URL, its
// operator API, with the API key in VIGIL_API_KEY), or the database and
// configuration directly (--config, --database).
type apiFlags struct {
	db     dbFlags
	server string
}

func (f *apiFlags) add(fs *pflag.FlagSet) {
	f.db.add(fs)
	fs.StringVar(&f.server, "server", "", "work through the vigil serve at `URL` (its operator API; API key from VIGIL_API_KEY) instead of opening the database")
}

// remote returns the client of --server, or nil without it.
func (f apiFlags) remote() operator.API {
	if f.server == "" {
		return nil
	}
	return &operator.Client{URL: f.server, APIKey: os.Getenv("VIGIL_API_KEY")}
}

// onDatabase returns the verbs on the database: an existing one (for
// commands that read or change what is there), or created if missing
// (create, for commands that add). withConfig also reads the
// configuration (--config) when it is to be read.
func (f apiFlags) onDatabase(ctx context.Context, create, withConfig bool) (operator.API, func(), error) {
	if api := f.remote(); api != nil {
		return api, func() {}, nil
	}
	var cfg *config.Config
	if withConfig && f.db.configGiven() {
		var err error
		if cfg, err = f.db.loadConfig(); err != nil {
			return nil, nil, err
		}
	}
	open := f.db.openExisting
	if create {
		open = f.db.open
	}
	st, err := open(ctx)
	if err != nil {
		return nil, nil, err
	}
	l := &operator.Local{Store: st}
	if cfg != nil {
		l.Config = func() *config.Config { return cfg }
	}
	return l, func() { st.Close() }, nil
}

// onPipeline returns the verbs on a pipeline assembled from the
// configuration (--config; its database, or --database): for rules test
// (stateless: no database) and replay (insert-only: the running vigil
// serve delivers what it queues).
func (f apiFlags) onPipeline(ctx context.Context, a *app, stateless bool) (operator.API, func(), error) {
	if api := f.remote(); api != nil {
		return api, func() {}, nil
	}
	cfg, err := f.db.loadConfig()
	if err != nil {
		return nil, nil, err
	}
	deps := pipeline.Deps{AWS: a.awsProvider(), Stateless: stateless, Workers: -1}
	if !stateless {
		dsn, from, err := f.db.dsn()
		if err != nil {
			return nil, nil, err
		}
		if path := store.SQLiteFile(dsn); path != "" {
			if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
				return nil, nil, fmt.Errorf("%w: %s (%s): the file %s does not exist; give the database vigil serve uses", errNoDatabase, dsn, from, path)
			}
		}
		cfg.Database = dsn
		if deps.Store, err = pipeline.OpenStore(ctx, dsn, true); err != nil {
			return nil, nil, err
		}
	}
	p, err := pipeline.New(ctx, cfg, deps)
	if err != nil {
		if deps.Store != nil {
			deps.Store.Close()
		}
		return nil, nil, err
	}
	return p.Operator(), func() {
		p.Stop(context.WithoutCancel(ctx))
		if deps.Store != nil {
			deps.Store.Close()
		}
	}, nil
}

// apiFailed prints err for the command who and returns its exit status:
// 2 for what the user must change (bad input, a missing database, a verb
// that needs --config), 1 otherwise. The operator API's field names are
// given as the command's flags.
func apiFailed(io stdio, who string, err error, flags map[string]string) int {
	msg := err.Error()
	for field, flag := range flags {
		if rest, ok := strings.CutPrefix(msg, field+": "); ok {
			msg = flag + ": " + rest
			break
		}
	}
	fmt.Fprintf(io.err, "%s: %s\n", who, msg)
	if errors.Is(err, errNoDatabase) {
		return exitUsage
	}
	switch operator.StatusOf(err) {
	case 400, 413, 501:
		return exitUsage
	}
	return exitFailure
}
