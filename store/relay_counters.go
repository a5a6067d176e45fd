package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// TakeDailyQuota counts one message sent by sender (an [IMIDPeer] or an
// XMPP sender's key) on day (UTC, "2006-01-02") unless sender has already
// sent limit messages that day. It returns the day's count after the call
// and whether the message may go; a refused message is not counted. limit
// <= 0 means no limit. The count is durable, so a restart does not reset
// the daily cap.
func (s *Store) TakeDailyQuota(ctx context.Context, sender, day string, limit int) (int, bool, error) {
	var (
		count int
		ok    bool
	)
	err := s.WriteTx(ctx, func(tx *Tx) error {
		var err error
		count, ok, err = tx.TakeDailyQuota(ctx, sender, day, limit)
		return err
	})
	if err != nil {
		return 0, false, err
	}
	return count, ok, nil
}

// TakeDailyQuota is [Store.TakeDailyQuota] inside tx, so that the count
// commits (or not) with the write it belongs to.
func (tx *Tx) TakeDailyQuota(ctx context.Context, sender, day string, limit int) (int, bool, error) {
	if sender == "" || len(day) != len("2006-01-02") {
		return 0, false, fmt.Errorf("%w: daily quota needs a sender and a day", ErrInvalid)
	}
	var count int
	err := tx.QueryRowContext(ctx,
		"SELECT count FROM relay_sent WHERE sender = ? AND day = ?", sender, day).Scan(&count)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, false, fmt.Errorf("store: daily quota: %w", err)
	}
	if limit > 0 && count >= limit {
		return count, false, nil
	}
	if _, err := tx.ExecContext(ctx,
		"INSERT INTO relay_sent (sender, day, count) VALUES (?, ?, 1) "+
			"ON CONFLICT (sender, day) DO UPDATE SET count = count + 1", sender, day); err != nil {
		return 0, false, fmt.Errorf("store: daily quota: %w", err)
	}
	return count + 1, true, nil
}

// SentCount returns how many messages sender sent on day.
func (s *Store) SentCount(ctx context.Context, sender, day string) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx,
		"SELECT coalesce((SELECT count FROM relay_sent WHERE sender = ? AND day = ?), 0)", sender, day).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: sent count: %w", err)
	}
	return n, nil
}

// PruneSent deletes the daily counts of days before beforeDay
// ("2006-01-02" strings compare in date order) and returns how many rows
// went.
func (s *Store) PruneSent(ctx context.Context, beforeDay string) (int, error) {
	var n int64
	err := s.WriteTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM relay_sent WHERE day < ?", beforeDay)
		if err != nil {
			return fmt.Errorf("store: prune sent: %w", err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return fmt.Errorf("store: prune sent: %w", err)
		}
		return nil
	})
	return int(n), err
}

// AddCounter adds delta to the named relay counter (created at 0).
func (s *Store) AddCounter(ctx context.Context, name string, delta int64) error {
	if name == "" {
		return fmt.Errorf("%w: empty counter name", ErrInvalid)
	}
	return s.WriteTx(ctx, func(tx *Tx) error {
		return addCounterTx(ctx, tx, name, delta)
	})
}

// RecordRelay notes a relayed message in one transaction: counter (if not
// "") goes up by one and each sticky correspondent is stored (skipping
// owners that are no longer live).
func (s *Store) RecordRelay(ctx context.Context, counter string, stickies ...Sticky) error {
	return s.WriteTx(ctx, func(tx *Tx) error {
		return tx.RecordRelay(ctx, counter, stickies...)
	})
}

// RecordRelay is [Store.RecordRelay] inside tx.
func (tx *Tx) RecordRelay(ctx context.Context, counter string, stickies ...Sticky) error {
	if counter != "" {
		if err := addCounterTx(ctx, tx, counter, 1); err != nil {
			return err
		}
	}
	return setStickyTx(ctx, tx, stickies)
}

// RelayCounters returns every relay counter by name.
func (s *Store) RelayCounters(ctx context.Context) (map[string]int64, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT name, value FROM relay_counters")
	if err != nil {
		return nil, fmt.Errorf("store: relay counters: %w", err)
	}
	defer rows.Close()
	m := map[string]int64{}
	for rows.Next() {
		var (
			name string
			v    int64
		)
		if err := rows.Scan(&name, &v); err != nil {
			return nil, fmt.Errorf("store: relay counters: %w", err)
		}
		m[name] = v
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: relay counters: %w", err)
	}
	return m, nil
}

func addCounterTx(ctx context.Context, tx *Tx, name string, delta int64) error {
	if _, err := tx.ExecContext(ctx,
		"INSERT INTO relay_counters (name, value) VALUES (?, ?) "+
			"ON CONFLICT (name) DO UPDATE SET value = value + excluded.value", name, delta); err != nil {
		return fmt.Errorf("store: add counter: %w", err)
	}
	return nil
}
