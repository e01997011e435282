package jobs

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/vigilhq/vigil/internal/store"
)

// River's defaults for what InsertOpts leaves unset (river.Config's
// MaxAttempts, rivercommon's priority and queue).
const (
	riverMaxAttempts = 25
	riverPriority    = 1
)

// sqliteTime is the format River's SQLite driver stores times in (see
// riversqlite's timeString): anything else stores fine and then compares
// wrongly against datetime('now').
const sqliteTime = "2006-01-02 15:04:05.000"

// sqliteRowsPerInsert bounds the rows of one INSERT (at most 6 parameters
// each, under SQLite's 32,766).
const sqliteRowsPerInsert = 500

// insertSQLite writes params as River job rows with plain multi-row
// INSERTs in tx. It is what River's SQLite insert does, without its
// detour: River packs every job into one JSON document and unpacks it
// in SQL with json_each and a json_extract per column, which costs several
// times the row insert itself and was the largest single cost of
// accepting an event. The rows are the ones River writes (same columns,
// defaults, time format and state rules, see river's
// insertParamsFromConfigArgsAndOptions); on SQLite River has no insert
// notification to send (producers poll).
//
// It reports false, having written nothing, for what it does not
// reproduce (unique, pending or tagged jobs, other queues, args that carry
// their own insert options): the caller then uses River's path.
func insertSQLite(ctx context.Context, tx store.Tx, kinds []string, params []river.InsertManyParams) (bool, error) {
	for _, p := range params {
		if _, ok := p.Args.(river.JobArgsWithInsertOpts); ok {
			return false, nil
		}
		if o := p.InsertOpts; o != nil && (o.Pending || unique(o.UniqueOpts) || len(o.Tags) > 0 || o.Queue != "" && o.Queue != river.QueueDefault) {
			return false, nil
		}
	}
	// Values every row shares are boxed once; the common options are
	// written as literals (fewer parameters to bind per row).
	var now any = time.Now().UTC().Format(sqliteTime)
	for start := 0; start < len(params); start += sqliteRowsPerInsert {
		end := min(start+sqliteRowsPerInsert, len(params))
		var b strings.Builder
		b.Grow(160 + 64*(end-start))
		b.WriteString(`INSERT INTO river_job (args, created_at, kind, max_attempts, metadata, priority, queue, scheduled_at, state, tags) VALUES `)
		vals := make([]any, 0, 5*(end-start))
		for i, p := range params[start:end] {
			kind := p.Args.Kind()
			if len(kinds) > 0 && !knownKind(kinds, kind) {
				return false, fmt.Errorf("job kind %q is not registered (no worker for it)", kind)
			}
			args, err := json.Marshal(p.Args)
			if err != nil {
				return false, fmt.Errorf("error marshaling args to JSON: %w", err)
			}
			o := p.InsertOpts
			if o == nil {
				o = &river.InsertOpts{}
			}
			prio := cmp.Or(o.Priority, riverPriority)
			if prio < 1 || prio > 4 {
				return false, fmt.Errorf("job %s: priority must be between 1 and 4, got %d", kind, prio)
			}
			if i > 0 {
				b.WriteByte(',')
			}
			// The arguments are bound as bytes and read as text: jsonb()
			// of a blob would take it for JSONB already.
			b.WriteString("(jsonb(CAST(? AS TEXT)),?,?,?,")
			vals = append(vals, args, now, kind, cmp.Or(o.MaxAttempts, riverMaxAttempts))
			if len(o.Metadata) == 0 {
				b.WriteString("jsonb('{}'),")
			} else {
				b.WriteString("jsonb(CAST(? AS TEXT)),")
				vals = append(vals, o.Metadata)
			}
			b.WriteString(strconv.Itoa(prio) + ",'" + river.QueueDefault + "',")
			if o.ScheduledAt.IsZero() {
				b.WriteString("?,'" + string(rivertype.JobStateAvailable) + "',jsonb('[]'))")
				vals = append(vals, now)
			} else {
				b.WriteString("?,'" + string(rivertype.JobStateScheduled) + "',jsonb('[]'))")
				vals = append(vals, o.ScheduledAt.UTC().Round(time.Millisecond).Format(sqliteTime))
			}
		}
		if _, err := tx.Exec(ctx, b.String(), vals...); err != nil {
			return false, err
		}
	}
	return true, nil
}

// unique reports whether u asks for a unique job (river's
// UniqueOpts.isEmpty, negated).
func unique(u river.UniqueOpts) bool {
	return u.ByArgs || u.ByPeriod != 0 || u.ByQueue || u.ByState != nil || u.ExcludeKind
}

func knownKind(kinds []string, k string) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}
