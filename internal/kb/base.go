package kb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/vigilhq/vigil/internal/awsx"
)

// Options configure a Base.
type Options struct {
	// Sources are directories or s3://bucket/prefix/ URLs.
	Sources []string
	// IndexDir keeps the index on disk; "" keeps it in memory (rebuilt
	// from the sources by each process).
	IndexDir string
	// Refresh is how long a check of the sources stays fresh: a search
	// after that looks for changed documents first. 1 minute when 0.
	Refresh time.Duration
	// AWS reads S3 sources.
	AWS *awsx.Provider
	// Logger receives warnings (a source that cannot be read); none when
	// nil.
	Logger *slog.Logger
}

// Base is the knowledge base: the configured sources and their index. It
// opens nothing until first used, and is safe for concurrent use.
type Base struct {
	opts    Options
	sources []source

	syncMu sync.Mutex // one sync at a time

	mu     sync.RWMutex // guards the fields below
	idx    bleve.Index
	where  string
	man    manifest
	synced time.Time
	// lastErr is why the last sync could not read every source.
	lastErr error
	closed  bool
}

// manifest is what the index holds, by document path: kept inside the
// index (bleve's internal storage), written in the same batch as the
// sections, so index and manifest never disagree.
type manifest struct {
	Schema int                 `json:"schema"`
	Docs   map[string]docState `json:"docs"`
}

type docState struct {
	Version   string                     `json:"version"`
	Title     string                     `json:"title"`
	Sections  int                        `json:"sections"`
	Controls  []string                   `json:"controls,omitempty"`
	Remediate map[string]json.RawMessage `json:"remediate,omitempty"`
	// Err is why the document could not be indexed (bad front matter);
	// it is tried again when it changes.
	Err string `json:"error,omitempty"`
}

var manifestKey = []byte("vigil-manifest")

// New returns the knowledge base opts describe. It checks the sources'
// names but contacts nothing and opens nothing.
func New(opts Options) (*Base, error) {
	if opts.Refresh <= 0 {
		opts.Refresh = time.Minute
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	b := &Base{opts: opts}
	for _, spec := range opts.Sources {
		s, err := newSource(spec, opts.AWS)
		if err != nil {
			return nil, err
		}
		b.sources = append(b.sources, s)
	}
	return b, nil
}

// Where says where the index is kept: its directory, or "memory".
func (b *Base) Where() string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.where != "" {
		return b.where
	}
	if b.opts.IndexDir == "" {
		return "memory"
	}
	return b.opts.IndexDir
}

// Close closes the index.
func (b *Base) Close() error {
	b.syncMu.Lock()
	defer b.syncMu.Unlock()
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	if b.idx == nil {
		return nil
	}
	err := b.idx.Close()
	b.idx = nil
	return err
}

// open opens the index once; the caller holds syncMu. When another
// process (a running vigil serve) holds the index on disk, the base is
// built in memory from the sources instead.
func (b *Base) open() error {
	if b.closed {
		return errors.New("knowledge base: closed")
	}
	if b.idx != nil {
		return nil
	}
	idx, err := openIndex(b.opts.IndexDir)
	where := b.opts.IndexDir
	if errors.Is(err, errInUse) {
		b.opts.Logger.Warn("knowledge index in use by another process; indexing in memory", "index_dir", b.opts.IndexDir)
		idx, err = openIndex("")
		where = "memory (" + b.opts.IndexDir + " is in use by another vigil process)"
	}
	if err != nil {
		return err
	}
	man := manifest{Schema: schemaVersion, Docs: map[string]docState{}}
	raw, err := idx.GetInternal(manifestKey)
	if err != nil {
		idx.Close()
		return fmt.Errorf("knowledge index %s: %w", where, err)
	}
	if len(raw) > 0 {
		var m manifest
		if json.Unmarshal(raw, &m) == nil && m.Schema == schemaVersion && m.Docs != nil {
			man = m
		} else if b.opts.IndexDir != "" && where == b.opts.IndexDir {
			// Another version's index: rebuild it.
			idx.Close()
			if err := os.RemoveAll(b.opts.IndexDir); err != nil {
				return fmt.Errorf("knowledge index %s: removing an index of another version: %w", where, err)
			}
			if idx, err = openIndex(b.opts.IndexDir); err != nil {
				return err
			}
		}
	}
	b.mu.Lock()
	b.idx, b.where, b.man = idx, where, man
	b.mu.Unlock()
	return nil
}

// Stats says what a sync did.
type Stats struct {
	Documents int // documents in the index after the sync
	Sections  int
	Added     int
	Changed   int
	Removed   int
	// Failed are documents that could not be indexed, with why.
	Failed map[string]string
}

// Sync brings the index up to date with the sources: new and changed
// documents are (re-)indexed, removed ones dropped. A source that cannot
// be listed fails the sync and leaves its documents as they were.
func (b *Base) Sync(ctx context.Context) (Stats, error) {
	b.syncMu.Lock()
	defer b.syncMu.Unlock()
	return b.syncLocked(ctx)
}

func (b *Base) syncLocked(ctx context.Context) (Stats, error) {
	var st Stats
	if err := b.open(); err != nil {
		return st, err
	}
	b.mu.RLock()
	idx, old := b.idx, b.man
	b.mu.RUnlock()

	seen := map[string]bool{}
	var listErrs []error
	type todo struct {
		src source
		e   entry
	}
	var work []todo
	for _, s := range b.sources {
		es, err := s.list(ctx)
		if err != nil {
			listErrs = append(listErrs, err)
			continue
		}
		for _, e := range es {
			if seen[e.Path] {
				continue // two sources overlap: the first one's
			}
			seen[e.Path] = true
			if d, ok := old.Docs[e.Path]; !ok || d.Version != e.Version {
				work = append(work, todo{s, e})
			}
		}
	}
	next := manifest{Schema: schemaVersion, Docs: make(map[string]docState, len(old.Docs))}
	for p, d := range old.Docs {
		next.Docs[p] = d
	}
	batch := idx.NewBatch()
	drop := func(p string) {
		for i := range old.Docs[p].Sections {
			batch.Delete(sectionID(p, i))
		}
	}
	// A document is dropped only when every source could be listed: one
	// missing from a source that failed to answer may still be there.
	for p := range old.Docs {
		if !seen[p] && len(listErrs) == 0 {
			drop(p)
			delete(next.Docs, p)
			st.Removed++
		}
	}
	for _, w := range work {
		data, err := w.src.read(ctx, w.e.Path)
		if err != nil {
			listErrs = append(listErrs, err)
			continue
		}
		if _, ok := old.Docs[w.e.Path]; ok {
			drop(w.e.Path)
			st.Changed++
		} else {
			st.Added++
		}
		d, err := Parse(w.e.Path, data)
		if err != nil {
			next.Docs[w.e.Path] = docState{Version: w.e.Version, Err: err.Error()}
			b.opts.Logger.Warn("knowledge document not indexed", "path", w.e.Path, "error", err.Error())
			continue
		}
		for i, s := range d.Sections {
			heading := s.Heading
			if heading == "" {
				heading = d.Title
			}
			if err := batch.Index(sectionID(d.Path, i), indexedSection{Path: d.Path, Title: d.Title, Heading: heading, Body: s.Body, Controls: d.Controls}); err != nil {
				return st, fmt.Errorf("knowledge index: %s: %w", d.Path, err)
			}
		}
		next.Docs[d.Path] = docState{Version: w.e.Version, Title: d.Title, Sections: len(d.Sections), Controls: d.Controls, Remediate: d.Remediate}
	}
	raw, err := json.Marshal(next)
	if err != nil {
		return st, err
	}
	batch.SetInternal(manifestKey, raw)
	if err := idx.Batch(batch); err != nil {
		return st, fmt.Errorf("knowledge index %s: %w", b.Where(), err)
	}
	b.mu.Lock()
	b.man = next
	b.synced = time.Now()
	b.lastErr = errors.Join(listErrs...)
	b.mu.Unlock()
	for p, d := range next.Docs {
		if d.Err != "" {
			if st.Failed == nil {
				st.Failed = map[string]string{}
			}
			st.Failed[p] = d.Err
			continue
		}
		st.Documents++
		st.Sections += d.Sections
	}
	return st, errors.Join(listErrs...)
}

func sectionID(path string, i int) string { return path + "#" + strconv.Itoa(i) }

// fresh syncs when the last sync is older than Options.Refresh. A failed
// check is logged and the index answers as it is, unless it was never
// built.
func (b *Base) fresh(ctx context.Context) error {
	b.syncMu.Lock()
	defer b.syncMu.Unlock()
	b.mu.RLock()
	stale := b.idx == nil || time.Since(b.synced) >= b.opts.Refresh
	empty, lastErr := len(b.man.Docs) == 0, b.lastErr
	b.mu.RUnlock()
	if !stale {
		if empty && lastErr != nil {
			return lastErr
		}
		return nil
	}
	if _, err := b.syncLocked(ctx); err != nil {
		b.mu.RLock()
		empty = len(b.man.Docs) == 0
		b.mu.RUnlock()
		if empty {
			return err
		}
		b.opts.Logger.Warn("knowledge sources not all read; answering from the index as it is", "error", err.Error())
	}
	return nil
}

// Documents returns the paths of the indexed documents, sorted.
func (b *Base) Documents(ctx context.Context) ([]string, error) {
	if err := b.fresh(ctx); err != nil {
		return nil, err
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	var out []string
	for p, d := range b.man.Docs {
		if d.Err == "" {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out, nil
}
