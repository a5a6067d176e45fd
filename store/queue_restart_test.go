package store

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestQueuesSurviveRestart stops the store with messages queued, leased and
// half sent, and a concatenated MO half received: after reopening, queued
// messages are leased at once, leased ones once their lease has run out
// (their worker died with the process), with the parts already sent, and
// the MO completes with the part stored before the restart.
func TestQueuesSurviveRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "mpimis.db")
	t0 := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	open := func() *Store {
		t.Helper()
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		s.now = func() time.Time { return t0 }
		return s
	}

	s := open()
	leasedMT := enqueueMT(t, s, "leased")
	queuedMT := enqueueMT(t, s, "queued")
	if got := mtIDs(leaseMT(t, s, t0, 1)); !slices.Equal(got, []int64{leasedMT.ID}) {
		t.Fatalf("leased %v", got)
	}
	if err := s.MTPartSent(ctx, leasedMT.ID, 2, 3, []string{"abc"}); err != nil {
		t.Fatal(err)
	}
	var moIDsBefore []int64
	for _, text := range []string{"leased", "queued"} {
		id, err := s.EnqueueMO(ctx, &MO{Source: phoneMO, Dest: shortNo, Payload: []byte(text)})
		if err != nil {
			t.Fatal(err)
		}
		moIDsBefore = append(moIDsBefore, id)
	}
	if list, err := s.LeaseMO(ctx, t0, time.Minute, 1); err != nil || len(list) != 1 {
		t.Fatalf("LeaseMO: %v, %v", list, err)
	}
	if _, err := s.AddMOPart(ctx, mp(1000, 2, 2, "world"), t0); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = open()
	defer s.Close()
	for i, step := range []struct {
		now      time.Time
		mt, mo   []int64
		attempts int // of the leased MT, when leased
	}{
		{t0.Add(30 * time.Second), []int64{queuedMT.ID}, moIDsBefore[1:], 0},
		{t0.Add(59 * time.Second), nil, nil, 0},
		{t0.Add(time.Minute), []int64{leasedMT.ID}, moIDsBefore[:1], 2},
	} {
		mts := leaseMT(t, s, step.now, 10)
		if !slices.Equal(mtIDs(mts), step.mt) {
			t.Errorf("%d: leased MT %v, want %v", i, mtIDs(mts), step.mt)
		}
		for _, m := range mts {
			if m.ID == leasedMT.ID && (!slices.Equal(m.Sent, []int{2}) || m.Parts != 3 || m.Attempts != step.attempts) {
				t.Errorf("%d: re-leased %v, want sent [2] of 3 and %d attempts", i, m, step.attempts)
			}
		}
		mos, err := s.LeaseMO(ctx, step.now, time.Minute, 10)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(moIDs(mos), step.mo) {
			t.Errorf("%d: leased MO %v, want %v", i, moIDs(mos), step.mo)
		}
	}
	if out, err := s.RecordDLR(ctx, []string{"abc"}, "ENROUTE", false); err != nil || out.MT.ID != leasedMT.ID {
		t.Errorf("SMSC id lost in the restart: %v, %v", out, err)
	}
	res, err := s.AddMOPart(ctx, mp(1000, 2, 1, "hello "), t0.Add(time.Minute))
	if err != nil || res.Completed == 0 {
		t.Fatalf("completing part after restart: %+v, %v", res, err)
	}
	if m := getMO(t, s, res.Completed); string(m.Payload) != "hello world" || !m.ReceivedAt.Equal(t0) {
		t.Errorf("reassembled across the restart: %q received %v", m.Payload, m.ReceivedAt)
	}
}
