package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// migrate brings the database behind db (the writer) to version len(migs).
//
// The version is checked before anything is written: a database newer than
// migs is refused without even switching it to WAL. Then the file is put in
// WAL mode (a persistent property that cannot change inside a transaction)
// and the missing migrations run in one IMMEDIATE transaction together with
// the new user_version, so a failure leaves version and schema as they were.
func migrate(ctx context.Context, db *sql.DB, migs []string) error {
	version, err := userVersion(ctx, db)
	if err != nil {
		return err
	}
	if version > len(migs) {
		return &tooNewError{db: version, binary: len(migs)}
	}

	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode); err != nil {
		return fmt.Errorf("store: enable WAL: %w", err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("store: enable WAL: journal mode is %q", mode)
	}
	if version == len(migs) {
		return nil
	}

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: migrate: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // no-op after a successful commit

	// Read again under the write lock: another process may have upgraded
	// the file in between.
	if version, err = userVersion(ctx, tx); err != nil {
		return err
	}
	if version > len(migs) {
		return &tooNewError{db: version, binary: len(migs)}
	}
	for i := version; i < len(migs); i++ {
		if _, err := tx.ExecContext(ctx, migs[i]); err != nil {
			return fmt.Errorf("store: migration %d: %w", i+1, err)
		}
	}
	// PRAGMA arguments cannot be bound; len(migs) is an int we control.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(migs))); err != nil {
		return fmt.Errorf("store: migrate: set user_version: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: migrate: commit: %w", err)
	}
	return nil
}

// queryRower is satisfied by *sql.DB, *sql.Conn and *sql.Tx.
type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// userVersion reads PRAGMA user_version.
func userVersion(ctx context.Context, q queryRower) (int, error) {
	var v int
	if err := q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return 0, fmt.Errorf("store: read schema version: %w", err)
	}
	return v, nil
}
