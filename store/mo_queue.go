package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// moColumns are the columns scanMO reads, in order.
const moColumns = "id, source, dest, data_coding, payload, parts, missing, state, attempts, received_at"

// EnqueueMO stores a complete (single-part) MO message, queued and due at
// once, and returns its id (also set in m.ID, with m.State). The message
// is durable when EnqueueMO returns: the SMS side may then answer the
// deliver_sm with success. If it returns an error, the SMS side answers
// with an error status so that the SMSC delivers again.
//
// m.Source must not be empty; m.Parts 0 means 1; a zero m.ReceivedAt means
// now. Concatenated messages go through [Store.AddMOPart] instead.
func (s *Store) EnqueueMO(ctx context.Context, m *MO) (int64, error) {
	return s.enqueueMO(ctx, m, time.Time{})
}

// EnqueueMOLeased is [Store.EnqueueMO] for a worker that hands m to the
// relay at once: m is stored already leased until `until`
// ([MOProcessing], one attempt), as [Store.LeaseMO] would have returned
// it, which saves a lease transaction per message when the workers keep
// up. If the worker dies, the lease runs out and a later lease takes m
// again.
func (s *Store) EnqueueMOLeased(ctx context.Context, m *MO, until time.Time) (int64, error) {
	if until.IsZero() {
		return 0, fmt.Errorf("%w: zero lease", ErrInvalid)
	}
	return s.enqueueMO(ctx, m, until)
}

// enqueueMO inserts m, queued or (with a non-zero until) leased.
func (s *Store) enqueueMO(ctx context.Context, m *MO, until time.Time) (int64, error) {
	if m.Source == "" {
		return 0, fmt.Errorf("%w: empty source", ErrInvalid)
	}
	if m.Parts == 0 {
		m.Parts = 1
	}
	if m.Parts < 1 || m.Parts > maxParts {
		return 0, fmt.Errorf("%w: %d parts", ErrInvalid, m.Parts)
	}
	now := s.now()
	received := m.ReceivedAt
	if received.IsZero() {
		received = now
	}
	var id int64
	err := s.WriteTx(ctx, func(tx *Tx) error {
		var err error
		id, err = insertMO(ctx, tx, moRow{m.Source, m.Dest, m.DataCoding, m.Payload, m.Parts, m.Missing}, received, now, until)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: enqueue mo: %w", err)
	}
	m.ID, m.State, m.ReceivedAt, m.Attempts = id, MOQueued, fromMillis(received.UnixMilli()), 0
	if !until.IsZero() {
		m.State, m.Attempts = MOProcessing, 1
	}
	return id, nil
}

// moRow is what insertMO stores of a message.
type moRow struct {
	source, dest string
	dc           byte
	payload      []byte
	parts        int
	missing      []int
}

// insertMO inserts an MO message due at now, queued or (with a non-zero
// until) leased until then, and returns its id.
func insertMO(ctx context.Context, tx *Tx, r moRow, received, now, until time.Time) (int64, error) {
	state, attempts, lease := MOQueued, 0, int64(0)
	if !until.IsZero() {
		state, attempts, lease = MOProcessing, 1, until.UnixMilli()
	}
	var id int64
	err := tx.QueryRowContext(ctx,
		"INSERT INTO mo_messages (source, dest, data_coding, payload, parts, missing, state, attempts, lease_until,"+
			" next_attempt_at, received_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"+
			" RETURNING id",
		r.source, r.dest, int(r.dc), blobArg(r.payload), r.parts, formatSeqs(r.missing), string(state), attempts, lease,
		now.UnixMilli(), received.UnixMilli(), now.UnixMilli()).Scan(&id)
	return id, err
}

// LeaseMO atomically takes up to limit due messages, oldest id first:
// queued ones whose next attempt is due at now, and processing ones whose
// lease has run out at now (their worker crashed or stalled). Each becomes
// [MOProcessing] until now+lease, with one more attempt. The worker
// finishes each with [Store.DoneMO] or [Store.RetryMO] before the lease
// runs out; otherwise another lease takes it again. lease must be at least
// a millisecond and limit positive ([ErrInvalid]).
func (s *Store) LeaseMO(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]MO, error) {
	if err := checkLease(lease, limit); err != nil {
		return nil, err
	}
	var list []MO
	err := s.WriteTx(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, moQueue.leaseSQL(moColumns, limit),
			now.Add(lease).UnixMilli(), s.now().UnixMilli(), now.UnixMilli())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			m, err := scanMO(rows)
			if err != nil {
				return err
			}
			list = append(list, *m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: lease mo: %w", err)
	}
	slices.SortFunc(list, func(a, b MO) int { return cmp.Compare(a.ID, b.ID) })
	return list, nil
}

// DoneMO marks message id as handled ([MODone]). Marking a done message
// again is not an error (a worker whose lease ran out may finish after
// another one did); an unknown id is [ErrNotFound].
func (s *Store) DoneMO(ctx context.Context, id int64) error {
	return s.WriteTx(ctx, func(tx *Tx) error { return tx.DoneMO(ctx, id) })
}

// DoneMO is [Store.DoneMO] inside tx, so that what handling the message
// recorded commits with its end.
func (tx *Tx) DoneMO(ctx context.Context, id int64) error {
	res, err := tx.ExecContext(ctx,
		"UPDATE mo_messages SET state = 'done', lease_until = 0, updated_at = ?"+
			" WHERE id = ? AND state IN ('queued', 'processing')",
		tx.now().UnixMilli(), id)
	if err != nil {
		return fmt.Errorf("store: mo done: %w", err)
	}
	err = moQueue.checkChanged(ctx, tx, res, "done", id)
	if errors.Is(err, ErrNotPending) {
		return nil // already done
	}
	return err
}

// RetryMO gives message id back to the queue, due at `at`, after a
// transient failure (e.g. the XMPP link is down). It fails with
// [ErrNotFound] for an unknown id and [ErrNotPending] for a done message.
func (s *Store) RetryMO(ctx context.Context, id int64, at time.Time) error {
	return s.WriteTx(ctx, func(tx *Tx) error {
		return moQueue.requeue(ctx, tx, id, at, s.now(), "")
	})
}

// MOStats returns the number of MO messages in each state (every state
// present, 0 where there are none) and the arrival time of the oldest
// message not yet done, zero if there is none: the age of the queue, for
// metrics.
func (s *Store) MOStats(ctx context.Context) (map[MOState]int, time.Time, error) {
	counts, oldest, err := moQueue.stats(ctx, s.read, moStates)
	if err != nil {
		return nil, time.Time{}, err
	}
	typed := make(map[MOState]int, len(counts))
	for st, n := range counts {
		typed[MOState(st)] = n
	}
	return typed, oldest, nil
}

// PruneMO deletes the done MO messages marked done before `before` and
// returns how many it deleted.
func (s *Store) PruneMO(ctx context.Context, before time.Time) (int, error) {
	return s.prune(ctx, moQueue, before)
}

// scanMO reads the moColumns of one row.
func scanMO(sc scanner) (*MO, error) {
	var (
		m        MO
		dc       int
		missing  string
		state    string
		received int64
	)
	if err := sc.Scan(&m.ID, &m.Source, &m.Dest, &dc, &m.Payload, &m.Parts, &missing,
		&state, &m.Attempts, &received); err != nil {
		return nil, err
	}
	var err error
	if m.Missing, err = parseSeqs(missing); err != nil {
		return nil, err
	}
	m.DataCoding, m.State, m.ReceivedAt = byte(dc), MOState(state), fromMillis(received)
	return &m, nil
}
