package store

import (
	"context"
	"fmt"
	"time"
)

// Block records that the SMS user owner (an imid) does not accept messages
// from peer (a bare JID or an [IMIDPeer]). It reports whether the block is
// new; blocking again keeps the first time. It fails with [ErrNotFound] if
// owner is unknown or retired and with [ErrInvalid] for an empty peer.
func (s *Store) Block(ctx context.Context, owner, peer string, at time.Time) (bool, error) {
	if peer == "" {
		return false, fmt.Errorf("%w: empty peer", ErrInvalid)
	}
	var added bool
	err := s.WriteTx(ctx, func(tx *Tx) error {
		if err := liveTx(ctx, tx, owner); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx,
			"INSERT INTO relay_blocks (owner_imid, blocked, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
			owner, peer, at.UnixMilli())
		if err != nil {
			return fmt.Errorf("store: block: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("store: block: %w", err)
		}
		added = n == 1
		return nil
	})
	return added, err
}

// Unblock removes a block and reports whether there was one.
func (s *Store) Unblock(ctx context.Context, owner, peer string) (bool, error) {
	var removed bool
	err := s.WriteTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx,
			"DELETE FROM relay_blocks WHERE owner_imid = ? AND blocked = ?", owner, peer)
		if err != nil {
			return fmt.Errorf("store: unblock: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("store: unblock: %w", err)
		}
		removed = n == 1
		return nil
	})
	return removed, err
}

// IsBlocked reports whether owner blocked peer.
func (s *Store) IsBlocked(ctx context.Context, owner, peer string) (bool, error) {
	var yes bool
	err := s.read.QueryRowContext(ctx,
		"SELECT EXISTS (SELECT 1 FROM relay_blocks WHERE owner_imid = ? AND blocked = ?)",
		owner, peer).Scan(&yes)
	if err != nil {
		return false, fmt.Errorf("store: is blocked: %w", err)
	}
	return yes, nil
}

// CountBlocks returns how many peers owner blocked.
func (s *Store) CountBlocks(ctx context.Context, owner string) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx,
		"SELECT count(*) FROM relay_blocks WHERE owner_imid = ?", owner).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count blocks: %w", err)
	}
	return n, nil
}
