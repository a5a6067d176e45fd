package store

import (
	"errors"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// constraintErrors maps the column named by a failed UNIQUE or PRIMARY KEY
// constraint ("UNIQUE constraint failed: bindings.phone") to its sentinel.
var constraintErrors = []struct {
	column string
	err    error
}{
	{"bindings.phone", ErrPhoneBound},
	{"bindings.imid", ErrIMIDTaken},
	{"bindings.nick", ErrNickTaken},
}

// mapConstraint returns the sentinel for a uniqueness violation reported by
// SQLite, or nil if err is something else. SQLite's message names the
// table and column but never the offending value, so nothing private is
// lost or exposed either way.
func mapConstraint(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return nil
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
	default:
		return nil
	}
	msg := se.Error()
	for _, c := range constraintErrors {
		if strings.HasSuffix(msg, c.column) || strings.Contains(msg, c.column+" ") {
			return c.err
		}
	}
	return nil
}
