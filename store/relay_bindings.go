package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// CreateBindingFromMO is [Store.CreateBinding] for a phone bound on first
// use: in the same transaction it records moID as the MO that created the
// binding, so that when that MO is handed to the relay again after a crash
// the relay knows it still owes the user the "you are ..." message
// ([Store.RegisteringMO]). Arguments and errors are those of CreateBinding,
// plus [ErrInvalid] for a moID that is not positive.
func (s *Store) CreateBindingFromMO(ctx context.Context, b *Binding, moID int64) error {
	if moID <= 0 {
		return fmt.Errorf("%w: mo id must be positive", ErrInvalid)
	}
	b.CreatedAt, b.UpdatedAt = time.Time{}, time.Time{}
	return s.createBinding(ctx, b, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx,
			"INSERT INTO relay_registrations (imid, mo_id) VALUES (?, ?)", b.IMID, moID); err != nil {
			return fmt.Errorf("store: create binding: %w", err)
		}
		return nil
	})
}

// RegisteringMO returns the id of the MO that created the live binding imid
// through [Store.CreateBindingFromMO], or 0 if it was created otherwise
// (REG) or is unknown.
func (s *Store) RegisteringMO(ctx context.Context, imid string) (int64, error) {
	var id int64
	err := s.read.QueryRowContext(ctx, "SELECT mo_id FROM relay_registrations WHERE imid = ?", imid).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, nil
	case err != nil:
		return 0, fmt.Errorf("store: registering mo: %w", err)
	}
	return id, nil
}

// UnbindAll is UNREG: in one transaction it deletes everything tied to the
// live binding imid (its suspension, blocks, buddies, sticky correspondent,
// registering MO and daily counters, and every other user's block, buddy
// row and sticky correspondent naming it) and retires the binding (phone
// and nick cleared, imid reserved forever). It fails with [ErrNotFound] if
// imid is unknown or already retired, and then changes nothing.
func (s *Store) UnbindAll(ctx context.Context, imid string) error {
	peer := IMIDPeer(imid)
	return s.WriteTx(ctx, func(tx *Tx) error {
		if err := liveTx(ctx, tx, imid); err != nil {
			return err
		}
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{"DELETE FROM relay_suspensions WHERE imid = ?", []any{imid}},
			{"DELETE FROM relay_registrations WHERE imid = ?", []any{imid}},
			{"DELETE FROM relay_blocks WHERE owner_imid = ? OR blocked = ?", []any{imid, peer}},
			{"DELETE FROM relay_buddies WHERE owner_imid = ? OR buddy = ?", []any{imid, peer}},
			{"DELETE FROM relay_sticky WHERE owner_imid = ? OR peer = ?", []any{imid, peer}},
			{"DELETE FROM relay_sent WHERE sender = ?", []any{peer}},
			{"UPDATE bindings SET phone = NULL, nick = NULL, state = ?, updated_at = ? WHERE imid = ?",
				[]any{string(StateRetired), s.now().UnixMilli(), imid}},
		} {
			if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
				return fmt.Errorf("store: unbind: %w", err)
			}
		}
		return nil
	})
}

// liveTx returns nil if imid is a live (active or opted-out) binding,
// [ErrNotFound] if it is unknown or retired.
func liveTx(ctx context.Context, tx *Tx, imid string) error {
	var one int
	err := tx.QueryRowContext(ctx, "SELECT 1 FROM bindings WHERE imid = ? AND state <> 'retired'", imid).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return ErrNotFound
	case err != nil:
		return fmt.Errorf("store: read binding: %w", err)
	}
	return nil
}
