package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The two message queues, MT (XMPP -> SMS, mt_*.go) and MO (SMS -> XMPP,
// mo_*.go), share one life cycle:
//
//   - a message is inserted in its waiting state ("queued") with
//     next_attempt_at = now, durably, before anyone acknowledges it;
//   - a worker leases due messages: the state becomes the active one
//     ("sending", "processing"), lease_until = now+lease, attempts+1;
//   - the worker finishes it (sent/done), gives it back for a later
//     attempt (queued with a new next_attempt_at) or fails it (MT only);
//   - a worker that crashes leaves its messages active with a lease that
//     runs out; a later lease takes them again, so a restart resumes both
//     queues and delivery is at least once.
//
// Leasing walks the partial index *_pending (only waiting and active rows)
// in id order, so finished rows that await pruning cost nothing.

// queue names the table and states of one message queue for the shared
// lease, retry, statistics and prune code. Its fields are fixed SQL.
type queue struct {
	op      string // prefix of error messages, e.g. "mt"
	table   string // mt_messages or mo_messages
	waiting string // state of a message waiting for an attempt
	active  string // state of a leased message
	since   string // column holding the time a message entered the queue
	// pending is the partial index holding only waiting and active rows.
	pending string
	// finished lists the states PruneMT/PruneMO delete, as SQL.
	finished string
}

var (
	mtQueue = queue{
		op: "mt", table: "mt_messages", waiting: "queued", active: "sending",
		since: "created_at", pending: "mt_messages_pending", finished: "'sent', 'delivered', 'failed'",
	}
	moQueue = queue{
		op: "mo", table: "mo_messages", waiting: "queued", active: "processing",
		since: "received_at", pending: "mo_messages_pending", finished: "'done'",
	}
)

// pruneBatch is the number of rows one prune transaction deletes, so a
// large prune never holds the writer for long.
const pruneBatch = 500

// checkLease validates the arguments of a lease call.
func checkLease(lease time.Duration, limit int) error {
	if lease < time.Millisecond {
		return fmt.Errorf("%w: lease must be at least a millisecond", ErrInvalid)
	}
	if limit <= 0 {
		return fmt.Errorf("%w: limit must be positive", ErrInvalid)
	}
	return nil
}

// leaseSQL is the statement that leases up to limit messages due at ?3 in
// id order, setting lease_until ?1 and updated_at ?2, and returns columns.
// The limit is part of the text, not a parameter: SQLite plans with a
// bound LIMIT's value, so binding another one made it prepare the
// statement again on every lease (profiled: most of a lease's cost). The
// workers ask for at most their number of slots, so there are few texts.
//
// It walks the *_pending partial index (id plus the columns tested, only
// waiting and active rows) in id order and stops after ?4 matches, so its
// cost does not grow with the finished rows awaiting pruning nor (when
// most pending rows are due) with the backlog. Without statistics the
// planner would rather search the state index and sort every pending row,
// hence INDEXED BY; the "state IN (...)" term repeats the index's WHERE,
// which SQLite requires to use a partial index.
func (q queue) leaseSQL(columns string, limit int) string {
	return "UPDATE " + q.table + " SET state = '" + q.active + "', lease_until = ?1," +
		" attempts = attempts + 1, updated_at = ?2" +
		" WHERE id IN (SELECT id FROM " + q.table + " INDEXED BY " + q.pending +
		" WHERE state IN ('" + q.waiting + "', '" + q.active + "')" +
		" AND ((state = '" + q.waiting + "' AND next_attempt_at <= ?3)" +
		" OR (state = '" + q.active + "' AND lease_until <= ?3))" +
		" ORDER BY id LIMIT " + strconv.Itoa(limit) + ")" +
		" RETURNING " + columns
}

// requeue moves message id back to the waiting state, due at `at`, with
// set (fixed SQL assignments, may be "") and its args applied as well. A
// message that is neither waiting nor active gives [ErrNotPending], an
// unknown id [ErrNotFound].
func (q queue) requeue(ctx context.Context, tx *Tx, id int64, at, now time.Time, set string, args ...any) error {
	if set != "" {
		set = ", " + set
	}
	all := append([]any{at.UnixMilli(), now.UnixMilli()}, args...)
	all = append(all, id)
	res, err := tx.ExecContext(ctx,
		"UPDATE "+q.table+" SET state = '"+q.waiting+"', next_attempt_at = ?, lease_until = 0,"+
			" updated_at = ?"+set+
			" WHERE id = ? AND state IN ('"+q.waiting+"', '"+q.active+"')", all...)
	if err != nil {
		return fmt.Errorf("store: %s retry: %w", q.op, err)
	}
	return q.checkChanged(ctx, tx, res, "retry", id)
}

// checkChanged turns an UPDATE of pending message id that changed nothing
// into [ErrNotFound] (no such message) or [ErrNotPending].
func (q queue) checkChanged(ctx context.Context, tx *Tx, res sql.Result, what string, id int64) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: %s %s: %w", q.op, what, err)
	}
	if n > 0 {
		return nil
	}
	var one int
	err = tx.QueryRowContext(ctx, "SELECT 1 FROM "+q.table+" WHERE id = ?", id).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return ErrNotFound
	case err != nil:
		return fmt.Errorf("store: %s %s: %w", q.op, what, err)
	}
	return ErrNotPending
}

// stats counts q's messages per state (every state in states present,
// 0 where there are none) and returns the time the oldest waiting or active
// message entered the queue, zero if there is none.
func (q queue) stats(ctx context.Context, db *readPool, states []string) (map[string]int, time.Time, error) {
	counts := make(map[string]int, len(states))
	for _, st := range states {
		counts[st] = 0
	}
	rows, err := db.QueryContext(ctx, "SELECT state, count(*) FROM "+q.table+" GROUP BY state")
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("store: %s stats: %w", q.op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, time.Time{}, fmt.Errorf("store: %s stats: %w", q.op, err)
		}
		counts[st] = n
	}
	if err := rows.Err(); err != nil {
		return nil, time.Time{}, fmt.Errorf("store: %s stats: %w", q.op, err)
	}
	var oldest int64
	err = db.QueryRowContext(ctx,
		"SELECT "+q.since+" FROM "+q.table+" INDEXED BY "+q.pending+
			" WHERE state IN ('"+q.waiting+"', '"+q.active+"') ORDER BY id LIMIT 1").Scan(&oldest)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return counts, time.Time{}, nil
	case err != nil:
		return nil, time.Time{}, fmt.Errorf("store: %s stats: %w", q.op, err)
	}
	return counts, fromMillis(oldest), nil
}

// prune deletes finished messages whose updated_at is before `before`, in
// batches of pruneBatch rows per transaction, and returns how many it
// deleted. Rows that reference them go by ON DELETE CASCADE.
func (s *Store) prune(ctx context.Context, q queue, before time.Time) (int, error) {
	total := 0
	for {
		var n int64
		err := s.WriteTx(ctx, func(tx *Tx) error {
			res, err := tx.ExecContext(ctx,
				"DELETE FROM "+q.table+" WHERE id IN (SELECT id FROM "+q.table+
					" WHERE state IN ("+q.finished+") AND updated_at < ? LIMIT ?)",
				before.UnixMilli(), pruneBatch)
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		})
		if err != nil {
			return total, fmt.Errorf("store: %s prune: %w", q.op, err)
		}
		total += int(n)
		if n < pruneBatch {
			return total, nil
		}
	}
}

// formatSeqs encodes part numbers as "1,3,4" for a TEXT column.
func formatSeqs(seqs []int) string {
	var b strings.Builder
	for i, n := range seqs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(n))
	}
	return b.String()
}

// parseSeqs decodes what formatSeqs wrote; "" is no part numbers.
func parseSeqs(s string) ([]int, error) {
	if s == "" {
		return nil, nil
	}
	fields := strings.Split(s, ",")
	seqs := make([]int, 0, len(fields))
	for _, f := range fields {
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("store: bad part list: %w", err)
		}
		seqs = append(seqs, n)
	}
	return seqs, nil
}

// blobArg returns b, or an empty non-nil slice for nil, so that a NOT NULL
// BLOB column receives an empty blob rather than NULL.
func blobArg(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// ReleaseLeases makes every MT and MO message still leased (sending,
// processing) due again at once and returns how many there were. The
// process that owns the store calls it when it starts: whatever is still
// leased then was held by a process that died, and need not wait for its
// lease to run out. Nothing else may be working on the store's queues.
func (s *Store) ReleaseLeases(ctx context.Context) (int, error) {
	var n int64
	err := s.WriteTx(ctx, func(tx *Tx) error {
		for _, q := range []queue{mtQueue, moQueue} {
			res, err := tx.ExecContext(ctx,
				"UPDATE "+q.table+" SET lease_until = 0 WHERE state = '"+q.active+"' AND lease_until > 0")
			if err != nil {
				return err
			}
			k, err := res.RowsAffected()
			if err != nil {
				return err
			}
			n += k
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: release leases: %w", err)
	}
	return int(n), nil
}
