package jobs

import (
	"context"
	"fmt"
	"regexp"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// argField is what JobsWithArg accepts as a field name: it becomes part of
// the SQL.
var argField = regexp.MustCompile(`^[a-z_]{1,40}$`)

// JobsWithArg returns up to limit jobs of kind whose arguments' top-level
// field equals value (as long as River keeps them: finished jobs are
// deleted after jobs.retention), oldest first, each with its attempts'
// errors. With PostgreSQL, River's GIN index on the arguments does not
// serve this ->> comparison either, so it reads the kind's jobs: for
// pages showing one event's deliveries, not for bulk use.
func (q *Queue) JobsWithArg(ctx context.Context, kind, field, value string, limit int) ([]*rivertype.JobRow, error) {
	if !argField.MatchString(field) {
		return nil, fmt.Errorf("job queue: bad argument field %q", field)
	}
	c, err := q.client()
	if err != nil {
		return nil, err
	}
	params := river.NewJobListParams().Kinds(kind).First(limit).
		Where("args->>'"+field+"' = @value", river.NamedArgs{"value": value})
	return c.list(ctx, params)
}
