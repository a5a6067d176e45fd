package store

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

func TestEnqueueMO(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	at := time.Date(2024, 12, 31, 23, 59, 59, 999_000_000, time.UTC)
	for i, tc := range []struct {
		name     string
		m        MO
		wantErr  error
		parts    int
		received time.Time
	}{
		{"plain", MO{Source: phoneMO, Dest: shortNo, DataCoding: 0x08, Payload: []byte{0, 'h', 0, 'i'}}, nil, 1, clk.t},
		{"explicit time and parts", MO{Source: phoneMO, Dest: shortNo, Payload: []byte("x"), Parts: 3, Missing: []int{2}, ReceivedAt: at}, nil, 3, at},
		{"nil payload", MO{Source: phoneMO}, nil, 1, clk.t},
		{"empty source", MO{Dest: shortNo, Payload: []byte("x")}, ErrInvalid, 0, time.Time{}},
		{"too many parts", MO{Source: phoneMO, Parts: 256}, ErrInvalid, 0, time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.m
			id, err := s.EnqueueMO(ctx, &m)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("%d: EnqueueMO = %v, want %v", i, err, tc.wantErr)
			}
			if err != nil {
				return
			}
			if m.ID != id || m.State != MOQueued {
				t.Errorf("%d: after enqueue %#v", i, m)
			}
			got := getMO(t, s, id)
			if got.Source != tc.m.Source || got.Dest != tc.m.Dest || got.DataCoding != tc.m.DataCoding ||
				!bytes.Equal(got.Payload, tc.m.Payload) || got.Parts != tc.parts || !slices.Equal(got.Missing, tc.m.Missing) ||
				!got.ReceivedAt.Equal(tc.received.Truncate(time.Millisecond)) || got.State != MOQueued {
				t.Errorf("%d: stored %#v payload %q received %v", i, got, got.Payload, got.ReceivedAt)
			}
		})
	}
}

func TestMOQueueCycle(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	t0 := clk.t
	var ids []int64
	for _, text := range []string{"a", "b", "c"} {
		id, err := s.EnqueueMO(ctx, &MO{Source: phoneMO, Dest: shortNo, Payload: []byte(text)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	lease := func(now time.Time, limit int) []int64 {
		t.Helper()
		list, err := s.LeaseMO(ctx, now, time.Minute, limit)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range list {
			if m.State != MOProcessing || m.Source != phoneMO || len(m.Payload) != 1 {
				t.Errorf("leased %#v", m)
			}
		}
		return moIDs(list)
	}
	for i, st := range []struct {
		name  string
		do    func() error
		now   time.Time
		limit int
		want  []int64
	}{
		{"lease two", nil, t0, 2, ids[:2]},
		{"lease the rest", nil, t0, 10, ids[2:]},
		{"done and retry", func() error {
			if err := s.DoneMO(ctx, ids[0]); err != nil {
				return err
			}
			return s.RetryMO(ctx, ids[1], t0.Add(30*time.Second))
		}, t0.Add(29 * time.Second), 10, nil},
		{"retried one due", nil, t0.Add(30 * time.Second), 10, ids[1:2]},
		{"expired lease re-leased", nil, t0.Add(time.Minute), 10, ids[2:]},
		{"done twice is fine, retry of done is not", func() error {
			if err := s.DoneMO(ctx, ids[0]); err != nil {
				return err
			}
			if err := s.RetryMO(ctx, ids[0], t0); !errors.Is(err, ErrNotPending) {
				t.Errorf("RetryMO of a done message = %v, want ErrNotPending", err)
			}
			if err := s.DoneMO(ctx, 999); !errors.Is(err, ErrNotFound) {
				t.Errorf("DoneMO(999) = %v, want ErrNotFound", err)
			}
			if err := s.RetryMO(ctx, 999, t0); !errors.Is(err, ErrNotFound) {
				t.Errorf("RetryMO(999) = %v, want ErrNotFound", err)
			}
			return nil
		}, t0.Add(time.Hour), 10, ids[1:]},
	} {
		if st.do != nil {
			if err := st.do(); err != nil {
				t.Fatalf("%d %s: %v", i, st.name, err)
			}
		}
		if got := lease(st.now, st.limit); !slices.Equal(got, st.want) {
			t.Errorf("%d %s: leased %v, want %v", i, st.name, got, st.want)
		}
	}
	if m := getMO(t, s, ids[2]); m.Attempts != 3 {
		t.Errorf("attempts %d, want 3", m.Attempts)
	}
	if _, err := s.LeaseMO(ctx, t0, 0, 1); !errors.Is(err, ErrInvalid) {
		t.Errorf("LeaseMO with no lease: %v, want ErrInvalid", err)
	}
}

func TestMOStatsAndPrune(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	t0 := clk.t
	counts, oldest, err := s.MOStats(ctx)
	if err != nil || len(counts) != 3 || counts[MOQueued] != 0 || !oldest.IsZero() {
		t.Fatalf("empty stats: %v %v %v", counts, oldest, err)
	}
	var ids []int64
	for k := range 4 {
		clk.t = t0.Add(time.Duration(k) * time.Second)
		id, err := s.EnqueueMO(ctx, &MO{Source: phoneMO, Dest: shortNo, Payload: []byte("x")})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if _, err := s.LeaseMO(ctx, t0.Add(2*time.Second), time.Minute, 3); err != nil {
		t.Fatal(err)
	}
	clk.t = t0.Add(time.Hour)
	for _, id := range ids[:2] {
		if err := s.DoneMO(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	counts, oldest, err = s.MOStats(ctx)
	if err != nil || counts[MOQueued] != 1 || counts[MOProcessing] != 1 || counts[MODone] != 2 {
		t.Errorf("stats %v, %v", counts, err)
	}
	if want := t0.Add(2 * time.Second).Truncate(time.Millisecond); !oldest.Equal(want) {
		t.Errorf("oldest %v, want %v", oldest, want)
	}
	for i, tc := range []struct {
		before time.Time
		want   int
	}{{t0.Add(time.Hour), 0}, {t0.Add(2 * time.Hour), 2}, {t0.Add(3 * time.Hour), 0}} {
		if n, err := s.PruneMO(ctx, tc.before); err != nil || n != tc.want {
			t.Errorf("%d: PruneMO = %d, %v; want %d", i, n, err, tc.want)
		}
	}
	if n := countRows(t, s, "mo_messages"); n != 2 {
		t.Errorf("%d messages left, want 2", n)
	}
	// Ids are never reused after a prune.
	id, err := s.EnqueueMO(ctx, &MO{Source: phoneMO, Payload: []byte("y")})
	if err != nil || id <= ids[3] {
		t.Errorf("new id %d after prune (%v), want > %d", id, err, ids[3])
	}
}
