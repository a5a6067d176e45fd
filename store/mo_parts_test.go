package store

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
	"time"
	"unicode/utf16"
)

// partStep adds one part and states what AddMOPart must answer.
type partStep struct {
	p   MOPart
	dup bool
	// done names the message this part completes ("" if none).
	done string
}

// mp builds a part from phoneMO to the short number.
func mp(ref uint16, total, seq uint8, payload string) MOPart {
	return MOPart{Source: phoneMO, Dest: shortNo, Ref: ref, Total: total, Seq: seq, Payload: []byte(payload)}
}

func TestAddMOPart(t *testing.T) {
	// "A😀B" in UTF-16BE with the surrogate pair of U+1F600 split across
	// the two parts.
	ucs2 := func(seq uint8, b string) MOPart {
		p := mp(9, 2, seq, b)
		p.DataCoding = 0x08
		return p
	}
	other := func(p MOPart, source, dest string) MOPart { p.Source, p.Dest = source, dest; return p }

	for i, tc := range []struct {
		name  string
		steps []partStep
		want  map[string]string // completed message -> payload
		// open is the number of incomplete groups (and their parts) left.
		openGroups, openParts int
	}{
		{"in order", []partStep{
			{p: mp(1, 3, 1, "aa")}, {p: mp(1, 3, 2, "bb")}, {p: mp(1, 3, 3, "c"), done: "m"},
		}, map[string]string{"m": "aabbc"}, 0, 0},
		{"out of order", []partStep{
			{p: mp(1, 3, 3, "c")}, {p: mp(1, 3, 1, "aa")}, {p: mp(1, 3, 2, "bb"), done: "m"},
		}, map[string]string{"m": "aabbc"}, 0, 0},
		{"single part concatenation", []partStep{
			{p: mp(1, 1, 1, "x"), done: "m"},
		}, map[string]string{"m": "x"}, 0, 0},
		{"duplicates ignored, first payload kept", []partStep{
			{p: mp(1, 2, 1, "a")}, {p: mp(1, 2, 1, "zzz"), dup: true}, {p: mp(1, 2, 1, "a"), dup: true},
			{p: mp(1, 2, 2, "b"), done: "m"},
		}, map[string]string{"m": "ab"}, 0, 0},
		{"16-bit references are distinct from their low byte", []partStep{
			{p: mp(300, 2, 1, "a")}, {p: mp(44, 2, 2, "X")}, {p: mp(300, 2, 2, "b"), done: "m"},
		}, map[string]string{"m": "ab"}, 1, 1},
		{"groups differing only by total", []partStep{
			{p: mp(5, 2, 1, "a")}, {p: mp(5, 3, 1, "A")}, {p: mp(5, 3, 2, "B")},
			{p: mp(5, 2, 2, "b"), done: "two"}, {p: mp(5, 3, 3, "C"), done: "three"},
		}, map[string]string{"two": "ab", "three": "ABC"}, 0, 0},
		{"groups differing by source or destination", []partStep{
			{p: mp(5, 2, 1, "a")},
			{p: other(mp(5, 2, 1, "S"), "+4915199999999", shortNo)},
			{p: other(mp(5, 2, 1, "D"), phoneMO, "54321")},
			{p: mp(5, 2, 2, "b"), done: "m"},
		}, map[string]string{"m": "ab"}, 2, 2},
		{"surrogate pair split across parts", []partStep{
			{p: ucs2(2, "\xDE\x00\x00B")}, {p: ucs2(1, "\x00A\xD8\x3D"), done: "m"},
		}, map[string]string{"m": "\x00A\xD8\x3D\xDE\x00\x00B"}, 0, 0},
		{"empty payloads", []partStep{
			{p: mp(1, 2, 1, "")}, {p: mp(1, 2, 2, ""), done: "m"},
		}, map[string]string{"m": ""}, 0, 0},
		{"a part delivered again after completion", []partStep{
			{p: mp(7, 2, 1, "a")}, {p: mp(7, 2, 2, "b"), done: "m"},
			{p: mp(7, 2, 2, "b"), dup: true},
			{p: mp(7, 2, 1, "a"), dup: true},
		}, map[string]string{"m": "ab"}, 0, 0},
		{"a new message reusing the reference", []partStep{
			{p: mp(7, 2, 1, "a")}, {p: mp(7, 2, 2, "b"), done: "m"},
			{p: mp(7, 2, 1, "c")}, {p: mp(7, 2, 2, "b"), dup: true}, // same part as the first message
			{p: mp(7, 2, 1, "c"), dup: true}, {p: mp(7, 2, 2, "d"), done: "n"},
		}, map[string]string{"m": "ab", "n": "cd"}, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s, clk := openTest(t)
			done := map[string]int64{}
			var firstAt time.Time
			for k, st := range tc.steps {
				now := clk.t.Add(time.Duration(k) * time.Second)
				if k == 0 {
					firstAt = now
				}
				res, err := s.AddMOPart(ctx, st.p, now)
				if err != nil {
					t.Fatalf("%d.%d: AddMOPart(%v): %v", i, k, st.p, err)
				}
				if res.Duplicate != st.dup || (res.Completed != 0) != (st.done != "") {
					t.Errorf("%d.%d: AddMOPart(%v) = %+v, want duplicate %t, completes %q", i, k, st.p, res, st.dup, st.done)
				}
				if st.done != "" {
					if _, again := done[st.done]; again {
						t.Fatalf("%d.%d: message %q completed twice", i, k, st.done)
					}
					done[st.done] = res.Completed
				}
			}
			for name, payload := range tc.want {
				id, ok := done[name]
				if !ok {
					t.Errorf("%d: message %q never completed", i, name)
					continue
				}
				m := getMO(t, s, id)
				if !bytes.Equal(m.Payload, []byte(payload)) || m.Source != phoneMO || m.Dest != shortNo ||
					m.State != MOQueued || len(m.Missing) != 0 || m.Parts < 1 {
					t.Errorf("%d: message %q = %#v payload %q, want payload %q", i, name, m, m.Payload, payload)
				}
			}
			if len(done) != len(tc.want) {
				t.Errorf("%d: %d messages completed, want %d", i, len(done), len(tc.want))
			}
			if n := countRows(t, s, "mo_messages"); n != len(tc.want) {
				t.Errorf("%d: %d MO messages stored, want %d", i, n, len(tc.want))
			}
			groups, parts, err := s.CountMOParts(ctx)
			if err != nil || groups != tc.openGroups || parts != tc.openParts {
				t.Errorf("%d: CountMOParts = %d, %d, %v; want %d, %d", i, groups, parts, err, tc.openGroups, tc.openParts)
			}
			if id, ok := done["m"]; ok {
				if m := getMO(t, s, id); !m.ReceivedAt.Equal(firstAt) {
					t.Errorf("%d: received at %v, want the first part's time %v", i, m.ReceivedAt, firstAt)
				}
			}
		})
	}
}

func TestAddMOPartSurrogatePairDecodes(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	units := utf16.Encode([]rune("A😀B"))
	var be []byte
	for _, u := range units {
		be = append(be, byte(u>>8), byte(u))
	}
	// Cut inside the surrogate pair: "A" + high surrogate | low + "B".
	parts := [][]byte{be[:4], be[4:]}
	var id int64
	for k, seq := range []uint8{2, 1} {
		res, err := s.AddMOPart(ctx, MOPart{Source: phoneMO, Dest: shortNo, Ref: 513, Total: 2, Seq: seq,
			DataCoding: 0x08, Payload: parts[seq-1]}, clk.t)
		if err != nil {
			t.Fatalf("%d: %v", k, err)
		}
		id = res.Completed
	}
	m := getMO(t, s, id)
	if !bytes.Equal(m.Payload, be) || m.DataCoding != 0x08 {
		t.Fatalf("payload % X coding %#x, want % X 0x08", m.Payload, m.DataCoding, be)
	}
	got := make([]uint16, len(m.Payload)/2)
	for i := range got {
		got[i] = uint16(m.Payload[2*i])<<8 | uint16(m.Payload[2*i+1])
	}
	if text := string(utf16.Decode(got)); text != "A😀B" {
		t.Errorf("decoded %q, want %q", text, "A😀B")
	}
}

func TestAddMOPartInvalid(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	for i, p := range []MOPart{
		{Source: "", Dest: shortNo, Total: 2, Seq: 1},
		{Source: phoneMO, Total: 0, Seq: 0},
		{Source: phoneMO, Total: 2, Seq: 0},
		{Source: phoneMO, Total: 2, Seq: 3},
	} {
		if _, err := s.AddMOPart(ctx, p, clk.t); !errors.Is(err, ErrInvalid) {
			t.Errorf("%d: AddMOPart(%v) = %v, want ErrInvalid", i, p, err)
		}
	}
	if groups, parts, err := s.CountMOParts(ctx); err != nil || groups != 0 || parts != 0 {
		t.Errorf("invalid parts were stored: %d groups, %d parts, %v", groups, parts, err)
	}
}

func TestExpireMOParts(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	t0 := clk.t
	add := func(p MOPart, at time.Time) {
		t.Helper()
		if _, err := s.AddMOPart(ctx, p, at); err != nil {
			t.Fatal(err)
		}
	}
	// Group A: parts 3 and 1 of 4 from t0. Group B: 1 of 2 from t0+1m.
	// Group C completes at t0.
	a3, a1 := mp(1, 4, 3, "three"), mp(1, 4, 1, "one")
	a3.DataCoding, a1.DataCoding = 0x08, 0x00 // the lowest part's coding wins
	add(a3, t0)
	add(a1, t0.Add(30*time.Second))
	add(mp(2, 2, 1, "b1"), t0.Add(time.Minute))
	add(mp(3, 2, 1, "c1"), t0)
	add(mp(3, 2, 2, "c2"), t0)

	for i, step := range []struct {
		clock   time.Time // when the expiry runs
		cutoff  time.Time
		want    []string // payloads of the messages made
		missing [][]int
		groups  int
	}{
		{t0.Add(10 * time.Minute), t0, nil, nil, 2},
		{t0.Add(10 * time.Minute), t0.Add(time.Millisecond), []string{"onethree"}, [][]int{{2, 4}}, 1},
		{t0.Add(10 * time.Minute), t0.Add(time.Millisecond), nil, nil, 1},
		{t0.Add(2 * time.Hour), t0.Add(time.Hour), []string{"b1"}, [][]int{{2}}, 0},
	} {
		clk.t = step.clock
		ids, err := s.ExpireMOParts(ctx, step.cutoff)
		if err != nil {
			t.Fatalf("%d: ExpireMOParts: %v", i, err)
		}
		if len(ids) != len(step.want) {
			t.Fatalf("%d: expired %v, want %d messages", i, ids, len(step.want))
		}
		for k, id := range ids {
			m := getMO(t, s, id)
			if string(m.Payload) != step.want[k] || !slices.Equal(m.Missing, step.missing[k]) ||
				m.DataCoding != 0x00 || m.State != MOQueued || m.Source != phoneMO {
				t.Errorf("%d.%d: expired message %#v payload %q, want %q missing %v", i, k, m, m.Payload, step.want[k], step.missing[k])
			}
		}
		if groups, _, err := s.CountMOParts(ctx); err != nil || groups != step.groups {
			t.Errorf("%d: %d groups left (%v), want %d", i, groups, err, step.groups)
		}
	}
	// The tombstones of group C (closed at t0) and A (closed at t0+10m)
	// went with the expiries whose cutoff was after them; B's (closed at
	// t0+2h) stays.
	if n := countRows(t, s, "mo_groups"); n != 1 {
		t.Errorf("%d reassembly groups left, want 1 (the tombstone of B)", n)
	}
	// A late part of the expired group A that was never seen starts a new
	// group; one that was seen is a duplicate while the tombstone lasts.
	res, err := s.AddMOPart(ctx, mp(2, 2, 1, "b1"), clk.t)
	if err != nil || !res.Duplicate {
		t.Errorf("part of an expired group seen again: %+v, %v; want duplicate", res, err)
	}
	res, err = s.AddMOPart(ctx, mp(1, 4, 2, "two"), clk.t)
	if err != nil || res.Duplicate || res.Completed != 0 {
		t.Errorf("late part: %+v, %v; want a new incomplete group", res, err)
	}
}

func TestMOPartGroupCap(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	old := MaxMOPartGroups
	MaxMOPartGroups = 3
	t.Cleanup(func() { MaxMOPartGroups = old })

	for i, st := range []struct {
		p       MOPart
		wantErr error
		done    bool
	}{
		{mp(1, 2, 1, "a"), nil, false},
		{mp(2, 2, 1, "a"), nil, false},
		{mp(3, 2, 1, "a"), nil, false},
		{mp(4, 2, 1, "a"), ErrTooManyParts, false}, // a fourth group
		{mp(1, 2, 1, "a"), nil, false},             // a duplicate is still answered
		{mp(2, 2, 2, "b"), nil, true},              // parts of open groups are taken
		{mp(4, 2, 1, "a"), nil, false},             // room again
		{mp(5, 3, 1, "a"), ErrTooManyParts, false},
	} {
		res, err := s.AddMOPart(ctx, st.p, clk.t)
		if !errors.Is(err, st.wantErr) || (res.Completed != 0) != st.done {
			t.Errorf("%d: AddMOPart(%v) = %+v, %v; want %v, completed %t", i, st.p, res, err, st.wantErr, st.done)
		}
	}
	if groups, parts, err := s.CountMOParts(ctx); err != nil || groups != 3 || parts != 3 {
		t.Errorf("CountMOParts = %d, %d, %v; want 3, 3", groups, parts, err)
	}
}
