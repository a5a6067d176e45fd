package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// MaxMOPartGroups is the largest number of incomplete concatenated MO
// messages the store holds: a part that would start one more is refused
// with [ErrTooManyParts], which bounds the reassembly table. Parts of
// messages already started are always taken. Set it before the store is
// used.
var MaxMOPartGroups = 10000

// Reassembly of concatenated MO messages. The parts of one message form a
// group in mo_groups, keyed by (source, dest, ref, total) while it is open
// (done_at NULL); its parts are in mo_parts. When the last part arrives, or
// the group times out, the group becomes an MO message and is closed
// (done_at set), but its parts stay as a tombstone until ExpireMOParts
// removes closed groups older than its cutoff: a part that the SMSC
// delivers again because our answer was lost is then recognised (same key,
// same seq, same payload) instead of starting a new group that would time
// out as a fragment. A part with the same key and seq but another payload
// belongs to a new message that reuses the reference.

// AddMOPart stores one part of a concatenated MO message, received at now,
// in one transaction: a part already stored is ignored and reported as
// Duplicate; when the part makes the message complete, the parts'
// payloads are concatenated in seq order into a new queued MO message
// whose id is returned as Completed. Either way the part is durable when
// AddMOPart returns, so the SMS side may answer the deliver_sm with
// success. A part seen again after its message was completed or expired
// (same seq, same payload) is a duplicate too, until [Store.ExpireMOParts]
// removes the closed group.
//
// A part that would start a new message while [MaxMOPartGroups] messages
// are incomplete is refused with [ErrTooManyParts] (answer with an error
// status: the SMSC will retry). p.Source must not be empty and
// 1 <= p.Seq <= p.Total ([ErrInvalid]).
func (s *Store) AddMOPart(ctx context.Context, p MOPart, now time.Time) (AddPartResult, error) {
	if p.Source == "" {
		return AddPartResult{}, fmt.Errorf("%w: empty source", ErrInvalid)
	}
	if p.Total < 1 || p.Seq < 1 || p.Seq > p.Total {
		return AddPartResult{}, fmt.Errorf("%w: part %d of %d", ErrInvalid, p.Seq, p.Total)
	}
	key := []any{p.Source, p.Dest, int(p.Ref), int(p.Total)}
	const byKey = "source = ? AND dest = ? AND ref = ? AND total = ?"
	var res AddPartResult
	err := s.WriteTx(ctx, func(tx *Tx) error {
		var gid int64
		err := tx.QueryRowContext(ctx, "SELECT id FROM mo_groups WHERE "+byKey+" AND done_at IS NULL", key...).Scan(&gid)
		open := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if open {
			dup, err := rowExists(ctx, tx, "SELECT 1 FROM mo_parts WHERE group_id = ? AND seq = ?", gid, int(p.Seq))
			if err != nil || dup {
				res.Duplicate = dup
				return err
			}
		}
		dup, err := rowExists(ctx, tx,
			"SELECT 1 FROM mo_groups g JOIN mo_parts q ON q.group_id = g.id"+
				" WHERE g.source = ? AND g.dest = ? AND g.ref = ? AND g.total = ? AND g.done_at IS NOT NULL"+
				" AND q.seq = ? AND q.payload = ? LIMIT 1",
			append(key, int(p.Seq), blobArg(p.Payload))...)
		if err != nil || dup {
			res.Duplicate = dup
			return err
		}
		if !open {
			var groups int
			if err := tx.QueryRowContext(ctx,
				"SELECT count(*) FROM mo_groups WHERE done_at IS NULL").Scan(&groups); err != nil {
				return err
			}
			if groups >= MaxMOPartGroups {
				return ErrTooManyParts
			}
			if err := tx.QueryRowContext(ctx,
				"INSERT INTO mo_groups (source, dest, ref, total, first_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
				append(key, now.UnixMilli())...).Scan(&gid); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx,
			"INSERT INTO mo_parts (group_id, seq, data_coding, payload, received_at) VALUES (?, ?, ?, ?, ?)",
			gid, int(p.Seq), int(p.DataCoding), blobArg(p.Payload), now.UnixMilli()); err != nil {
			return err
		}
		var have int
		if err := tx.QueryRowContext(ctx,
			"SELECT count(*) FROM mo_parts WHERE group_id = ?", gid).Scan(&have); err != nil {
			return err
		}
		if have < int(p.Total) {
			return nil
		}
		res.Completed, err = closeGroup(ctx, tx, gid, now)
		return err
	})
	if errors.Is(err, ErrTooManyParts) {
		return AddPartResult{}, err
	}
	if err != nil {
		return AddPartResult{}, fmt.Errorf("store: add mo part: %w", err)
	}
	return res, nil
}

// ExpireMOParts turns every incomplete concatenated message whose first
// part arrived before olderThan into a queued MO message with the parts
// that did arrive (payloads in seq order) and the absent part numbers in
// Missing, and returns the new ids in the order the messages began. It also
// removes the tombstones of messages completed or expired before
// olderThan, so the SMS side calls it periodically with now minus the
// reassembly timeout.
func (s *Store) ExpireMOParts(ctx context.Context, olderThan time.Time) ([]int64, error) {
	now := s.now()
	var ids []int64
	err := s.WriteTx(ctx, func(tx *Tx) error {
		ids = ids[:0]
		groups, err := overdueGroups(ctx, tx, olderThan)
		if err != nil {
			return err
		}
		for _, gid := range groups {
			id, err := closeGroup(ctx, tx, gid, now)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		_, err = tx.ExecContext(ctx,
			"DELETE FROM mo_groups WHERE done_at IS NOT NULL AND done_at < ?", olderThan.UnixMilli())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: expire mo parts: %w", err)
	}
	return ids, nil
}

// CountMOParts returns the number of incomplete concatenated messages and
// of the parts they hold so far (tombstones not included).
func (s *Store) CountMOParts(ctx context.Context) (groups, parts int, err error) {
	err = s.read.QueryRowContext(ctx,
		"SELECT count(DISTINCT g.id), count(*) FROM mo_groups AS g CROSS JOIN mo_parts AS p"+
			" ON p.group_id = g.id WHERE g.done_at IS NULL").Scan(&groups, &parts)
	if err != nil {
		return 0, 0, fmt.Errorf("store: count mo parts: %w", err)
	}
	return groups, parts, nil
}

// closeGroup makes open group gid an MO message from the parts it has and
// closes it (its parts stay as a tombstone); it returns the message id.
func closeGroup(ctx context.Context, tx *Tx, gid int64, now time.Time) (int64, error) {
	var (
		source, dest string
		total        int
		first        int64
	)
	if err := tx.QueryRowContext(ctx,
		"SELECT source, dest, total, first_at FROM mo_groups WHERE id = ?", gid).Scan(&source, &dest, &total, &first); err != nil {
		return 0, err
	}
	payload, present, dc, err := groupParts(ctx, tx, gid)
	if err != nil {
		return 0, err
	}
	if len(present) == 0 {
		return 0, fmt.Errorf("reassembly group %d has no parts", gid)
	}
	var missing []int
	next := 1
	for _, seq := range present {
		for ; next < seq; next++ {
			missing = append(missing, next)
		}
		next = seq + 1
	}
	for ; next <= total; next++ {
		missing = append(missing, next)
	}
	id, err := insertMO(ctx, tx, moRow{source, dest, dc, payload, total, missing}, fromMillis(first), now, time.Time{})
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE mo_groups SET done_at = ? WHERE id = ?", now.UnixMilli(), gid); err != nil {
		return 0, err
	}
	return id, nil
}

// overdueGroups returns the open groups whose first part arrived before
// olderThan, oldest first.
func overdueGroups(ctx context.Context, tx *Tx, olderThan time.Time) ([]int64, error) {
	rows, err := tx.QueryContext(ctx,
		"SELECT id FROM mo_groups WHERE done_at IS NULL AND first_at < ? ORDER BY first_at, id",
		olderThan.UnixMilli())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var groups []int64
	for rows.Next() {
		var gid int64
		if err := rows.Scan(&gid); err != nil {
			return nil, err
		}
		groups = append(groups, gid)
	}
	return groups, rows.Err()
}

// groupParts returns the concatenated payloads of group gid's parts in seq
// order, the seqs present (ascending) and the data coding of the lowest.
func groupParts(ctx context.Context, tx *Tx, gid int64) (payload []byte, seqs []int, dc byte, err error) {
	rows, err := tx.QueryContext(ctx,
		"SELECT seq, data_coding, payload FROM mo_parts WHERE group_id = ? ORDER BY seq", gid)
	if err != nil {
		return nil, nil, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			seq, coding int
			data        []byte
		)
		if err := rows.Scan(&seq, &coding, &data); err != nil {
			return nil, nil, 0, err
		}
		if len(seqs) == 0 {
			dc = byte(coding)
		}
		seqs = append(seqs, seq)
		payload = append(payload, data...)
	}
	return payload, seqs, dc, rows.Err()
}

// rowExists reports whether query (a SELECT 1 ...) returns a row.
func rowExists(ctx context.Context, tx *Tx, query string, args ...any) (bool, error) {
	var one int
	err := tx.QueryRowContext(ctx, query, args...).Scan(&one)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	}
	return false, err
}
