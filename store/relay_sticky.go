package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// GetSticky returns owner's last correspondent, or [ErrNotFound] if there
// is none.
func (s *Store) GetSticky(ctx context.Context, owner string) (Sticky, error) {
	var (
		st Sticky
		at int64
	)
	err := s.read.QueryRowContext(ctx,
		"SELECT owner_imid, peer, at FROM relay_sticky WHERE owner_imid = ?", owner).Scan(&st.Owner, &st.Peer, &at)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Sticky{}, ErrNotFound
	case err != nil:
		return Sticky{}, fmt.Errorf("store: get sticky: %w", err)
	}
	st.At = fromMillis(at)
	return st, nil
}

// setStickyTx stores each correspondent whose owner is a live binding and
// skips the others (a user who unbound meanwhile).
func setStickyTx(ctx context.Context, tx *Tx, stickies []Sticky) error {
	for _, st := range stickies {
		if st.Peer == "" {
			return fmt.Errorf("%w: empty sticky peer", ErrInvalid)
		}
		if _, err := tx.ExecContext(ctx,
			"INSERT INTO relay_sticky (owner_imid, peer, at) "+
				"SELECT imid, ?, ? FROM bindings WHERE imid = ? AND state <> 'retired' "+
				"ON CONFLICT (owner_imid) DO UPDATE SET peer = excluded.peer, at = excluded.at",
			st.Peer, st.At.UnixMilli(), st.Owner); err != nil {
			return fmt.Errorf("store: set sticky: %w", err)
		}
	}
	return nil
}
