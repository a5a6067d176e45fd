package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// recordCandidates points each of the SMSC id candidates (distinct, not
// empty) at part seq of message id, in one statement.
func recordCandidates(ctx context.Context, tx *Tx, id int64, seq int, candidates []string) error {
	if len(candidates) == 0 {
		return nil
	}
	var q strings.Builder
	q.WriteString("INSERT INTO mt_smsc_ids (candidate, mt_id, seq) VALUES ")
	args := make([]any, 0, 3*len(candidates))
	for i, c := range candidates {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?)")
		args = append(args, c, id, seq)
	}
	q.WriteString(" ON CONFLICT (candidate) DO UPDATE SET mt_id = excluded.mt_id, seq = excluded.seq")
	_, err := tx.ExecContext(ctx, q.String(), args...)
	return err
}

// statDelivered is the delivery report stat of a message that reached the
// handset; every other final stat means it did not.
const statDelivered = "DELIVRD"

// MTPartSent records that the SMSC accepted part seq (1-based) of parts of
// message id and returned an id whose normalized forms are candidates (the
// caller passes every form a delivery report may use; the first non-empty
// one is kept as the part's SMSC id; none at all is allowed when the SMSC
// returns no id). When every part has been recorded, a queued or sending
// message becomes [MTSent].
//
// Parts may be recorded in any order and in any state: a part the SMSC
// took is recorded even if the message was given back to the queue or
// failed meanwhile, so that a retry does not send it again and its report
// can be matched. Recording a part again keeps the first record and adds
// the new candidates (a part submitted twice has two SMSC ids). A
// candidate already pointing to another part is moved to this one: the
// newest submission is what a fresh report refers to.
//
// It fails with [ErrNotFound] for an unknown id and with [ErrInvalid] if
// seq or parts is out of range or parts differs from the count recorded
// earlier.
func (s *Store) MTPartSent(ctx context.Context, id int64, seq, parts int, candidates []string) error {
	if parts < 1 || parts > maxParts || seq < 1 || seq > parts {
		return fmt.Errorf("%w: part %d of %d", ErrInvalid, seq, parts)
	}
	smscID := ""
	for _, c := range candidates {
		if c != "" {
			smscID = c
			break
		}
	}
	var uniq []string
	for _, c := range candidates {
		if c != "" && !slices.Contains(uniq, c) {
			uniq = append(uniq, c)
		}
	}
	now := s.now().UnixMilli()
	return s.WriteTx(ctx, func(tx *Tx) error {
		var have int
		var state string
		err := tx.QueryRowContext(ctx, "SELECT parts, state FROM mt_messages WHERE id = ?", id).Scan(&have, &state)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return ErrNotFound
		case err != nil:
			return fmt.Errorf("store: mt part sent: %w", err)
		case have != 0 && have != parts:
			return fmt.Errorf("%w: message has %d parts, not %d", ErrInvalid, have, parts)
		}
		if _, err := tx.ExecContext(ctx,
			"INSERT INTO mt_parts (mt_id, seq, smsc_id, sent_at) VALUES (?, ?, ?, ?)"+
				" ON CONFLICT (mt_id, seq) DO NOTHING",
			id, seq, smscID, now); err != nil {
			return fmt.Errorf("store: mt part sent: %w", err)
		}
		if err := recordCandidates(ctx, tx, id, seq, uniq); err != nil {
			return fmt.Errorf("store: mt part sent: %w", err)
		}
		complete := state == string(MTQueued) || state == string(MTSending)
		if complete && parts > 1 {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM mt_parts WHERE mt_id = ?", id).Scan(&n); err != nil {
				return fmt.Errorf("store: mt part sent: %w", err)
			}
			complete = n >= parts
		}
		update := "UPDATE mt_messages SET parts = ?, updated_at = ? WHERE id = ?"
		if complete {
			update = "UPDATE mt_messages SET parts = ?, updated_at = ?, state = 'sent', lease_until = 0, last_error = ''" +
				" WHERE id = ?"
		}
		if _, err := tx.ExecContext(ctx, update, parts, now, id); err != nil {
			return fmt.Errorf("store: mt part sent: %w", err)
		}
		return nil
	})
}

// RecordDLR records a delivery report with stat (upper case, e.g. DELIVRD,
// UNDELIV, ENROUTE) about the part whose SMSC id has one of the normalized
// forms candidates, tried in order. final tells whether the report is the
// last about that part.
//
// A non-final report only updates the part. The first final report of a
// part is kept for good: DELIVRD on every part makes the message
// [MTDelivered] (AllDelivered), any other final stat makes it [MTFailed]
// with the stat as LastError (Failed). A report identical to the part's
// current one, or any report about a part that already has a final one,
// changes nothing and returns FirstTime false.
//
// It returns [ErrNotFound] when no candidate is known: the id is not one
// of ours, its message was pruned, or the report overtook the recording
// of its submit_sm_resp by [Store.MTPartSent] (a fast SMSC can deliver the
// report while the submitter is still storing the response; the caller may
// look again a moment later before giving up on it). An empty stat is
// refused with [ErrInvalid].
func (s *Store) RecordDLR(ctx context.Context, candidates []string, stat string, final bool) (*DLROutcome, error) {
	if stat == "" {
		return nil, fmt.Errorf("%w: empty delivery report stat", ErrInvalid)
	}
	now := s.now().UnixMilli()
	var out *DLROutcome
	err := s.WriteTx(ctx, func(tx *Tx) error {
		id, seq, err := findPart(ctx, tx, candidates)
		if err != nil {
			return err
		}
		var (
			status    sql.NullString
			wasFinal  bool
			state     string
			parts     int
			delivered int
		)
		if err := tx.QueryRowContext(ctx,
			"SELECT p.status, p.final, m.state, m.parts FROM mt_parts p JOIN mt_messages m ON m.id = p.mt_id"+
				" WHERE p.mt_id = ? AND p.seq = ?", id, seq).Scan(&status, &wasFinal, &state, &parts); err != nil {
			return fmt.Errorf("store: record dlr: %w", err)
		}
		o := &DLROutcome{Seq: seq}
		if !wasFinal && !(status.Valid && status.String == stat && !final) {
			o.FirstTime = true
			if _, err := tx.ExecContext(ctx,
				"UPDATE mt_parts SET status = ?, final = ?, report_at = ? WHERE mt_id = ? AND seq = ?",
				stat, final, now, id, seq); err != nil {
				return fmt.Errorf("store: record dlr: %w", err)
			}
		}
		switch {
		case !o.FirstTime || !final:
		case stat == statDelivered:
			if err := tx.QueryRowContext(ctx,
				"SELECT count(*) FROM mt_parts WHERE mt_id = ? AND final = 1 AND status = ?",
				id, statDelivered).Scan(&delivered); err != nil {
				return fmt.Errorf("store: record dlr: %w", err)
			}
			if parts > 0 && delivered == parts && (state == string(MTSending) || state == string(MTSent)) {
				o.AllDelivered = true
				if _, err := tx.ExecContext(ctx,
					"UPDATE mt_messages SET state = 'delivered', lease_until = 0, updated_at = ? WHERE id = ?",
					now, id); err != nil {
					return fmt.Errorf("store: record dlr: %w", err)
				}
			}
		case state == string(MTQueued) || state == string(MTSending) || state == string(MTSent):
			o.Failed = true
			if _, err := tx.ExecContext(ctx,
				"UPDATE mt_messages SET state = 'failed', lease_until = 0, last_error = ?, updated_at = ? WHERE id = ?",
				stat, now, id); err != nil {
				return fmt.Errorf("store: record dlr: %w", err)
			}
		}
		m, err := getMT(ctx, tx, id)
		if err != nil {
			return err
		}
		o.MT = *m
		out = o
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// findPart returns the part whose SMSC id has the first known form among
// candidates, or ErrNotFound.
func findPart(ctx context.Context, tx *Tx, candidates []string) (id int64, seq int, err error) {
	for _, c := range candidates {
		if c == "" {
			continue
		}
		err := tx.QueryRowContext(ctx, "SELECT mt_id, seq FROM mt_smsc_ids WHERE candidate = ?", c).Scan(&id, &seq)
		switch {
		case err == nil:
			return id, seq, nil
		case !errors.Is(err, sql.ErrNoRows):
			return 0, 0, fmt.Errorf("store: record dlr: %w", err)
		}
	}
	return 0, 0, ErrNotFound
}
