package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

func TestEnqueueMT(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	for i, tc := range []struct {
		name    string
		m       MT
		wantErr error
	}{
		{"ok", MT{Dest: phoneMT, Source: "alice@example.org", Text: "hi", Ref: 65535, Parts: 2, OriginID: "x", WantReceipt: true}, nil},
		{"empty text is stored", MT{Dest: phoneMT, Source: "45678901"}, nil},
		{"empty dest", MT{Source: "alice@example.org", Text: "hi"}, ErrInvalid},
		{"empty source", MT{Dest: phoneMT, Text: "hi"}, ErrInvalid},
		{"negative parts", MT{Dest: phoneMT, Source: "a", Parts: -1}, ErrInvalid},
		{"too many parts", MT{Dest: phoneMT, Source: "a", Parts: 256}, ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.m
			m.Attempts, m.Sent, m.State = 9, []int{1}, MTFailed // ignored
			id, err := s.EnqueueMT(ctx, &m)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("%d: EnqueueMT = %v, want %v", i, err, tc.wantErr)
			}
			if err != nil {
				return
			}
			if id <= 0 || m.ID != id || m.State != MTQueued || !m.CreatedAt.Equal(clk.t.Truncate(time.Millisecond)) {
				t.Errorf("%d: after enqueue id=%d %v created %v", i, id, m, m.CreatedAt)
			}
			got := leaseMT(t, s, clk.t, 10)
			if len(got) != 1 {
				t.Fatalf("%d: leased %d messages, want 1", i, len(got))
			}
			g := got[0]
			want := tc.m
			want.ID, want.Attempts, want.State, want.CreatedAt = id, 1, MTSending, m.CreatedAt
			if g.Dest != want.Dest || g.Source != want.Source || g.Text != want.Text || g.OriginID != want.OriginID ||
				g.Ref != want.Ref || g.WantReceipt != want.WantReceipt || g.Parts != want.Parts || g.Attempts != 1 ||
				g.State != MTSending || len(g.Sent) != 0 || !g.CreatedAt.Equal(want.CreatedAt) || g.ID != id {
				t.Errorf("%d: leased %#v (dest ok %t), want %#v", i, g, g.Dest == want.Dest, want)
			}
			if _, err := s.FailMT(ctx, id, "done with it"); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestLeaseMTOrderLimitAndDue(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	t0 := clk.t
	var ids []int64
	for _, text := range []string{"a", "b", "c", "d"} {
		ids = append(ids, enqueueMT(t, s, text).ID)
	}
	// A message enqueued later is not due before its enqueue time.
	clk.t = t0.Add(time.Hour)
	late := enqueueMT(t, s, "late").ID
	clk.t = t0

	for i, step := range []struct {
		name  string
		now   time.Time
		limit int
		want  []int64
	}{
		{"limit, oldest first", t0, 2, ids[:2]},
		{"leased ones are not taken again", t0, 10, ids[2:]},
		{"nothing due", t0.Add(59 * time.Second), 10, nil},
		{"expired leases, in id order", t0.Add(time.Minute), 3, ids[:3]},
		{"only the expired lease", t0.Add(90 * time.Second), 10, ids[3:]},
		{"everything once due", t0.Add(time.Hour), 10, append(slices.Clone(ids), late)},
	} {
		got := leaseMT(t, s, step.now, step.limit)
		if !slices.Equal(mtIDs(got), step.want) {
			t.Errorf("%d %s: leased %v, want %v", i, step.name, mtIDs(got), step.want)
		}
	}
	// Attempts count the leases.
	for i, tc := range []struct {
		id       int64
		attempts int
	}{{ids[0], 3}, {ids[1], 3}, {ids[2], 3}, {ids[3], 3}, {late, 1}} {
		if st, n, _ := mtState(t, s, tc.id); st != MTSending || n != tc.attempts {
			t.Errorf("%d: message %d is %s with %d attempts, want sending with %d", i, tc.id, st, n, tc.attempts)
		}
	}
	for i, tc := range []struct {
		lease time.Duration
		limit int
	}{{0, 1}, {time.Microsecond, 1}, {time.Minute, 0}, {time.Minute, -1}} {
		if _, err := s.LeaseMT(ctx, t0, tc.lease, tc.limit); !errors.Is(err, ErrInvalid) {
			t.Errorf("%d: LeaseMT(%v, %d) = %v, want ErrInvalid", i, tc.lease, tc.limit, err)
		}
	}
}

func TestMTRetryFailCycle(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	t0 := clk.t
	m := enqueueMT(t, s, "hello")
	other := enqueueMT(t, s, "other")
	leaseMT(t, s, t0, 10)

	steps := []struct {
		name string
		do   func() error
		// lease, if set, is leased after the step and must return wantIDs.
		lease   time.Time
		wantIDs []int64
		state   MTState
		reason  string
	}{
		{"retry", func() error { return s.RetryMT(ctx, m.ID, t0.Add(30*time.Second), "throttled") },
			t0.Add(29 * time.Second), nil, MTQueued, "throttled"},
		{"due after backoff", nil, t0.Add(30 * time.Second), []int64{m.ID}, MTSending, "throttled"},
		{"retry again", func() error { return s.RetryMT(ctx, m.ID, t0.Add(time.Minute), "timeout") },
			time.Time{}, nil, MTQueued, "timeout"},
		{"retry a queued message moves it", func() error { return s.RetryMT(ctx, m.ID, t0.Add(2*time.Minute), "queue full") },
			t0.Add(time.Minute + time.Second), []int64{other.ID}, MTQueued, "queue full"},
		{"fail", func() error {
			f, err := s.FailMT(ctx, m.ID, "invalid destination")
			if err == nil && (f.ID != m.ID || f.State != MTFailed || f.LastError != "invalid destination" ||
				f.Source != m.Source || f.OriginID != m.OriginID || f.Attempts != 2) {
				t.Errorf("FailMT returned %#v", f)
			}
			return err
		}, t0.Add(time.Hour), []int64{other.ID}, MTFailed, "invalid destination"},
		{"retry a failed message", func() error {
			if err := s.RetryMT(ctx, m.ID, t0, "x"); !errors.Is(err, ErrNotPending) {
				t.Errorf("RetryMT after fail = %v, want ErrNotPending", err)
			}
			return nil
		}, time.Time{}, nil, MTFailed, "invalid destination"},
		{"fail a failed message", func() error {
			if _, err := s.FailMT(ctx, m.ID, "again"); !errors.Is(err, ErrNotPending) {
				t.Errorf("FailMT after fail = %v, want ErrNotPending", err)
			}
			return nil
		}, time.Time{}, nil, MTFailed, "invalid destination"},
		{"unknown ids", func() error {
			if err := s.RetryMT(ctx, 999, t0, "x"); !errors.Is(err, ErrNotFound) {
				t.Errorf("RetryMT(999) = %v, want ErrNotFound", err)
			}
			if _, err := s.FailMT(ctx, 999, "x"); !errors.Is(err, ErrNotFound) {
				t.Errorf("FailMT(999) = %v, want ErrNotFound", err)
			}
			return nil
		}, time.Time{}, nil, MTFailed, "invalid destination"},
	}
	for i, st := range steps {
		if st.do != nil {
			if err := st.do(); err != nil {
				t.Fatalf("%d %s: %v", i, st.name, err)
			}
		}
		if !st.lease.IsZero() {
			if got := mtIDs(leaseMT(t, s, st.lease, 10)); !slices.Equal(got, st.wantIDs) {
				t.Errorf("%d %s: leased %v, want %v", i, st.name, got, st.wantIDs)
			}
		}
		if state, _, reason := mtState(t, s, m.ID); state != st.state || reason != st.reason {
			t.Errorf("%d %s: state %s reason %q, want %s %q", i, st.name, state, reason, st.state, st.reason)
		}
	}
}

func TestMTPartSent(t *testing.T) {
	ctx := context.Background()
	for i, tc := range []struct {
		name  string
		parts int
		order []int
		// sentAfter[k] is the state after order[k] was recorded.
		sentAfter []MTState
	}{
		{"single", 1, []int{1}, []MTState{MTSent}},
		{"in order", 3, []int{1, 2, 3}, []MTState{MTSending, MTSending, MTSent}},
		{"out of order", 3, []int{3, 1, 2}, []MTState{MTSending, MTSending, MTSent}},
		{"repeated part", 2, []int{2, 2, 1}, []MTState{MTSending, MTSending, MTSent}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, clk := openTest(t)
			m := enqueueMT(t, s, "x")
			leaseMT(t, s, clk.t, 1)
			for k, seq := range tc.order {
				cands := []string{"id" + string(rune('a'+k)), ""}
				if err := s.MTPartSent(ctx, m.ID, seq, tc.parts, cands); err != nil {
					t.Fatalf("%d: MTPartSent(%d): %v", i, seq, err)
				}
				if st, _, _ := mtState(t, s, m.ID); st != tc.sentAfter[k] {
					t.Errorf("%d: after part %d state %s, want %s", i, seq, st, tc.sentAfter[k])
				}
			}
			var parts int
			if err := s.read.QueryRowContext(ctx, "SELECT parts FROM mt_messages WHERE id = ?", m.ID).Scan(&parts); err != nil || parts != tc.parts {
				t.Errorf("%d: stored parts %d, %v; want %d", i, parts, err, tc.parts)
			}
			// A repeated part keeps its first SMSC id and gains the new one.
			if n := countRows(t, s, "mt_smsc_ids"); n != len(tc.order) {
				t.Errorf("%d: %d candidates indexed, want %d", i, n, len(tc.order))
			}
			if err := s.RetryMT(ctx, m.ID, clk.t, "late"); !errors.Is(err, ErrNotPending) {
				t.Errorf("%d: RetryMT of a sent message = %v, want ErrNotPending", i, err)
			}
		})
	}
}

func TestMTPartSentErrors(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	m := enqueueMT(t, s, "x")
	leaseMT(t, s, clk.t, 1)
	if err := s.MTPartSent(ctx, m.ID, 1, 3, []string{"a"}); err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct {
		id         int64
		seq, parts int
		want       error
	}{
		{m.ID, 0, 3, ErrInvalid},
		{m.ID, 4, 3, ErrInvalid},
		{m.ID, 1, 0, ErrInvalid},
		{m.ID, 1, 256, ErrInvalid},
		{m.ID, 2, 2, ErrInvalid}, // the message has 3 parts
		{999, 1, 1, ErrNotFound},
	} {
		if err := s.MTPartSent(ctx, tc.id, tc.seq, tc.parts, []string{"b"}); !errors.Is(err, tc.want) {
			t.Errorf("%d: MTPartSent(%d, %d, %d) = %v, want %v", i, tc.id, tc.seq, tc.parts, err, tc.want)
		}
	}
}

// TestMTResumeSkipsSentParts: after a disconnect in the middle of a
// message, the retry (or the lease after a crash) sees which parts the
// SMSC already has.
func TestMTResumeSkipsSentParts(t *testing.T) {
	ctx := context.Background()
	for i, tc := range []struct {
		name  string
		retry bool // RetryMT, else let the lease expire
	}{
		{"retry after disconnect", true},
		{"lease expired after crash", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, clk := openTest(t)
			t0 := clk.t
			m := enqueueMT(t, s, "long")
			leaseMT(t, s, t0, 1)
			for _, seq := range []int{1, 3} {
				if err := s.MTPartSent(ctx, m.ID, seq, 4, []string{"s" + string(rune('0'+seq))}); err != nil {
					t.Fatal(err)
				}
			}
			if tc.retry {
				if err := s.RetryMT(ctx, m.ID, t0.Add(time.Second), "disconnected"); err != nil {
					t.Fatal(err)
				}
			}
			got := leaseMT(t, s, t0.Add(time.Minute), 1)
			if len(got) != 1 || got[0].ID != m.ID || !slices.Equal(got[0].Sent, []int{1, 3}) ||
				got[0].Parts != 4 || got[0].Attempts != 2 {
				t.Fatalf("%d: re-leased %v, want id %d with sent [1 3] of 4, 2 attempts", i, got, m.ID)
			}
			for _, seq := range []int{4, 2} {
				if err := s.MTPartSent(ctx, m.ID, seq, 4, []string{"s" + string(rune('0'+seq))}); err != nil {
					t.Fatal(err)
				}
			}
			if st, _, _ := mtState(t, s, m.ID); st != MTSent {
				t.Errorf("%d: state %s, want sent", i, st)
			}
		})
	}
}

// TestMTPartSentAfterRetry: a part accepted after the message was given
// back to the queue is recorded, and the last one makes it sent.
func TestMTPartSentAfterRetry(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	m := enqueueMT(t, s, "x")
	leaseMT(t, s, clk.t, 1)
	if err := s.MTPartSent(ctx, m.ID, 1, 2, []string{"a"}); err != nil {
		t.Fatal(err)
	}
	if err := s.RetryMT(ctx, m.ID, clk.t.Add(time.Minute), "window timeout"); err != nil {
		t.Fatal(err)
	}
	if err := s.MTPartSent(ctx, m.ID, 2, 2, []string{"b"}); err != nil {
		t.Fatal(err)
	}
	if st, _, reason := mtState(t, s, m.ID); st != MTSent || reason != "" {
		t.Errorf("state %s reason %q, want sent with no error", st, reason)
	}
	if got := leaseMT(t, s, clk.t.Add(time.Hour), 10); len(got) != 0 {
		t.Errorf("a sent message was leased: %v", got)
	}
}
