package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestSuspendResume(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	mustCreate(t, s, "45678901", "+4915123456789", "")
	mustCreate(t, s, "56789012", "+4915223456789", "")
	if err := s.RetireBinding(ctx, "56789012"); err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct {
		name    string
		op      func() error
		wantErr error
		want    bool // suspended afterwards
		count   int
	}{
		{"suspend", func() error { return s.Suspend(ctx, "45678901", clk.t) }, nil, true, 1},
		{"suspend again", func() error { return s.Suspend(ctx, "45678901", clk.t.Add(time.Hour)) }, nil, true, 1},
		{"resume", func() error { return s.Resume(ctx, "45678901") }, nil, false, 0},
		{"resume again", func() error { return s.Resume(ctx, "45678901") }, nil, false, 0},
		{"suspend retired", func() error { return s.Suspend(ctx, "56789012", clk.t) }, ErrNotFound, false, 0},
		{"suspend unknown", func() error { return s.Suspend(ctx, "99999999", clk.t) }, ErrNotFound, false, 0},
		{"resume unknown", func() error { return s.Resume(ctx, "99999999") }, ErrNotFound, false, 0},
	} {
		if err := tc.op(); !errors.Is(err, tc.wantErr) {
			t.Errorf("%d %s: err %v, want %v", i, tc.name, err, tc.wantErr)
		}
		if got, err := s.IsSuspended(ctx, "45678901"); err != nil || got != tc.want {
			t.Errorf("%d %s: suspended %t, %v; want %t", i, tc.name, got, err, tc.want)
		}
		if n, err := s.CountSuspended(ctx); err != nil || n != tc.count {
			t.Errorf("%d %s: CountSuspended %d, %v; want %d", i, tc.name, n, err, tc.count)
		}
	}
}

func TestBlocks(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	mustCreate(t, s, "45678901", "+4915123456789", "")
	for i, tc := range []struct {
		name    string
		block   bool // else unblock
		owner   string
		peer    string
		wantErr error
		wantNew bool // added / removed
		count   int  // blocks of 45678901 afterwards
	}{
		{"block jid", true, "45678901", "spam@example.org", nil, true, 1},
		{"block again", true, "45678901", "spam@example.org", nil, false, 1},
		{"block imid", true, "45678901", IMIDPeer("56789012"), nil, true, 2},
		{"block empty", true, "45678901", "", ErrInvalid, false, 2},
		{"unknown owner", true, "99999999", "spam@example.org", ErrNotFound, false, 2},
		{"unblock", false, "45678901", "spam@example.org", nil, true, 1},
		{"unblock again", false, "45678901", "spam@example.org", nil, false, 1},
	} {
		var (
			changed bool
			err     error
		)
		if tc.block {
			changed, err = s.Block(ctx, tc.owner, tc.peer, clk.t)
		} else {
			changed, err = s.Unblock(ctx, tc.owner, tc.peer)
		}
		if !errors.Is(err, tc.wantErr) || changed != tc.wantNew {
			t.Errorf("%d %s: %t, %v; want %t, %v", i, tc.name, changed, err, tc.wantNew, tc.wantErr)
		}
		if n, err := s.CountBlocks(ctx, "45678901"); err != nil || n != tc.count {
			t.Errorf("%d %s: CountBlocks %d, %v; want %d", i, tc.name, n, err, tc.count)
		}
	}
	for i, tc := range []struct {
		peer string
		want bool
	}{
		{"spam@example.org", false},
		{IMIDPeer("56789012"), true},
		{"other@example.org", false},
	} {
		if got, err := s.IsBlocked(ctx, "45678901", tc.peer); err != nil || got != tc.want {
			t.Errorf("%d IsBlocked(%s) = %t, %v; want %t", i, tc.peer, got, err, tc.want)
		}
	}
}

func TestPeerForms(t *testing.T) {
	for i, tc := range []struct {
		peer string
		imid string
		ok   bool
	}{
		{IMIDPeer("45678901"), "45678901", true},
		{"imid:", "", true},
		{"alice@example.org", "", false},
		{"45678901", "", false},
	} {
		if imid, ok := PeerIMID(tc.peer); imid != tc.imid || ok != tc.ok {
			t.Errorf("%d PeerIMID(%q) = %q, %t; want %q, %t", i, tc.peer, imid, ok, tc.imid, tc.ok)
		}
	}
}
