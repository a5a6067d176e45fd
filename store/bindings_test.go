package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

const (
	phoneA = "+4915123456789"
	phoneB = "+4915223456789"
	phoneC = "+4915323456789"
)

func TestCreateBinding(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	mustCreate(t, s, "45678901", phoneA, "Alice")
	if err := s.RetireBinding(ctx, "45678901"); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, "56789012", phoneB, "bob")

	for i, tc := range []struct {
		name    string
		b       Binding
		wantErr error
	}{
		{"phone bound", Binding{IMID: "1", Phone: phoneB}, ErrPhoneBound},
		{"phone bound beats imid taken", Binding{IMID: "56789012", Phone: phoneB}, ErrPhoneBound},
		{"phone bound beats nick taken", Binding{IMID: "2", Phone: phoneB, Nick: "bob"}, ErrPhoneBound},
		{"imid taken", Binding{IMID: "56789012", Phone: phoneC}, ErrIMIDTaken},
		{"retired imid taken", Binding{IMID: "45678901", Phone: phoneC}, ErrIMIDTaken},
		{"imid taken beats nick taken", Binding{IMID: "56789012", Phone: phoneC, Nick: "bob"}, ErrIMIDTaken},
		{"nick taken", Binding{IMID: "3", Phone: phoneC, Nick: "bob"}, ErrNickTaken},
		{"nick taken case-insensitively", Binding{IMID: "3", Phone: phoneC, Nick: "BoB"}, ErrNickTaken},
		{"empty imid", Binding{Phone: phoneC}, ErrInvalid},
		{"non-numeric imid", Binding{IMID: "12a4", Phone: phoneC}, ErrInvalid},
		{"empty phone", Binding{IMID: "4"}, ErrInvalid},
		{"retired state", Binding{IMID: "4", Phone: phoneC, State: StateRetired}, ErrInvalid},
		{"unknown state", Binding{IMID: "4", Phone: phoneC, State: "gone"}, ErrInvalid},
		{"retired phone can bind again", Binding{IMID: "5", Phone: phoneA, Nick: "alice"}, nil},
		{"opted out", Binding{IMID: "6", Phone: phoneC, State: StateOptOut}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.b
			err := s.CreateBinding(ctx, &b)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("%d: CreateBinding = %v, want %v", i, err, tc.wantErr)
			}
			if err != nil {
				return
			}
			got, err := s.GetBindingByIMID(ctx, tc.b.IMID)
			if err != nil {
				t.Fatalf("%d: read back: %v", i, err)
			}
			if *got != b {
				t.Errorf("%d: stored %#v (phone match %t), CreateBinding reported %#v", i, got, got.Phone == b.Phone, b)
			}
		})
	}

	// Defaults filled in by CreateBinding.
	b := &Binding{IMID: "78901234", Phone: "+4915423456789", Nick: "CaRoL"}
	if err := s.CreateBinding(ctx, b); err != nil {
		t.Fatal(err)
	}
	want := clk.t.Truncate(time.Millisecond)
	if b.State != StateActive || b.Nick != "carol" || !b.CreatedAt.Equal(want) || !b.UpdatedAt.Equal(want) {
		t.Errorf("defaults: got %#v created %v updated %v; want active, carol, %v", b, b.CreatedAt, b.UpdatedAt, want)
	}
	// Explicit times are kept.
	created := time.Date(2020, 5, 6, 7, 8, 9, 0, time.UTC)
	b = &Binding{IMID: "89012345", Phone: "+4915523456789", CreatedAt: created}
	if err := s.CreateBinding(ctx, b); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetBindingByIMID(ctx, "89012345")
	if err != nil || !got.CreatedAt.Equal(created) || !got.UpdatedAt.Equal(created) {
		t.Errorf("explicit CreatedAt: got %v, %v; want %v", got, err, created)
	}
}

func TestGetBinding(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	alice := mustCreate(t, s, "45678901", phoneA, "alice")
	bob := mustCreate(t, s, "56789012", phoneB, "")
	mustCreate(t, s, "67890123", phoneC, "carol")
	if err := s.RetireBinding(ctx, "67890123"); err != nil {
		t.Fatal(err)
	}

	for i, tc := range []struct {
		name    string
		get     func() (*Binding, error)
		want    *Binding
		wantErr error
	}{
		{"phone", func() (*Binding, error) { return s.GetBindingByPhone(ctx, phoneA) }, alice, nil},
		{"phone without nick", func() (*Binding, error) { return s.GetBindingByPhone(ctx, phoneB) }, bob, nil},
		{"phone unknown", func() (*Binding, error) { return s.GetBindingByPhone(ctx, "+4915999999999") }, nil, ErrNotFound},
		{"phone retired", func() (*Binding, error) { return s.GetBindingByPhone(ctx, phoneC) }, nil, ErrNotFound},
		{"phone empty", func() (*Binding, error) { return s.GetBindingByPhone(ctx, "") }, nil, ErrNotFound},
		{"imid", func() (*Binding, error) { return s.GetBindingByIMID(ctx, "45678901") }, alice, nil},
		{"imid unknown", func() (*Binding, error) { return s.GetBindingByIMID(ctx, "11111111") }, nil, ErrNotFound},
		{"imid retired", func() (*Binding, error) { return s.GetBindingByIMID(ctx, "67890123") }, nil, ErrNotFound},
		{"nick", func() (*Binding, error) { return s.GetBindingByNick(ctx, "alice") }, alice, nil},
		{"nick other case", func() (*Binding, error) { return s.GetBindingByNick(ctx, "ALIce") }, alice, nil},
		{"nick unknown", func() (*Binding, error) { return s.GetBindingByNick(ctx, "dave") }, nil, ErrNotFound},
		{"nick retired", func() (*Binding, error) { return s.GetBindingByNick(ctx, "carol") }, nil, ErrNotFound},
		{"nick empty", func() (*Binding, error) { return s.GetBindingByNick(ctx, "") }, nil, ErrNotFound},
	} {
		got, err := tc.get()
		if !errors.Is(err, tc.wantErr) {
			t.Errorf("%d %s: err = %v, want %v", i, tc.name, err, tc.wantErr)
			continue
		}
		if tc.want == nil {
			if got != nil {
				t.Errorf("%d %s: got %v with an error", i, tc.name, got)
			}
			continue
		}
		if got == nil || *got != *tc.want {
			t.Errorf("%d %s: got %#v, want %#v (phones equal %t)", i, tc.name, got, tc.want, got != nil && got.Phone == tc.want.Phone)
		}
	}
}

func TestSetNick(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	mustCreate(t, s, "45678901", phoneA, "alice")
	mustCreate(t, s, "56789012", phoneB, "")
	mustCreate(t, s, "67890123", phoneC, "")
	if err := s.RetireBinding(ctx, "67890123"); err != nil {
		t.Fatal(err)
	}

	for i, tc := range []struct {
		name     string
		imid     string
		nick     string
		wantErr  error
		wantNick string // nick of imid afterwards, when wantErr is nil
	}{
		{"set", "56789012", "Bob", nil, "bob"},
		{"same again", "56789012", "bob", nil, "bob"},
		{"taken", "56789012", "alice", ErrNickTaken, ""},
		{"taken other case", "56789012", "ALICE", ErrNickTaken, ""},
		{"change", "45678901", "alice2", nil, "alice2"},
		{"freed nick reusable", "56789012", "alice", nil, "alice"},
		{"clear", "45678901", "", nil, ""},
		{"unknown imid", "11111111", "zed", ErrNotFound, ""},
		{"retired imid", "67890123", "zed", ErrNotFound, ""},
	} {
		clk.t = clk.t.Add(time.Second)
		err := s.SetNick(ctx, tc.imid, tc.nick)
		if !errors.Is(err, tc.wantErr) {
			t.Errorf("%d %s: err = %v, want %v", i, tc.name, err, tc.wantErr)
			continue
		}
		if err != nil {
			continue
		}
		b, err := s.GetBindingByIMID(ctx, tc.imid)
		if err != nil {
			t.Fatalf("%d %s: %v", i, tc.name, err)
		}
		if b.Nick != tc.wantNick || !b.UpdatedAt.Equal(clk.t.Truncate(time.Millisecond)) {
			t.Errorf("%d %s: nick %q updated %v; want %q, %v", i, tc.name, b.Nick, b.UpdatedAt, tc.wantNick, clk.t)
		}
	}
	// After the sequence the old nick "alice2" was cleared and is free.
	if _, err := s.GetBindingByNick(ctx, "alice2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("cleared nick still resolves: %v", err)
	}
}

func TestSetBindingState(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	mustCreate(t, s, "45678901", phoneA, "alice")
	mustCreate(t, s, "67890123", phoneC, "")
	if err := s.RetireBinding(ctx, "67890123"); err != nil {
		t.Fatal(err)
	}

	for i, tc := range []struct {
		name    string
		imid    string
		st      BindingState
		wantErr error
		want    BindingState // state of 45678901 afterwards
	}{
		{"opt out", "45678901", StateOptOut, nil, StateOptOut},
		{"opt out again", "45678901", StateOptOut, nil, StateOptOut},
		{"opt in", "45678901", StateActive, nil, StateActive},
		{"retire refused", "45678901", StateRetired, ErrInvalid, StateActive},
		{"unknown state refused", "45678901", "paused", ErrInvalid, StateActive},
		{"empty state refused", "45678901", "", ErrInvalid, StateActive},
		{"unknown imid", "11111111", StateOptOut, ErrNotFound, StateActive},
		{"retired imid", "67890123", StateActive, ErrNotFound, StateActive},
	} {
		clk.t = clk.t.Add(time.Second)
		err := s.SetBindingState(ctx, tc.imid, tc.st)
		if !errors.Is(err, tc.wantErr) {
			t.Errorf("%d %s: err = %v, want %v", i, tc.name, err, tc.wantErr)
		}
		b, err := s.GetBindingByIMID(ctx, "45678901")
		if err != nil {
			t.Fatal(err)
		}
		if b.State != tc.want {
			t.Errorf("%d %s: state %s, want %s", i, tc.name, b.State, tc.want)
		}
		if tc.wantErr == nil && !b.UpdatedAt.Equal(clk.t.Truncate(time.Millisecond)) {
			t.Errorf("%d %s: updated_at %v, want %v", i, tc.name, b.UpdatedAt, clk.t)
		}
	}
	if _, err := s.GetBindingByIMID(ctx, "67890123"); !errors.Is(err, ErrNotFound) {
		t.Errorf("retired binding came back: %v", err)
	}
}

func TestRetireBinding(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	mustCreate(t, s, "45678901", phoneA, "alice")
	optout := mustCreate(t, s, "56789012", phoneB, "bob")
	if err := s.SetBindingState(ctx, optout.IMID, StateOptOut); err != nil {
		t.Fatal(err)
	}

	for i, tc := range []struct {
		name    string
		imid    string
		wantErr error
	}{
		{"active", "45678901", nil},
		{"opted out", "56789012", nil},
		{"again", "45678901", ErrNotFound},
		{"unknown", "11111111", ErrNotFound},
	} {
		if err := s.RetireBinding(ctx, tc.imid); !errors.Is(err, tc.wantErr) {
			t.Errorf("%d %s: err = %v, want %v", i, tc.name, err, tc.wantErr)
		}
	}

	// The row stays, with phone and nick cleared.
	var phone, nick *string
	var state string
	if err := s.read.QueryRowContext(ctx, "SELECT phone, nick, state FROM bindings WHERE imid = '45678901'").Scan(&phone, &nick, &state); err != nil {
		t.Fatal(err)
	}
	if phone != nil || nick != nil || state != string(StateRetired) {
		t.Errorf("retired row: phone set %t, nick %v, state %s", phone != nil, nick, state)
	}
	// Phone and nick are free again, the imid is not.
	if ok, err := s.IMIDExists(ctx, "45678901"); err != nil || !ok {
		t.Errorf("IMIDExists(retired) = %t, %v", ok, err)
	}
	mustCreate(t, s, "99999999", phoneA, "alice")
	if err := s.CreateBinding(ctx, &Binding{IMID: "45678901", Phone: phoneC}); !errors.Is(err, ErrIMIDTaken) {
		t.Errorf("reusing a retired imid: %v, want ErrIMIDTaken", err)
	}
}

func TestIMIDExists(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	mustCreate(t, s, "45678901", phoneA, "")
	mustCreate(t, s, "56789012", phoneB, "")
	if err := s.RetireBinding(ctx, "56789012"); err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct {
		imid string
		want bool
	}{
		{"45678901", true},
		{"56789012", true},
		{"11111111", false},
		{"4567890", false},
		{"", false},
	} {
		got, err := s.IMIDExists(ctx, tc.imid)
		if err != nil || got != tc.want {
			t.Errorf("%d: IMIDExists(%q) = %t, %v; want %t", i, tc.imid, got, err, tc.want)
		}
	}
}

func TestCountBindings(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	got, err := s.CountBindings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	empty := map[BindingState]int{StateActive: 0, StateOptOut: 0, StateRetired: 0}
	if fmt.Sprint(got) != fmt.Sprint(empty) {
		t.Errorf("empty store: %v, want %v", got, empty)
	}
	for i := range 6 {
		mustCreate(t, s, fmt.Sprintf("1000000%d", i), fmt.Sprintf("+49151000000%d", i), "")
	}
	for _, imid := range []string{"10000000", "10000001"} {
		if err := s.SetBindingState(ctx, imid, StateOptOut); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RetireBinding(ctx, "10000005"); err != nil {
		t.Fatal(err)
	}
	got, err = s.CountBindings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[BindingState]int{StateActive: 3, StateOptOut: 2, StateRetired: 1}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestListBindings(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	// Inserted out of order; 3 is retired, 4 opted out.
	for _, n := range []int{5, 2, 7, 1, 3, 6, 4} {
		mustCreate(t, s, fmt.Sprintf("2000000%d", n), fmt.Sprintf("+49151200000%d", n), "")
	}
	if err := s.RetireBinding(ctx, "20000003"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetBindingState(ctx, "20000004", StateOptOut); err != nil {
		t.Fatal(err)
	}

	for i, tc := range []struct {
		after string
		limit int
		want  []string
	}{
		{"", 3, []string{"20000001", "20000002", "20000004"}},
		{"20000004", 3, []string{"20000005", "20000006", "20000007"}},
		{"20000007", 3, nil},
		{"", 100, []string{"20000001", "20000002", "20000004", "20000005", "20000006", "20000007"}},
		{"20000002", 1, []string{"20000004"}},
		{"20000003", 2, []string{"20000004", "20000005"}}, // after a retired imid
	} {
		got, err := s.ListBindings(ctx, tc.after, tc.limit)
		if err != nil {
			t.Errorf("%d: %v", i, err)
			continue
		}
		var imids []string
		for _, b := range got {
			imids = append(imids, b.IMID)
			if b.Phone == "" || b.State == StateRetired {
				t.Errorf("%d: listed a binding without phone or retired: %v", i, b)
			}
		}
		if fmt.Sprint(imids) != fmt.Sprint(tc.want) {
			t.Errorf("%d: ListBindings(%q, %d) = %v, want %v", i, tc.after, tc.limit, imids, tc.want)
		}
	}

	// Walking all pages visits every live binding exactly once.
	seen := map[string]int{}
	after := ""
	for page := 0; ; page++ {
		if page > 10 {
			t.Fatal("pagination does not end")
		}
		list, err := s.ListBindings(ctx, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range list {
			seen[b.IMID]++
		}
		if len(list) < 2 {
			break
		}
		after = list[len(list)-1].IMID
	}
	if len(seen) != 6 {
		t.Errorf("walk saw %d bindings, want 6: %v", len(seen), seen)
	}
	for imid, n := range seen {
		if n != 1 {
			t.Errorf("walk saw %s %d times", imid, n)
		}
	}

	for i, limit := range []int{0, -1} {
		if _, err := s.ListBindings(ctx, "", limit); !errors.Is(err, ErrInvalid) {
			t.Errorf("%d: limit %d: err = %v, want ErrInvalid", i, limit, err)
		}
	}
}
