package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/pflag"

	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/pipeline"
	"github.com/vigilhq/vigil/internal/store"
)

// dbFlags are --config and --database, which name the database a command
// opens.
type dbFlags struct {
	config, database string
	fs               *pflag.FlagSet
}

func (d *dbFlags) add(fs *pflag.FlagSet) {
	d.fs = fs
	fs.StringVar(&d.config, "config", "vigil.yaml", "configuration file (its database is used)")
	fs.StringVar(&d.database, "database", "", "database URL (overrides the configuration's)")
}

// errNoDatabase says a command that reads was pointed at a SQLite file that
// does not exist; it is a usage error.
var errNoDatabase = errors.New("no such database")

// configGiven reports whether the configuration is to be read: --config
// was given, or no --database.
func (d dbFlags) configGiven() bool {
	return d.database == "" || d.fs != nil && d.fs.Changed("config")
}

// loadConfig loads the configuration --config names.
func (d dbFlags) loadConfig() (*config.Config, error) {
	return config.Load(d.config)
}

// dsn returns the database URL and where it came from, for errors.
func (d dbFlags) dsn() (dsn, from string, err error) {
	if d.database != "" {
		return d.database, "--database", nil
	}
	cfg, err := d.loadConfig()
	if err != nil {
		return "", "", err
	}
	return cfg.Database, "database: in " + d.config, nil
}

// open opens the database, creating it if it does not exist: for commands
// that write (silence add).
func (d dbFlags) open(ctx context.Context) (*store.Store, error) {
	dsn, _, err := d.dsn()
	if err != nil {
		return nil, err
	}
	return pipeline.OpenStore(ctx, dsn, true)
}

// openExisting opens the database, refusing a SQLite file that does not
// exist (errNoDatabase): for commands that read, or change what is already
// there, where a mistyped path would otherwise show an empty database.
func (d dbFlags) openExisting(ctx context.Context) (*store.Store, error) {
	dsn, from, err := d.dsn()
	if err != nil {
		return nil, err
	}
	if path := store.SQLiteFile(dsn); path != "" {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s (%s): the file %s does not exist; give the database vigil serve uses", errNoDatabase, dsn, from, path)
		}
	}
	return pipeline.OpenStore(ctx, dsn, true)
}
