package investigate

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vigilhq/vigil/internal/store"
)

// LoadStats is what a load did.
type LoadStats struct {
	// Files is how many log files were read; FilesSkipped how many were
	// not, being loaded completely by an earlier run.
	Files, FilesSkipped int
	// Loaded is the records stored; Skipped the records already stored
	// (in files loaded before, or again in files read again); Bad the
	// records that could not be read (no eventID, bad eventTime).
	Loaded, Skipped, Bad int
	// Elapsed is the load's wall time.
	Elapsed time.Duration

	filesSkippedRecords int // of Skipped, those in files not read
}

// RecordsPerSecond is the rate at which records were read (stored or
// found already stored).
func (s LoadStats) RecordsPerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Loaded+s.Skipped-s.filesSkippedRecords) / s.Elapsed.Seconds()
}

// LoadOptions tune a load.
type LoadOptions struct {
	// BatchRecords is how many records one transaction stores (several
	// small files share one; a big file is split); 50,000 by default.
	BatchRecords int
	// Readers is how many files are read and parsed at once; the number
	// of CPUs by default.
	Readers int
	// Progress, when set, is called after each committed transaction.
	Progress func(LoadStats)
}

// Load stores the CloudTrail records of the log files at path: a
// directory (searched recursively), one file, or s3://BUCKET/PREFIX.
//
// It is incremental and resumable: files loaded completely by an earlier
// run (same name, size and ETag or modification time) are not read again;
// records are committed every BatchRecords, and a file is recorded as
// loaded in the transaction that stores its last records, so a load that
// is killed loses nothing committed and the next run reads only the files
// it had not finished. A record is stored once, by eventID, however often
// it is read.
func (s *Service) Load(ctx context.Context, path string, opts LoadOptions) (LoadStats, error) {
	var src source
	var err error
	if strings.HasPrefix(path, "s3://") {
		src, err = newS3Source(path, s.aws)
	} else {
		src, err = newDirSource(path)
	}
	if err != nil {
		return LoadStats{}, err
	}
	return s.load(ctx, src, opts)
}

// fileResult is one log file read and parsed.
type fileResult struct {
	f    logFile
	recs []*Record
	bad  int
	err  error
}

func (s *Service) load(ctx context.Context, src source, opts LoadOptions) (LoadStats, error) {
	start := time.Now()
	if opts.BatchRecords <= 0 {
		opts.BatchRecords = 50000
	}
	if opts.Readers <= 0 {
		opts.Readers = runtime.GOMAXPROCS(0)
	}
	var stats LoadStats
	files, err := src.list(ctx)
	if err != nil {
		return stats, err
	}
	done, err := loadedFiles(ctx, s.st.Q(), src.prefix())
	if err != nil {
		return stats, err
	}
	var todo []logFile
	for _, f := range files {
		if prev, ok := done[f.name]; ok && prev.size == f.size && prev.etag == f.etag {
			stats.FilesSkipped++
			stats.Skipped += int(prev.records)
			stats.filesSkippedRecords += int(prev.records)
			continue
		}
		todo = append(todo, f)
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan logFile)
	results := make(chan fileResult, opts.Readers)
	var wg sync.WaitGroup
	for range opts.Readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range jobs {
				res := fileResult{f: f}
				rc, err := src.open(ctx, f)
				if err == nil {
					res.recs, res.bad, err = readLogFile(rc)
					rc.Close()
				}
				if err != nil {
					res.err = fmt.Errorf("load: %s: %w", f.name, err)
				}
				select {
				case results <- res:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, f := range todo {
			select {
			case jobs <- f:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(results)
	}()

	b := &loadBatch{}
	flush := func() error {
		if len(b.recs) == 0 && len(b.files) == 0 {
			return nil
		}
		var n int
		err := s.st.InTx(ctx, func(tx store.Tx) error {
			if err := bulkCache(ctx, s.st, tx); err != nil {
				return err
			}
			var err error
			if n, err = writeRecords(ctx, s.st.Kind(), tx, b.recs, b.srcs); err != nil {
				return err
			}
			return markLoaded(ctx, tx, b.files)
		})
		if err != nil {
			return err
		}
		stats.Loaded += n
		stats.Skipped += len(b.recs) - n
		stats.Files += len(b.files)
		b.reset()
		if opts.Progress != nil {
			st := stats
			st.Elapsed = time.Since(start)
			opts.Progress(st)
		}
		return nil
	}
	var firstErr error
	for res := range results {
		if res.err != nil {
			if firstErr == nil {
				firstErr = res.err
			}
			// The other files are still loaded; the failed one is not
			// recorded, so the next run tries it again.
			continue
		}
		stats.Bad += res.bad
		src := hashID(res.f.name)
		recs := res.recs
		for len(recs) > 0 {
			take := min(len(recs), opts.BatchRecords-len(b.recs))
			b.add(recs[:take], src)
			recs = recs[take:]
			if len(recs) == 0 {
				b.files = append(b.files, loadedFile{logFile: res.f, records: int64(len(res.recs))})
			}
			if len(b.recs) >= opts.BatchRecords {
				if err := flush(); err != nil {
					cancel()
					return s.finish(stats, start), err
				}
			}
		}
		if len(res.recs) == 0 {
			b.files = append(b.files, loadedFile{logFile: res.f})
		}
	}
	if ctx.Err() != nil {
		return s.finish(stats, start), ctx.Err()
	}
	if err := flush(); err != nil {
		return s.finish(stats, start), err
	}
	return s.finish(stats, start), firstErr
}

func (s *Service) finish(stats LoadStats, start time.Time) LoadStats {
	stats.Elapsed = time.Since(start)
	return stats
}

// bulkCacheKiB is the SQLite page cache a load's connection uses: SQLite's
// default (2 MiB) holds a fraction of the indexes a load updates, and
// every other page then costs a read from the file. The memory is taken
// only as pages are used (128 MiB is most of the indexes of a few million
// records).
const bulkCacheKiB = 131072

// bulkCheckpointPages is how many pages a load lets SQLite's WAL hold
// before copying them into the database file (64 MiB of 4 KiB pages).
const bulkCheckpointPages = 16384

// bulkCache gives tx's connection a bigger page cache for a bulk write
// on SQLite.
func bulkCache(ctx context.Context, st *store.Store, tx store.Tx) error {
	if st.Kind() != store.SQLite {
		return nil
	}
	if _, err := tx.Exec(ctx, `PRAGMA cache_size = -`+strconv.Itoa(bulkCacheKiB)); err != nil {
		return err
	}
	// A checkpoint copies every page the WAL holds into the database
	// file. SQLite's default (every 1,000 pages) checkpoints after every
	// transaction of a load, copying the same index pages again and
	// again; every bulkCheckpointPages, each page is copied once for
	// several transactions.
	_, err := tx.Exec(ctx, `PRAGMA wal_autocheckpoint = `+strconv.Itoa(bulkCheckpointPages))
	return err
}

// loadBatch is what the next transaction stores.
type loadBatch struct {
	recs  []*Record
	srcs  []int64
	files []loadedFile
}

func (b *loadBatch) add(recs []*Record, src int64) {
	b.recs = append(b.recs, recs...)
	for range recs {
		b.srcs = append(b.srcs, src)
	}
}

func (b *loadBatch) reset() {
	b.recs, b.srcs, b.files = b.recs[:0], b.srcs[:0], b.files[:0]
}

// loadedFile is a log file recorded as loaded, with its record count.
type loadedFile struct {
	logFile
	records int64
}

// loadedFiles returns the files under prefix recorded as loaded.
func loadedFiles(ctx context.Context, q store.Querier, prefix string) (map[string]loadedFile, error) {
	rows, err := q.Query(ctx, `SELECT name, size, etag, records FROM inv_files WHERE name >= ? AND name < ?`, prefix, prefix+"\U0010FFFF")
	if err != nil {
		return nil, fmt.Errorf("load: reading loaded files: %w", err)
	}
	defer rows.Close()
	out := map[string]loadedFile{}
	for rows.Next() {
		var f loadedFile
		if err := rows.Scan(&f.name, &f.size, &f.etag, &f.records); err != nil {
			return nil, err
		}
		out[f.name] = f
	}
	return out, rows.Err()
}

func markLoaded(ctx context.Context, tx store.Tx, files []loadedFile) error {
	if len(files) == 0 {
		return nil
	}
	now := store.Micros(time.Now())
	args := make([]any, 0, len(files)*5)
	seen := map[string]bool{}
	for _, f := range files {
		if seen[f.name] {
			continue
		}
		seen[f.name] = true
		args = append(args, f.name, f.size, f.etag, f.records, now)
	}
	err := bulkExec(ctx, tx, `INSERT INTO inv_files AS x (name, size, etag, records, loaded_at)`, 5,
		`ON CONFLICT (name) DO UPDATE SET size = excluded.size, etag = excluded.etag, records = excluded.records, loaded_at = excluded.loaded_at`, args)
	if err != nil {
		return fmt.Errorf("load: recording loaded files: %w", err)
	}
	return nil
}

// errNotLoaded is wrapped by errors about an entity that no loaded record
// names.
var errNotLoaded = errors.New("not seen in any loaded CloudTrail record")

// queryError is a query that cannot be answered as asked (a window that
// ends before it starts, a timeline of a region).
type queryError struct{ msg string }

func (e *queryError) Error() string { return e.msg }

// IsNotFound reports whether err says no loaded record names the entity.
func IsNotFound(err error) bool { return errors.Is(err, errNotLoaded) }

// IsBadQuery reports whether err says the query itself was wrong.
func IsBadQuery(err error) bool {
	var q *queryError
	return errors.As(err, &q)
}
