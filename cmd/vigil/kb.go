package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/kb"
)

// kbFlags say where the policy documents and their index are.
type kbFlags struct {
	config   string
	sources  []string
	indexDir string
}

func (k *kbFlags) add(fs *pflag.FlagSet) {
	fs.StringVar(&k.config, "config", "vigil.yaml", "configuration file whose knowledge: section lists the documents (optional when --source is given)")
	fs.StringArrayVar(&k.sources, "source", nil, "a directory or s3://BUCKET/PREFIX/ of Markdown policy documents (repeatable; replaces knowledge.sources)")
	fs.StringVar(&k.indexDir, "index-dir", "", "directory of the search index (default: knowledge.index_dir, else beside the database: vigil.db.kb)")
}

// loadOptionalConfig loads the configuration file; the default file may
// be missing (then the configuration is empty), a named one may not.
func loadOptionalConfig(cmd *cobra.Command, name string) (*config.Config, error) {
	cfg, err := config.Load(name)
	if errors.Is(err, fs.ErrNotExist) && !cmd.Flags().Changed("config") {
		return config.Parse("", nil)
	}
	return cfg, err
}

// base builds the knowledge base of the flags and the configuration.
func (k *kbFlags) base(cmd *cobra.Command, aws *awsx.Provider) (*kb.Base, error) {
	cfg, err := loadOptionalConfig(cmd, k.config)
	if err != nil {
		return nil, err
	}
	kc := cfg.Knowledge
	if len(k.sources) > 0 {
		kc.Sources = k.sources
	}
	if k.indexDir != "" {
		kc.IndexDir = k.indexDir
	}
	if len(kc.Sources) == 0 {
		return nil, fmt.Errorf("no policy documents: set knowledge.sources in %s or pass --source DIR", k.config)
	}
	return kb.New(kb.Options{Sources: kc.Sources, IndexDir: kb.IndexDir(kc, cfg.Database), Refresh: kc.Refresh.D(), AWS: aws})
}

func newKBCmd(a *app) *cobra.Command {
	var ix, se kbFlags
	var limit int
	var format string
	var index, search *cobra.Command
	index = leaf("index", "index the policy documents (new, changed and removed ones)", kbIndexHelp,
		func(ctx context.Context, args []string) int { return runKBIndex(ctx, a, ix, index, args) })
	ix.add(index.Flags())
	search = leaf(`search "QUERY"`, "search the policy documents (Japanese and English)", kbSearchHelp,
		func(ctx context.Context, args []string) int {
			return runKBSearch(ctx, a, se, search, limit, format, args)
		})
	se.add(search.Flags())
	search.Flags().IntVar(&limit, "limit", 5, "at most `N` sections")
	formatFlag(search, &format, "text", "text", "json")
	return group("kb", "the organisation's policy documents: index and search (vigil kb search パスワード)", index, search)
}

const kbIndexHelp = `
Index the organisation's policy documents: Markdown files (*.md, *.markdown)
in the directories and S3 prefixes of knowledge.sources (or --source), with
optional YAML front matter (title, controls, tags, and playbook parameters
under remediate:). Documents that are new or changed since the last run are
read again, removed ones are dropped. vigil serve and vigil ask do the same
by themselves before a search when knowledge.refresh (1m) has passed.

The index is kept in knowledge.index_dir, else beside a SQLite database
(./vigil.db gives ./vigil.db.kb), else in the user's cache directory. While
a vigil serve holds it, other commands index in memory instead.

Exit status 1 when a document cannot be read (bad front matter): the others
are indexed.

Example:
  vigil kb index --source ./policies
  vigil kb index --config vigil.yaml
`

const kbSearchHelp = `
Search the policy documents, in Japanese or English, and print the sections
that match best with their document and heading: what vigil ask, its
explanations and remediation plans cite.

Japanese needs no dictionary: text is indexed as overlapping two-character
runs, so 「パスワード」 finds パスワードポリシー and not パスポート.

Example:
  vigil kb search パスワード --source ./policies
  vigil kb search "access key rotation" --format json
`

func runKBIndex(ctx context.Context, a *app, k kbFlags, cmd *cobra.Command, args []string) int {
	fail := func(code int, format string, args ...any) int {
		fmt.Fprintf(a.err, "vigil kb index: "+format+"\n", args...)
		return code
	}
	if len(args) != 0 {
		return fail(exitUsage, "takes no arguments (sources come from --source or knowledge.sources)")
	}
	b, err := k.base(cmd, a.awsProvider())
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	defer b.Close()
	st, err := b.Sync(ctx)
	if err != nil {
		return fail(exitFailure, "%v", err)
	}
	fmt.Fprintf(a.out, "indexed %d documents (%d sections) in %s: %d added, %d changed, %d removed\n",
		st.Documents, st.Sections, b.Where(), st.Added, st.Changed, st.Removed)
	if len(st.Failed) > 0 {
		paths := make([]string, 0, len(st.Failed))
		for p := range st.Failed {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		for _, p := range paths {
			fmt.Fprintf(a.err, "vigil kb index: not indexed: %s\n", st.Failed[p])
		}
		return exitFailure
	}
	return exitOK
}

func runKBSearch(ctx context.Context, a *app, k kbFlags, cmd *cobra.Command, limit int, format string, args []string) int {
	fail := func(code int, f string, args ...any) int {
		fmt.Fprintf(a.err, "vigil kb search: "+f+"\n", args...)
		return code
	}
	if len(args) != 1 || strings.TrimSpace(args[0]) == "" {
		return fail(exitUsage, `give one QUERY, e.g. vigil kb search "パスワード"`)
	}
	if limit < 1 || limit > 100 {
		return fail(exitUsage, "--limit: want 1 to 100, got %d", limit)
	}
	b, err := k.base(cmd, a.awsProvider())
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	defer b.Close()
	hits, err := b.Search(ctx, args[0], limit)
	if err != nil {
		return fail(exitFailure, "%v", err)
	}
	if format == "json" {
		if hits == nil {
			hits = []kb.Hit{}
		}
		enc := json.NewEncoder(a.out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(struct {
			Query string   `json:"query"`
			Hits  []kb.Hit `json:"hits"`
		}{args[0], hits}); err != nil {
			return fail(exitFailure, "%v", err)
		}
		return exitOK
	}
	if len(hits) == 0 {
		fmt.Fprintf(a.out, "no section matches %q\n", args[0])
		return exitOK
	}
	for i, h := range hits {
		fmt.Fprintf(a.out, "%d. %s\n", i+1, h.Citation)
		if h.Snippet != "" {
			fmt.Fprintf(a.out, "   %s\n", h.Snippet)
		}
	}
	return exitOK
}
