package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ensureRoomTx creates the room row of key if it does not exist.
func (s *Store) ensureRoomTx(ctx context.Context, tx *Tx, key string) error {
	if key == "" {
		return fmt.Errorf("%w: empty room key", ErrInvalid)
	}
	if _, err := tx.ExecContext(ctx,
		"INSERT INTO rooms (key, updated_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
		key, s.now().UnixMilli()); err != nil {
		return fmt.Errorf("store: room: %w", err)
	}
	return nil
}

// SaveRoom records the page URL of room key when url is not empty and its
// title when title is not empty, creating the room if needed.
func (s *Store) SaveRoom(ctx context.Context, key, url, title string) error {
	return s.WriteTx(ctx, func(tx *Tx) error {
		if err := s.ensureRoomTx(ctx, tx, key); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx,
			"UPDATE rooms SET url = CASE WHEN ? <> '' THEN ? ELSE url END, "+
				"title = CASE WHEN ? <> '' THEN ? ELSE title END, updated_at = ? WHERE key = ?",
			url, url, title, title, s.now().UnixMilli(), key); err != nil {
			return fmt.Errorf("store: save room: %w", err)
		}
		return nil
	})
}

// LoadRoom returns what is known about room key, or [ErrNotFound].
func (s *Store) LoadRoom(ctx context.Context, key string) (RoomInfo, error) {
	var info RoomInfo
	err := s.read.QueryRowContext(ctx,
		"SELECT url, title FROM rooms WHERE key = ?", key).Scan(&info.URL, &info.Title)
	if errors.Is(err, sql.ErrNoRows) {
		return RoomInfo{}, ErrNotFound
	}
	if err != nil {
		return RoomInfo{}, fmt.Errorf("store: load room: %w", err)
	}
	return info, nil
}

// AppendNote adds a note to room key (creating the room) and keeps only
// its newest keep notes (none when keep <= 0).
func (s *Store) AppendNote(ctx context.Context, key string, n RoomNote, keep int) error {
	keep = max(keep, 0)
	return s.WriteTx(ctx, func(tx *Tx) error {
		if err := s.ensureRoomTx(ctx, tx, key); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx,
			"INSERT INTO room_notes (key, id, nick, body, stamp) VALUES (?, ?, ?, ?, ?)",
			key, n.ID, n.Nick, n.Body, nanos(n.Stamp)); err != nil {
			return fmt.Errorf("store: append note: %w", err)
		}
		if _, err := tx.ExecContext(ctx,
			"DELETE FROM room_notes WHERE key = ? AND seq NOT IN "+
				"(SELECT seq FROM room_notes WHERE key = ? ORDER BY seq DESC LIMIT ?)",
			key, key, keep); err != nil {
			return fmt.Errorf("store: trim notes: %w", err)
		}
		return nil
	})
}

// Notes returns the newest limit notes of room key, oldest first (none
// for an unknown room or limit <= 0).
func (s *Store) Notes(ctx context.Context, key string, limit int) ([]RoomNote, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.read.QueryContext(ctx,
		"SELECT id, nick, body, stamp FROM (SELECT seq, id, nick, body, stamp FROM room_notes "+
			"WHERE key = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq", key, limit)
	if err != nil {
		return nil, fmt.Errorf("store: notes: %w", err)
	}
	defer rows.Close()
	var out []RoomNote
	for rows.Next() {
		var (
			n     RoomNote
			stamp int64
		)
		if err := rows.Scan(&n.ID, &n.Nick, &n.Body, &stamp); err != nil {
			return nil, fmt.Errorf("store: notes: %w", err)
		}
		n.Stamp = fromNanos(stamp)
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: notes: %w", err)
	}
	return out, nil
}

// PruneNotes deletes the notes of every room stamped before before and
// returns how many it deleted.
func (s *Store) PruneNotes(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.WriteTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM room_notes WHERE stamp < ?", nanos(before))
		if err != nil {
			return fmt.Errorf("store: prune notes: %w", err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return fmt.Errorf("store: prune notes: %w", err)
		}
		return nil
	})
	return int(n), err
}
