package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestCreateBindingFromMO(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	mustCreate(t, s, "45678901", "+4915123456789", "alice")
	for i, tc := range []struct {
		name string
		b    Binding
		mo   int64
		want error
	}{
		{"ok", Binding{IMID: "56789012", Phone: "+4915223456789", Nick: "Bob"}, 7, nil},
		{"phone bound", Binding{IMID: "67890123", Phone: "+4915123456789"}, 8, ErrPhoneBound},
		{"imid taken", Binding{IMID: "45678901", Phone: "+4915323456789"}, 9, ErrIMIDTaken},
		{"nick taken", Binding{IMID: "67890123", Phone: "+4915323456789", Nick: "alice"}, 10, ErrNickTaken},
		{"zero mo", Binding{IMID: "67890123", Phone: "+4915323456789"}, 0, ErrInvalid},
		{"bad imid", Binding{IMID: "x1", Phone: "+4915323456789"}, 11, ErrInvalid},
		{"no phone", Binding{IMID: "67890123"}, 11, ErrInvalid},
		{"retired state", Binding{IMID: "67890123", Phone: "+4915323456789", State: StateRetired}, 11, ErrInvalid},
	} {
		b := tc.b
		err := s.CreateBindingFromMO(ctx, &b, tc.mo)
		if !errors.Is(err, tc.want) {
			t.Errorf("%d %s: err %v, want %v", i, tc.name, err, tc.want)
			continue
		}
		mo, merr := s.RegisteringMO(ctx, tc.b.IMID)
		if merr != nil {
			t.Fatalf("%d %s: RegisteringMO: %v", i, tc.name, merr)
		}
		if err != nil {
			if tc.b.IMID == "67890123" && mo != 0 {
				t.Errorf("%d %s: failed create left registering mo %d", i, tc.name, mo)
			}
			continue
		}
		if mo != tc.mo {
			t.Errorf("%d %s: registering mo %d, want %d", i, tc.name, mo, tc.mo)
		}
		got, err := s.GetBindingByIMID(ctx, tc.b.IMID)
		if err != nil || got.Nick != "bob" || got.State != StateActive || !got.CreatedAt.Equal(clk.t.Truncate(time.Millisecond)) {
			t.Errorf("%d %s: stored %v created %v, %v", i, tc.name, got, got.CreatedAt, err)
		}
	}
	// A binding made by CreateBinding has no registering MO.
	if mo, err := s.RegisteringMO(ctx, "45678901"); err != nil || mo != 0 {
		t.Errorf("REG binding: registering mo %d, %v; want 0", mo, err)
	}
}

func TestUnbindAll(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	a := mustCreate(t, s, "45678901", "+4915123456789", "alice")
	b := mustCreate(t, s, "56789012", "+4915223456789", "bob")
	if err := s.CreateBindingFromMO(ctx, &Binding{IMID: "67890123", Phone: "+4915323456789"}, 3); err != nil {
		t.Fatal(err)
	}
	at := clk.t
	pa, pb := IMIDPeer(a.IMID), IMIDPeer(b.IMID)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	listIt := func(bd *Buddy, _ bool) bool { bd.Listed, bd.From = true, true; return true }
	for _, owner := range []string{a.IMID, b.IMID} {
		_, err := s.Block(ctx, owner, "spam@example.org", at)
		must(err)
		_, err = s.UpdateBuddy(ctx, owner, "carol@example.org", at, listIt)
		must(err)
	}
	_, err := s.Block(ctx, b.IMID, pa, at)
	must(err)
	_, err = s.UpdateBuddy(ctx, b.IMID, pa, at, listIt)
	must(err)
	_, err = s.UpdateBuddy(ctx, a.IMID, pb, at, listIt)
	must(err)
	must(s.Suspend(ctx, a.IMID, at))
	must(s.RecordRelay(ctx, "x", Sticky{a.IMID, pb, at}, Sticky{b.IMID, pa, at}))
	_, _, err = s.TakeDailyQuota(ctx, pa, "2025-01-02", 0)
	must(err)
	_, _, err = s.TakeDailyQuota(ctx, pb, "2025-01-02", 0)
	must(err)

	must(s.UnbindAll(ctx, a.IMID))
	if err := s.UnbindAll(ctx, a.IMID); !errors.Is(err, ErrNotFound) {
		t.Errorf("second UnbindAll: %v, want ErrNotFound", err)
	}
	if err := s.UnbindAll(ctx, "99999999"); !errors.Is(err, ErrNotFound) {
		t.Errorf("UnbindAll unknown: %v, want ErrNotFound", err)
	}
	if _, err := s.GetBindingByIMID(ctx, a.IMID); !errors.Is(err, ErrNotFound) {
		t.Errorf("binding still live: %v", err)
	}
	if ok, _ := s.IMIDExists(ctx, a.IMID); !ok {
		t.Error("retired imid no longer reserved")
	}
	if _, err := s.GetBindingByNick(ctx, "alice"); !errors.Is(err, ErrNotFound) {
		t.Errorf("nick still bound: %v", err)
	}
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := s.read.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for i, tc := range []struct {
		what  string
		query string
		args  []any
		want  int
	}{
		{"own blocks", "SELECT count(*) FROM relay_blocks WHERE owner_imid = ?", []any{a.IMID}, 0},
		{"blocks naming it", "SELECT count(*) FROM relay_blocks WHERE blocked = ?", []any{pa}, 0},
		{"other blocks kept", "SELECT count(*) FROM relay_blocks WHERE owner_imid = ?", []any{b.IMID}, 1},
		{"own buddies", "SELECT count(*) FROM relay_buddies WHERE owner_imid = ?", []any{a.IMID}, 0},
		{"buddies naming it", "SELECT count(*) FROM relay_buddies WHERE buddy = ?", []any{pa}, 0},
		{"other buddies kept", "SELECT count(*) FROM relay_buddies WHERE owner_imid = ?", []any{b.IMID}, 1},
		{"suspension", "SELECT count(*) FROM relay_suspensions WHERE imid = ?", []any{a.IMID}, 0},
		{"own sticky", "SELECT count(*) FROM relay_sticky WHERE owner_imid = ?", []any{a.IMID}, 0},
		{"sticky naming it", "SELECT count(*) FROM relay_sticky WHERE peer = ?", []any{pa}, 0},
		{"own counters", "SELECT count(*) FROM relay_sent WHERE sender = ?", []any{pa}, 0},
		{"other counters kept", "SELECT count(*) FROM relay_sent WHERE sender = ?", []any{pb}, 1},
		{"other registration kept", "SELECT count(*) FROM relay_registrations", nil, 1},
	} {
		if got := count(tc.query, tc.args...); got != tc.want {
			t.Errorf("%d %s: %d rows, want %d", i, tc.what, got, tc.want)
		}
	}
	must(s.UnbindAll(ctx, "67890123"))
	if mo, err := s.RegisteringMO(ctx, "67890123"); err != nil || mo != 0 {
		t.Errorf("registering mo after unbind: %d, %v", mo, err)
	}
}
