package investigate

import (
	"context"
	"strings"

	"github.com/vigilhq/vigil/internal/store"
)

// bulkChunk is the most rows one statement carries. Statements are sent in
// chunks of 128, 64, ... 1 rows, so each table has at most eight distinct
// statement texts and the connection's statement cache keeps them
// prepared.
const bulkChunk = 128

// bulkExec runs "head VALUES (?,…),(?,…) tail" over rows of cols values
// each (args is flat).
func bulkExec(ctx context.Context, q store.Querier, head string, cols int, tail string, args []any) error {
	return bulkChunks(len(args)/cols, func(start, n int) error {
		_, err := q.Exec(ctx, bulkSQL(head, cols, n, tail), args[start*cols:(start+n)*cols]...)
		return err
	})
}

// bulkQuery is bulkExec for a statement with RETURNING: scan is called for
// every row returned.
func bulkQuery(ctx context.Context, q store.Querier, head string, cols int, tail string, args []any, scan func(store.Rows) error) error {
	return bulkChunks(len(args)/cols, func(start, n int) error {
		rows, err := q.Query(ctx, bulkSQL(head, cols, n, tail), args[start*cols:(start+n)*cols]...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

func bulkChunks(rows int, fn func(start, n int) error) error {
	for start := 0; start < rows; {
		n := bulkChunk
		for n > rows-start {
			n /= 2
		}
		if err := fn(start, n); err != nil {
			return err
		}
		start += n
	}
	return nil
}

func bulkSQL(head string, cols, n int, tail string) string {
	var b strings.Builder
	b.Grow(len(head) + len(tail) + n*(cols*2+3) + 8)
	b.WriteString(head)
	b.WriteString(" VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for j := range cols {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('?')
		}
		b.WriteByte(')')
	}
	b.WriteByte(' ')
	b.WriteString(tail)
	return b.String()
}
