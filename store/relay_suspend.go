package store

import (
	"context"
	"fmt"
	"time"
)

// Suspend marks the live binding imid as suspended by an administrator
// since at; the relay then sends nothing to it and relays nothing from it.
// Suspending a suspended binding keeps the first time. It fails with
// [ErrNotFound] if imid is unknown or retired.
func (s *Store) Suspend(ctx context.Context, imid string, at time.Time) error {
	return s.WriteTx(ctx, func(tx *Tx) error {
		if err := liveTx(ctx, tx, imid); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx,
			"INSERT INTO relay_suspensions (imid, at) VALUES (?, ?) ON CONFLICT (imid) DO NOTHING",
			imid, at.UnixMilli()); err != nil {
			return fmt.Errorf("store: suspend: %w", err)
		}
		return nil
	})
}

// Resume lifts the suspension of the live binding imid; resuming a binding
// that is not suspended is not an error. It fails with [ErrNotFound] if
// imid is unknown or retired.
func (s *Store) Resume(ctx context.Context, imid string) error {
	return s.WriteTx(ctx, func(tx *Tx) error {
		if err := liveTx(ctx, tx, imid); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM relay_suspensions WHERE imid = ?", imid); err != nil {
			return fmt.Errorf("store: resume: %w", err)
		}
		return nil
	})
}

// IsSuspended reports whether imid is suspended.
func (s *Store) IsSuspended(ctx context.Context, imid string) (bool, error) {
	var yes bool
	err := s.read.QueryRowContext(ctx,
		"SELECT EXISTS (SELECT 1 FROM relay_suspensions WHERE imid = ?)", imid).Scan(&yes)
	if err != nil {
		return false, fmt.Errorf("store: is suspended: %w", err)
	}
	return yes, nil
}

// CountSuspended returns the number of suspended bindings.
func (s *Store) CountSuspended(ctx context.Context) (int, error) {
	var n int
	if err := s.read.QueryRowContext(ctx, "SELECT count(*) FROM relay_suspensions").Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count suspended: %w", err)
	}
	return n, nil
}
