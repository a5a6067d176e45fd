package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

// mtColumns are the columns scanMT reads, in order.
const mtColumns = "id, dest, source, text, ref, parts, origin_id, reply_to, from_imid, want_receipt, state, attempts, last_error, created_at"

// maxParts is the largest number of parts of a concatenated message (the
// UDH and SAR counters are one octet).
const maxParts = 255

// EnqueueMT stores m as a new queued message, due at once, and returns its
// id (also set in m.ID, with m.State and m.CreatedAt). The message is
// durable when EnqueueMT returns: the relay may acknowledge it then.
//
// m.Dest and m.Source must not be empty; m.Parts may be 0 (unknown yet) or
// the number of segments, at most 255. Attempts, Sent, LastError and a
// non-queued State are ignored. It fails with [ErrInvalid] for a bad
// argument.
func (s *Store) EnqueueMT(ctx context.Context, m *MT) (int64, error) {
	return s.EnqueueMTWith(ctx, m, time.Time{}, nil)
}

// EnqueueMTLeased is [Store.EnqueueMT] for a worker that submits m at
// once: m is stored already leased until `until` ([MTSending], one
// attempt), as [Store.LeaseMT] would have returned it, which saves a
// lease transaction per message when the workers keep up. If the worker
// dies, the lease runs out and a later lease takes m again.
func (s *Store) EnqueueMTLeased(ctx context.Context, m *MT, until time.Time) (int64, error) {
	if until.IsZero() {
		return 0, fmt.Errorf("%w: zero lease", ErrInvalid)
	}
	return s.EnqueueMTWith(ctx, m, until, nil)
}

// EnqueueMTWith stores m like [Store.EnqueueMT] (until is zero) or
// [Store.EnqueueMTLeased], and runs with (if not nil) in the same
// transaction, before the insert: what the caller records about the
// message (a quota taken, a counter) commits with it or not at all. An
// error from with stores nothing and is returned unwrapped.
func (s *Store) EnqueueMTWith(ctx context.Context, m *MT, until time.Time, with func(*Tx) error) (int64, error) {
	if m.Dest == "" {
		return 0, fmt.Errorf("%w: empty destination", ErrInvalid)
	}
	if m.Source == "" {
		return 0, fmt.Errorf("%w: empty source", ErrInvalid)
	}
	if m.Parts < 0 || m.Parts > maxParts {
		return 0, fmt.Errorf("%w: %d parts", ErrInvalid, m.Parts)
	}
	now := s.now().UnixMilli()
	state, attempts, lease := MTQueued, 0, int64(0)
	if !until.IsZero() {
		state, attempts, lease = MTSending, 1, until.UnixMilli()
	}
	var id int64
	var withErr error
	err := s.WriteTx(ctx, func(tx *Tx) error {
		if with != nil {
			if withErr = with(tx); withErr != nil {
				return withErr
			}
		}
		return tx.QueryRowContext(ctx,
			"INSERT INTO mt_messages (dest, source, text, ref, parts, origin_id, reply_to, from_imid, want_receipt, state,"+
				" attempts, lease_until, next_attempt_at, created_at, updated_at)"+
				" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			m.Dest, m.Source, m.Text, int(m.Ref), m.Parts, m.OriginID, m.ReplyTo, m.FromIMID, m.WantReceipt,
			string(state), attempts, lease, now, now, now).Scan(&id)
	})
	if withErr != nil {
		return 0, withErr
	}
	if err != nil {
		return 0, fmt.Errorf("store: enqueue mt: %w", err)
	}
	m.ID, m.State, m.CreatedAt = id, state, fromMillis(now)
	m.Attempts, m.Sent, m.LastError = attempts, nil, ""
	return id, nil
}

// LeaseMT atomically takes up to limit due messages, oldest id first: queued
// ones whose next attempt is due at now, and sending ones whose lease has
// run out at now (their worker crashed or stalled). Each becomes
// [MTSending] until now+lease, with one more attempt. The returned
// messages carry in Sent the parts the SMSC has already accepted, so that a
// retry resubmits only the others.
//
// A worker must finish each message before the lease runs out, with
// [Store.MTPartSent] for every part, [Store.RetryMT] or [Store.FailMT];
// otherwise another lease takes it again. lease must be at least a
// millisecond and limit positive ([ErrInvalid]).
func (s *Store) LeaseMT(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]MT, error) {
	if err := checkLease(lease, limit); err != nil {
		return nil, err
	}
	var list []MT
	err := s.WriteTx(ctx, func(tx *Tx) error {
		var err error
		list, err = leaseMTRows(ctx, tx, now.Add(lease), s.now(), now, limit)
		if err != nil {
			return err
		}
		slices.SortFunc(list, func(a, b MT) int { return cmp.Compare(a.ID, b.ID) })
		for i := range list {
			if list[i].Attempts == 1 {
				// First lease: no part can have been submitted yet.
				continue
			}
			if list[i].Sent, err = sentParts(ctx, tx, list[i].ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: lease mt: %w", err)
	}
	return list, nil
}

// RetryMT gives message id back to the queue after a transient failure
// (throttled, queue full, timeout, disconnect): it becomes [MTQueued], due
// at `at`, with reason as LastError. It fails with [ErrNotFound] for an
// unknown id and [ErrNotPending] if the message is no longer queued or
// sending (e.g. every part was accepted meanwhile).
func (s *Store) RetryMT(ctx context.Context, id int64, at time.Time, reason string) error {
	return s.WriteTx(ctx, func(tx *Tx) error {
		return mtQueue.requeue(ctx, tx, id, at, s.now(), "last_error = ?", reason)
	})
}

// FailMT gives up on message id after a permanent error: it becomes
// [MTFailed] with reason as LastError, and is returned so that the relay
// can report the failure to its Source and OriginID. Only a queued or
// sending message can fail this way: otherwise FailMT returns
// [ErrNotPending] (or [ErrNotFound] for an unknown id).
func (s *Store) FailMT(ctx context.Context, id int64, reason string) (*MT, error) {
	var m *MT
	err := s.WriteTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx,
			"UPDATE mt_messages SET state = 'failed', lease_until = 0, last_error = ?, updated_at = ?"+
				" WHERE id = ? AND state IN ('queued', 'sending')",
			reason, s.now().UnixMilli(), id)
		if err != nil {
			return fmt.Errorf("store: fail mt: %w", err)
		}
		if err := mtQueue.checkChanged(ctx, tx, res, "fail", id); err != nil {
			return err
		}
		m, err = getMT(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// MTStats returns the number of MT messages in each state (every state
// present, 0 where there are none) and the enqueue time of the oldest
// message not yet accepted by the SMSC (queued or sending), zero if there
// is none: the age of the queue, for metrics.
func (s *Store) MTStats(ctx context.Context) (map[MTState]int, time.Time, error) {
	counts, oldest, err := mtQueue.stats(ctx, s.read, mtStates)
	if err != nil {
		return nil, time.Time{}, err
	}
	typed := make(map[MTState]int, len(counts))
	for st, n := range counts {
		typed[MTState(st)] = n
	}
	return typed, oldest, nil
}

// PruneMT deletes the MT messages that left the queue before `before`
// (last changed before it) in state delivered, failed or sent, with their
// parts and SMSC ids, and returns how many messages it deleted. Sent
// messages are included because a message whose final report has not come
// by then will not get one (or the SMSC was told not to send any); a
// report that arrives later is unknown to [Store.RecordDLR].
func (s *Store) PruneMT(ctx context.Context, before time.Time) (int, error) {
	return s.prune(ctx, mtQueue, before)
}

// leaseMTRows runs the MT lease statement and returns the leased messages
// (without their sent parts), in no particular order.
func leaseMTRows(ctx context.Context, tx *Tx, until, now, due time.Time, limit int) ([]MT, error) {
	rows, err := tx.QueryContext(ctx, mtQueue.leaseSQL(mtColumns, limit),
		until.UnixMilli(), now.UnixMilli(), due.UnixMilli())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []MT
	for rows.Next() {
		m, err := scanMT(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, *m)
	}
	return list, rows.Err()
}

// getMT reads message id, with its sent parts, inside tx.
func getMT(ctx context.Context, tx *Tx, id int64) (*MT, error) {
	m, err := scanMT(tx.QueryRowContext(ctx, "SELECT "+mtColumns+" FROM mt_messages WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: get mt: %w", err)
	}
	if m.Sent, err = sentParts(ctx, tx, id); err != nil {
		return nil, fmt.Errorf("store: get mt: %w", err)
	}
	return m, nil
}

// sentParts returns the part numbers of message id the SMSC accepted, in
// ascending order.
func sentParts(ctx context.Context, tx *Tx, id int64) ([]int, error) {
	rows, err := tx.QueryContext(ctx, "SELECT seq FROM mt_parts WHERE mt_id = ? ORDER BY seq", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var seqs []int
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		seqs = append(seqs, n)
	}
	return seqs, rows.Err()
}

// scanMT reads the mtColumns of one row.
func scanMT(sc scanner) (*MT, error) {
	var (
		m       MT
		ref     int
		state   string
		created int64
	)
	if err := sc.Scan(&m.ID, &m.Dest, &m.Source, &m.Text, &ref, &m.Parts, &m.OriginID,
		&m.ReplyTo, &m.FromIMID, &m.WantReceipt, &state, &m.Attempts, &m.LastError, &created); err != nil {
		return nil, err
	}
	m.Ref, m.State, m.CreatedAt = uint16(ref), MTState(state), fromMillis(created)
	return &m, nil
}
