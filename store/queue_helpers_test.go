package store

import (
	"context"
	"testing"
	"time"
)

// Phone numbers used by the queue tests (possible German mobile numbers).
const (
	phoneMT = "+4915112345678"
	phoneMO = "+4915187654321"
	shortNo = "12345"
)

// enqueueMT enqueues a message to phoneMT or fails the test.
func enqueueMT(t testing.TB, s *Store, text string) *MT {
	t.Helper()
	m := &MT{Dest: phoneMT, Source: "alice@example.org", Text: text, OriginID: "o-" + text, Ref: 7, WantReceipt: true}
	if _, err := s.EnqueueMT(context.Background(), m); err != nil {
		t.Fatalf("EnqueueMT(%s): %v", text, err)
	}
	return m
}

// leaseMT leases at now with a one-minute lease or fails the test.
func leaseMT(t testing.TB, s *Store, now time.Time, limit int) []MT {
	t.Helper()
	list, err := s.LeaseMT(context.Background(), now, time.Minute, limit)
	if err != nil {
		t.Fatalf("LeaseMT: %v", err)
	}
	return list
}

// mtIDs returns the ids of list.
func mtIDs(list []MT) []int64 {
	ids := make([]int64, len(list))
	for i, m := range list {
		ids[i] = m.ID
	}
	return ids
}

// moIDs returns the ids of list.
func moIDs(list []MO) []int64 {
	ids := make([]int64, len(list))
	for i, m := range list {
		ids[i] = m.ID
	}
	return ids
}

// mtState reads the state, attempts and last error of MT id directly.
func mtState(t testing.TB, s *Store, id int64) (MTState, int, string) {
	t.Helper()
	var st, lastErr string
	var attempts int
	err := s.read.QueryRowContext(context.Background(),
		"SELECT state, attempts, last_error FROM mt_messages WHERE id = ?", id).Scan(&st, &attempts, &lastErr)
	if err != nil {
		t.Fatalf("read mt %d: %v", id, err)
	}
	return MTState(st), attempts, lastErr
}

// getMO reads MO id directly.
func getMO(t testing.TB, s *Store, id int64) *MO {
	t.Helper()
	m, err := scanMO(s.read.QueryRowContext(context.Background(),
		"SELECT "+moColumns+" FROM mo_messages WHERE id = ?", id))
	if err != nil {
		t.Fatalf("read mo %d: %v", id, err)
	}
	return m
}

// countRows returns the number of rows of table (fixed test SQL).
func countRows(t testing.TB, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.read.QueryRowContext(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}
