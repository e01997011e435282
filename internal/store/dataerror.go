package store

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// SQLite's primary result codes for values it refuses (sqlite3.h).
const (
	sqliteTooBig     = 18 // SQLITE_TOOBIG
	sqliteConstraint = 19 // SQLITE_CONSTRAINT
	sqliteMismatch   = 20 // SQLITE_MISMATCH
)

// IsDataError reports whether err is the database refusing a value rather
// than failing: PostgreSQL's data exceptions (SQLSTATE class 22: a NUL in
// text, "\u0000" in jsonb, a number out of range), integrity constraint
// violations (class 23) and program limits (class 54: an index entry too
// large); SQLite's TOOBIG, CONSTRAINT and MISMATCH. The same statement
// with the same values fails again, so the caller should not retry it as
// it is.
func IsDataError(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		if len(pe.Code) < 2 {
			return false
		}
		switch pe.Code[:2] {
		case "22", "23", "54":
			return true
		}
		return false
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqliteTooBig, sqliteConstraint, sqliteMismatch:
			return true
		}
	}
	return false
}
