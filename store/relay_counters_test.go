package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

func TestTakeDailyQuota(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	for i, tc := range []struct {
		sender, day string
		limit       int
		wantCount   int
		wantOK      bool
		wantErr     error
	}{
		{"imid:45678901", "2025-01-02", 2, 1, true, nil},
		{"imid:45678901", "2025-01-02", 2, 2, true, nil},
		{"imid:45678901", "2025-01-02", 2, 2, false, nil},
		{"imid:45678901", "2025-01-02", 3, 3, true, nil},
		{"imid:45678901", "2025-01-03", 2, 1, true, nil},
		{"xmpp:alice@example.org", "2025-01-02", 0, 1, true, nil},
		{"xmpp:alice@example.org", "2025-01-02", -1, 2, true, nil},
		{"", "2025-01-02", 1, 0, false, ErrInvalid},
		{"imid:1", "2025-1-2", 1, 0, false, ErrInvalid},
	} {
		n, ok, err := s.TakeDailyQuota(ctx, tc.sender, tc.day, tc.limit)
		if !errors.Is(err, tc.wantErr) || n != tc.wantCount || ok != tc.wantOK {
			t.Errorf("%d: TakeDailyQuota(%s, %s, %d) = %d, %t, %v; want %d, %t, %v",
				i, tc.sender, tc.day, tc.limit, n, ok, err, tc.wantCount, tc.wantOK, tc.wantErr)
		}
	}
	if n, err := s.SentCount(ctx, "imid:45678901", "2025-01-02"); err != nil || n != 3 {
		t.Errorf("SentCount = %d, %v; want 3", n, err)
	}
	if n, err := s.PruneSent(ctx, "2025-01-03"); err != nil || n != 2 {
		t.Errorf("PruneSent = %d, %v; want 2", n, err)
	}
	for i, tc := range []struct {
		sender, day string
		want        int
	}{
		{"imid:45678901", "2025-01-02", 0},
		{"xmpp:alice@example.org", "2025-01-02", 0},
		{"imid:45678901", "2025-01-03", 1},
	} {
		if n, err := s.SentCount(ctx, tc.sender, tc.day); err != nil || n != tc.want {
			t.Errorf("%d after prune: SentCount(%s, %s) = %d, %v; want %d", i, tc.sender, tc.day, n, err, tc.want)
		}
	}
}

func TestDailyQuotaSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "mpimis.db")
	for round := range 3 {
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		n, ok, err := s.TakeDailyQuota(ctx, "imid:45678901", "2025-01-02", 2)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		wantOK := round < 2
		if err != nil || ok != wantOK || n != min(round+1, 2) {
			t.Errorf("round %d: %d, %t, %v; want %d, %t", round, n, ok, err, min(round+1, 2), wantOK)
		}
	}
}

func TestCountersAndSticky(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	mustCreate(t, s, "45678901", "+4915123456789", "")
	mustCreate(t, s, "56789012", "+4915223456789", "")
	if err := s.RetireBinding(ctx, "56789012"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetSticky(ctx, "45678901"); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetSticky before: %v, want ErrNotFound", err)
	}
	at := clk.t
	steps := []struct {
		name     string
		do       func() error
		wantErr  error
		counters map[string]int64
		sticky   string // peer of 45678901, "" none
	}{
		{"relay", func() error {
			return s.RecordRelay(ctx, "relayed", Sticky{"45678901", "alice@example.org", at},
				Sticky{"56789012", "alice@example.org", at}) // retired owner: skipped
		}, nil, map[string]int64{"relayed": 1}, "alice@example.org"},
		{"relay again", func() error {
			return s.RecordRelay(ctx, "relayed", Sticky{"45678901", IMIDPeer("67890123"), at.Add(time.Minute)})
		}, nil, map[string]int64{"relayed": 2}, IMIDPeer("67890123")},
		{"no counter", func() error { return s.RecordRelay(ctx, "") }, nil, map[string]int64{"relayed": 2}, IMIDPeer("67890123")},
		{"empty peer", func() error { return s.RecordRelay(ctx, "relayed", Sticky{"45678901", "", at}) }, ErrInvalid,
			map[string]int64{"relayed": 2}, IMIDPeer("67890123")},
		{"add", func() error { return s.AddCounter(ctx, "refused", 5) }, nil,
			map[string]int64{"relayed": 2, "refused": 5}, IMIDPeer("67890123")},
		{"add negative", func() error { return s.AddCounter(ctx, "refused", -2) }, nil,
			map[string]int64{"relayed": 2, "refused": 3}, IMIDPeer("67890123")},
		{"add unnamed", func() error { return s.AddCounter(ctx, "", 1) }, ErrInvalid,
			map[string]int64{"relayed": 2, "refused": 3}, IMIDPeer("67890123")},
	}
	for i, st := range steps {
		if err := st.do(); !errors.Is(err, st.wantErr) {
			t.Errorf("%d %s: err %v, want %v", i, st.name, err, st.wantErr)
		}
		got, err := s.RelayCounters(ctx)
		if err != nil || len(got) != len(st.counters) {
			t.Errorf("%d %s: counters %v, %v; want %v", i, st.name, got, err, st.counters)
		}
		for k, v := range st.counters {
			if got[k] != v {
				t.Errorf("%d %s: counter %s = %d, want %d", i, st.name, k, got[k], v)
			}
		}
		sk, err := s.GetSticky(ctx, "45678901")
		if err != nil || sk.Peer != st.sticky || sk.Owner != "45678901" {
			t.Errorf("%d %s: sticky %+v, %v; want peer %s", i, st.name, sk, err, st.sticky)
		}
	}
	if sk, _ := s.GetSticky(ctx, "45678901"); !sk.At.Equal(at.Add(time.Minute).Truncate(time.Millisecond)) {
		t.Errorf("sticky at %v, want %v", sk.At, at.Add(time.Minute))
	}
	if _, err := s.GetSticky(ctx, "56789012"); !errors.Is(err, ErrNotFound) {
		t.Errorf("retired owner got a sticky: %v", err)
	}
}
