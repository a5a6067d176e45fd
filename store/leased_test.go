package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A message enqueued leased is sending/processing at once with one
// attempt, is not leased again while its lease runs, and comes back
// (second attempt) once it has run out.
func TestEnqueueLeasedMT(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	m := &MT{Dest: phoneMT, Source: "alice@example.org", Text: "hi"}
	id, err := s.EnqueueMTLeased(ctx, m, clk.t.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != id || m.State != MTSending || m.Attempts != 1 {
		t.Fatalf("after leased enqueue: %v", m)
	}
	if got := leaseMT(t, s, clk.t.Add(59*time.Second), 10); len(got) != 0 {
		t.Fatalf("leased again within its lease: %v", got)
	}
	got := leaseMT(t, s, clk.t.Add(time.Minute), 10)
	if len(got) != 1 || got[0].ID != id || got[0].Attempts != 2 {
		t.Fatalf("after the lease ran out: %v", got)
	}
	if _, err := s.EnqueueMTLeased(ctx, &MT{Dest: phoneMT, Source: "a"}, time.Time{}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("zero lease: %v, want ErrInvalid", err)
	}
	if _, err := s.EnqueueMTLeased(ctx, &MT{Source: "a"}, clk.t); !errors.Is(err, ErrInvalid) {
		t.Fatalf("empty dest: %v, want ErrInvalid", err)
	}
}

// A part recorded for a message enqueued leased completes it, and a
// later lease of a retried message carries its sent parts.
func TestEnqueueLeasedMTPartSent(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	one := &MT{Dest: phoneMT, Source: "a", Text: "x"}
	if _, err := s.EnqueueMTLeased(ctx, one, clk.t.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.MTPartSent(ctx, one.ID, 1, 1, []string{"7b", "123", "7b", ""}); err != nil {
		t.Fatal(err)
	}
	if st, _, _ := mtState(t, s, one.ID); st != MTSent {
		t.Fatalf("one-part message after its part: %s", st)
	}
	if n := countRows(t, s, "mt_smsc_ids"); n != 2 {
		t.Fatalf("%d candidates indexed, want 2 (duplicates and empty ones dropped)", n)
	}
	two := &MT{Dest: phoneMT, Source: "a", Text: "y"}
	if _, err := s.EnqueueMTLeased(ctx, two, clk.t.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.MTPartSent(ctx, two.ID, 1, 2, []string{"aa"}); err != nil {
		t.Fatal(err)
	}
	if err := s.RetryMT(ctx, two.ID, clk.t, "throttled"); err != nil {
		t.Fatal(err)
	}
	leased := leaseMT(t, s, clk.t, 10)
	if len(leased) != 1 || leased[0].ID != two.ID || len(leased[0].Sent) != 1 || leased[0].Sent[0] != 1 {
		t.Fatalf("retried message leased as %v", leased)
	}
	if err := s.MTPartSent(ctx, two.ID, 2, 2, []string{"bb"}); err != nil {
		t.Fatal(err)
	}
	if st, _, _ := mtState(t, s, two.ID); st != MTSent {
		t.Fatalf("two-part message after both parts: %s", st)
	}
}

func TestEnqueueLeasedMO(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	m := &MO{Source: phoneMO, Dest: shortNo, Payload: []byte("hi")}
	id, err := s.EnqueueMOLeased(ctx, m, clk.t.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != id || m.State != MOProcessing || m.Attempts != 1 {
		t.Fatalf("after leased enqueue: %v", m)
	}
	if got, err := s.LeaseMO(ctx, clk.t.Add(59*time.Second), time.Minute, 10); err != nil || len(got) != 0 {
		t.Fatalf("leased again within its lease: %v, %v", got, err)
	}
	if err := s.DoneMO(ctx, id); err != nil {
		t.Fatal(err)
	}
	if got, err := s.LeaseMO(ctx, clk.t.Add(2*time.Minute), time.Minute, 10); err != nil || len(got) != 0 {
		t.Fatalf("done message leased: %v, %v", got, err)
	}
	if _, err := s.EnqueueMOLeased(ctx, &MO{Source: phoneMO}, time.Time{}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("zero lease: %v, want ErrInvalid", err)
	}
}

// What the caller records with a message commits with it; an error from
// it stores neither and comes back as is.
func TestEnqueueMTWith(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	day := clk.t.UTC().Format(time.DateOnly)
	take := func(tx *Tx) error {
		_, ok, err := tx.TakeDailyQuota(ctx, "alice@example.org", day, 1)
		if err == nil && !ok {
			return errOver
		}
		return err
	}
	if _, err := s.EnqueueMTWith(ctx, &MT{Dest: phoneMT, Source: "a", Text: "1"}, time.Time{}, take); err != nil {
		t.Fatal(err)
	}
	_, err := s.EnqueueMTWith(ctx, &MT{Dest: phoneMT, Source: "a", Text: "2"}, clk.t.Add(time.Minute), take)
	if err != errOver {
		t.Fatalf("second message over the quota: %v, want errOver unwrapped", err)
	}
	if n := countRows(t, s, "mt_messages"); n != 1 {
		t.Fatalf("%d messages stored, want 1", n)
	}
	if n, ok, err := s.TakeDailyQuota(ctx, "alice@example.org", day, 0); err != nil || n != 2 || !ok {
		t.Fatalf("quota after the refused message: %d %v %v; want the first count plus this one", n, ok, err)
	}
	// A failing insert rolls back what with wrote.
	_, err = s.EnqueueMTWith(ctx, &MT{Dest: phoneMT, Source: "a", Parts: 0, Text: "3"}, time.Time{}, func(tx *Tx) error {
		if err := tx.RecordRelay(ctx, "c"); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO no_such_table VALUES (1)")
		return err
	})
	if err == nil {
		t.Fatal("a failing with did not fail the enqueue")
	}
	if c, err := s.RelayCounters(ctx); err != nil || c["c"] != 0 {
		t.Fatalf("counter after the rolled back enqueue: %v, %v", c, err)
	}
}

var errOver = errors.New("over")

// Leases held by a dead process are released at start: its messages are
// leased again at once instead of when the lease runs out.
func TestReleaseLeases(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	if _, err := s.EnqueueMTLeased(ctx, &MT{Dest: phoneMT, Source: "a", Text: "x"}, clk.t.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.EnqueueMOLeased(ctx, &MO{Source: phoneMO, Dest: shortNo, Payload: []byte("y")}, clk.t.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.EnqueueMT(ctx, &MT{Dest: phoneMT, Source: "a", Text: "queued"}); err != nil {
		t.Fatal(err)
	}
	n, err := s.ReleaseLeases(ctx)
	if err != nil || n != 2 {
		t.Fatalf("ReleaseLeases = %d, %v; want the 2 leased", n, err)
	}
	if got := leaseMT(t, s, clk.t, 10); len(got) != 2 {
		t.Fatalf("leased %d MT after the release, want the released one and the queued one", len(got))
	}
	if got, err := s.LeaseMO(ctx, clk.t, time.Minute, 10); err != nil || len(got) != 1 {
		t.Fatalf("leased %v, %v MO after the release, want 1", got, err)
	}
}
