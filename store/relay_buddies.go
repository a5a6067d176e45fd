package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

const buddyColumns = "owner_imid, buddy, listed, sub_to, sub_from, presence, show, status, updated_at"

// UpdateBuddy reads the row (owner, peer) and lets fn change it, all in one
// write transaction. fn gets the current row, or when exists is false a
// fresh one (not listed, [SubNone], not From, [PresenceUnknown]); it
// returns false to leave the row as it was. A row that ends neither Listed
// nor From is deleted; otherwise it is stored with UpdatedAt = at.
// UpdateBuddy returns the row as fn left it.
//
// fn runs inside the transaction: it must not call the Store and should
// only compute. It fails with [ErrNotFound] if owner is unknown or retired
// and with [ErrInvalid] for an empty peer or a row with an unknown To or
// Presence.
func (s *Store) UpdateBuddy(ctx context.Context, owner, peer string, at time.Time,
	fn func(b *Buddy, exists bool) bool) (Buddy, error) {
	if peer == "" {
		return Buddy{}, fmt.Errorf("%w: empty peer", ErrInvalid)
	}
	var out Buddy
	err := s.WriteTx(ctx, func(tx *Tx) error {
		if err := liveTx(ctx, tx, owner); err != nil {
			return err
		}
		b, err := scanBuddy(tx.QueryRowContext(ctx,
			"SELECT "+buddyColumns+" FROM relay_buddies WHERE owner_imid = ? AND buddy = ?", owner, peer))
		exists := err == nil
		switch {
		case errors.Is(err, sql.ErrNoRows):
			b = Buddy{Owner: owner, Peer: peer, To: SubNone, Presence: PresenceUnknown}
		case err != nil:
			return fmt.Errorf("store: update buddy: %w", err)
		}
		if !fn(&b, exists) {
			out = b
			return nil
		}
		b.Owner, b.Peer = owner, peer // not fn's to change
		if !b.valid() {
			return fmt.Errorf("%w: buddy subscription %q or presence %q", ErrInvalid, b.To, b.Presence)
		}
		if b.empty() {
			if _, err := tx.ExecContext(ctx,
				"DELETE FROM relay_buddies WHERE owner_imid = ? AND buddy = ?", owner, peer); err != nil {
				return fmt.Errorf("store: update buddy: %w", err)
			}
			out = b
			return nil
		}
		b.UpdatedAt = fromMillis(at.UnixMilli())
		if _, err := tx.ExecContext(ctx,
			"INSERT INTO relay_buddies ("+buddyColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "+
				"ON CONFLICT (owner_imid, buddy) DO UPDATE SET listed = excluded.listed, sub_to = excluded.sub_to, "+
				"sub_from = excluded.sub_from, presence = excluded.presence, show = excluded.show, "+
				"status = excluded.status, updated_at = excluded.updated_at",
			owner, peer, b.Listed, string(b.To), b.From, string(b.Presence), b.Show, b.Status,
			b.UpdatedAt.UnixMilli()); err != nil {
			return fmt.Errorf("store: update buddy: %w", err)
		}
		out = b
		return nil
	})
	if err != nil {
		return Buddy{}, err
	}
	return out, nil
}

// GetBuddy returns the row (owner, peer), or [ErrNotFound].
func (s *Store) GetBuddy(ctx context.Context, owner, peer string) (Buddy, error) {
	b, err := scanBuddy(s.read.QueryRowContext(ctx,
		"SELECT "+buddyColumns+" FROM relay_buddies WHERE owner_imid = ? AND buddy = ?", owner, peer))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Buddy{}, ErrNotFound
	case err != nil:
		return Buddy{}, fmt.Errorf("store: get buddy: %w", err)
	}
	return b, nil
}

// ListBuddies returns owner's listed buddies (ADD), ordered by peer.
func (s *Store) ListBuddies(ctx context.Context, owner string) ([]Buddy, error) {
	rows, err := s.read.QueryContext(ctx,
		"SELECT "+buddyColumns+" FROM relay_buddies WHERE owner_imid = ? AND listed = 1 ORDER BY buddy", owner)
	if err != nil {
		return nil, fmt.Errorf("store: list buddies: %w", err)
	}
	defer rows.Close()
	var list []Buddy
	for rows.Next() {
		b, err := scanBuddy(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list buddies: %w", err)
		}
		list = append(list, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list buddies: %w", err)
	}
	return list, nil
}

// Subscribers returns the peers subscribed to owner's presence (From),
// ordered.
func (s *Store) Subscribers(ctx context.Context, owner string) ([]string, error) {
	rows, err := s.read.QueryContext(ctx,
		"SELECT buddy FROM relay_buddies WHERE owner_imid = ? AND sub_from = 1 ORDER BY buddy", owner)
	if err != nil {
		return nil, fmt.Errorf("store: subscribers: %w", err)
	}
	defer rows.Close()
	var list []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, fmt.Errorf("store: subscribers: %w", err)
		}
		list = append(list, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: subscribers: %w", err)
	}
	return list, nil
}

// CountBuddies returns how many peers owner listed and how many are
// subscribed to owner's presence.
func (s *Store) CountBuddies(ctx context.Context, owner string) (listed, subscribers int, err error) {
	err = s.read.QueryRowContext(ctx,
		"SELECT coalesce(sum(listed), 0), coalesce(sum(sub_from), 0) FROM relay_buddies WHERE owner_imid = ?",
		owner).Scan(&listed, &subscribers)
	if err != nil {
		return 0, 0, fmt.Errorf("store: count buddies: %w", err)
	}
	return listed, subscribers, nil
}

// scanBuddy reads the buddyColumns of one row.
func scanBuddy(sc scanner) (Buddy, error) {
	var (
		b        Buddy
		to, pres string
		at       int64
	)
	if err := sc.Scan(&b.Owner, &b.Peer, &b.Listed, &to, &b.From, &pres, &b.Show, &b.Status, &at); err != nil {
		return Buddy{}, err
	}
	b.To, b.Presence, b.UpdatedAt = SubState(to), PresenceState(pres), fromMillis(at)
	return b, nil
}
