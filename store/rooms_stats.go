package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// RecordVisit records one visit to room key (creating the room): visitor,
// a salted hash of a bare JID, was in the room from joined to left.
func (s *Store) RecordVisit(ctx context.Context, key string, visitor []byte, joined, left time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	v := append([]byte{}, visitor...) // never NULL
	return s.WriteTx(ctx, func(tx *Tx) error {
		if err := s.ensureRoomTx(ctx, tx, key); err != nil {
			return err
		}
		l := nanos(left)
		if _, err := tx.ExecContext(ctx,
			"UPDATE rooms SET visits = visits + 1, dwell_ns = dwell_ns + ?, "+
				"last_visit = CASE WHEN last_visit IS NULL OR ? > last_visit THEN ? ELSE last_visit END WHERE key = ?",
			int64(left.Sub(joined)), l, l, key); err != nil {
			return fmt.Errorf("store: record visit: %w", err)
		}
		if _, err := tx.ExecContext(ctx,
			"INSERT INTO room_visitors (key, visitor) VALUES (?, ?) ON CONFLICT DO NOTHING", key, v); err != nil {
			return fmt.Errorf("store: record visit: %w", err)
		}
		if _, err := tx.ExecContext(ctx,
			"INSERT INTO room_visits (key, visitor, joined, left_at) VALUES (?, ?, ?, ?)",
			key, v, nanos(joined), l); err != nil {
			return fmt.Errorf("store: record visit: %w", err)
		}
		return nil
	})
}

// RecordMessage counts one message with a body sent in room key at at.
func (s *Store) RecordMessage(ctx context.Context, key string, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.WriteTx(ctx, func(tx *Tx) error {
		if err := s.ensureRoomTx(ctx, tx, key); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx,
			"UPDATE rooms SET messages = messages + 1 WHERE key = ?", key); err != nil {
			return fmt.Errorf("store: record message: %w", err)
		}
		if _, err := tx.ExecContext(ctx,
			"INSERT INTO room_messages (key, at) VALUES (?, ?)", key, nanos(at)); err != nil {
			return fmt.Errorf("store: record message: %w", err)
		}
		return nil
	})
}

// RecordOccupancy records that a live room of page key reached n
// occupants at at; the maximum over all records (or over a period's) is
// the page's peak.
func (s *Store) RecordOccupancy(ctx context.Context, key string, n int, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.WriteTx(ctx, func(tx *Tx) error {
		if err := s.ensureRoomTx(ctx, tx, key); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx,
			"UPDATE rooms SET peak = max(peak, ?) WHERE key = ?", n, key); err != nil {
			return fmt.Errorf("store: record occupancy: %w", err)
		}
		if _, err := tx.ExecContext(ctx,
			"INSERT INTO room_peaks (key, n, at) VALUES (?, ?, ?)", key, n, nanos(at)); err != nil {
			return fmt.Errorf("store: record occupancy: %w", err)
		}
		return nil
	})
}

// allTimeStats selects the all-time statistics from the totals.
const allTimeStats = "SELECT r.key, r.url, r.title, r.visits, " +
	"(SELECT count(*) FROM room_visitors u WHERE u.key = r.key), r.peak, r.dwell_ns, r.messages, r.last_visit " +
	"FROM rooms r"

// periodStats selects the statistics over the period from ?1 from the
// event tables.
const periodStats = "SELECT r.key, r.url, r.title, " +
	"coalesce(v.visits, 0), coalesce(v.uniq, 0), " +
	"coalesce((SELECT max(p.n) FROM room_peaks p WHERE p.key = r.key AND p.at >= ?1), 0), " +
	"coalesce(v.dwell, 0), " +
	"(SELECT count(*) FROM room_messages m WHERE m.key = r.key AND m.at >= ?1), r.last_visit " +
	"FROM rooms r LEFT JOIN (SELECT key, count(*) AS visits, count(DISTINCT visitor) AS uniq, " +
	"sum(left_at - joined) AS dwell FROM room_visits WHERE left_at >= ?1 GROUP BY key) v ON v.key = r.key"

// PageStats returns the statistics of page key over the period from
// since (zero: all time), or [ErrNotFound]. LastVisit is always the
// all-time latest.
func (s *Store) PageStats(ctx context.Context, key string, since time.Time) (PageStats, error) {
	var row *sql.Row
	if since.IsZero() {
		row = s.read.QueryRowContext(ctx, allTimeStats+" WHERE r.key = ?", key)
	} else {
		row = s.read.QueryRowContext(ctx, periodStats+" WHERE r.key = ?2", nanos(since), key)
	}
	p, err := scanPageStats(row)
	if errors.Is(err, sql.ErrNoRows) {
		return PageStats{}, ErrNotFound
	}
	if err != nil {
		return PageStats{}, fmt.Errorf("store: page stats: %w", err)
	}
	return p, nil
}

// TopPages returns up to limit pages (all when limit < 0) with visits
// ending at or after since (zero: all time), by visits, then messages,
// descending, then by key.
func (s *Store) TopPages(ctx context.Context, since time.Time, limit int) ([]PageStats, error) {
	const order = " ORDER BY 4 DESC, 8 DESC, 1 LIMIT ?"
	var (
		rows *sql.Rows
		err  error
	)
	if since.IsZero() {
		rows, err = s.read.QueryContext(ctx, allTimeStats+" WHERE r.visits > 0"+order, limit)
	} else {
		rows, err = s.read.QueryContext(ctx, periodStats+" WHERE v.visits > 0"+strings.Replace(order, "?", "?2", 1),
			nanos(since), limit)
	}
	if err != nil {
		return nil, fmt.Errorf("store: top pages: %w", err)
	}
	defer rows.Close()
	var out []PageStats
	for rows.Next() {
		p, err := scanPageStats(rows)
		if err != nil {
			return nil, fmt.Errorf("store: top pages: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: top pages: %w", err)
	}
	return out, nil
}

func scanPageStats(r interface{ Scan(...any) error }) (PageStats, error) {
	var (
		p     PageStats
		dwell int64
		last  sql.NullInt64
	)
	if err := r.Scan(&p.Key, &p.URL, &p.Title, &p.Visits, &p.UniqueVisitors, &p.PeakOccupants,
		&dwell, &p.Messages, &last); err != nil {
		return PageStats{}, err
	}
	p.TotalDwell = time.Duration(dwell)
	if last.Valid {
		p.LastVisit = fromNanos(last.Int64)
	}
	return p, nil
}
