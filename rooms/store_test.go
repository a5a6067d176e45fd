package rooms

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestNotesRetention: notes are trimmed to the room's history size and
// pruned past their retention; a rebuilt room replays what is left.
func TestNotesRetention(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.History = 3; c.NoteRetention = time.Hour })
	key := mustKey(t, "https://example.org/retention")
	room := h.roomJID(key)
	h.join(key, alice, "alice")
	for i := range 5 {
		h.send(groupchat(alice, room, fmt.Sprint("n", i)))
		h.sync(key)
		h.clk.advance(20 * time.Minute)
	}
	// n0..n4 at 0, 20, 40, 60, 80 minutes; only n2..n4 are kept (History 3).
	ctx := context.Background()
	var notes []Note
	if err := h.svc.query(ctx, func(c context.Context) (err error) {
		notes, err = h.store.Notes(c, string(key), 10)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(notes) != 3 || notes[0].Body != "n2" || notes[2].Body != "n4" || notes[0].Nick != "alice" || notes[0].ID == "" {
		t.Fatalf("notes %+v", notes)
	}
	// At 101 minutes, retention 1h keeps n3 (60) and n4 (80).
	h.clk.advance(time.Minute)
	h.svc.prune()
	if err := h.svc.query(ctx, func(c context.Context) (err error) {
		notes, err = h.store.Notes(c, string(key), 10)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(notes) != 2 || notes[0].Body != "n3" {
		t.Errorf("after pruning: %+v", notes)
	}
}

func TestMemStoreTopPages(t *testing.T) {
	ctx := context.Background()
	m := NewMemStore()
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	visit := func(key string, n int, at time.Time) {
		for i := range n {
			if err := m.RecordVisit(ctx, key, []byte{byte(i)}, at, at.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
	}
	visit("a", 1, t0)
	visit("b", 3, t0)
	visit("c", 2, t0.Add(time.Hour))
	if err := m.RecordMessage(ctx, "a", t0); err != nil {
		t.Fatal(err)
	}
	if err := m.SaveRoom(ctx, "d", "https://example.org/d", ""); err != nil { // no visits: not listed
		t.Fatal(err)
	}
	cases := []struct {
		since time.Time
		limit int
		want  string
	}{
		{time.Time{}, 10, "b3 c2 a1"},
		{time.Time{}, 2, "b3 c2"},
		{t0.Add(30 * time.Minute), 10, "c2"},
		{t0.Add(2 * time.Hour), 10, ""},
	}
	for i, c := range cases {
		top, err := m.TopPages(ctx, c.since, c.limit)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for _, p := range top {
			if got != "" {
				got += " "
			}
			got += fmt.Sprintf("%s%d", p.Key, p.Visits)
		}
		if got != c.want {
			t.Errorf("case %d: top %q, want %q", i, got, c.want)
		}
	}
	if _, err := m.LoadRoom(ctx, "zzz"); err != ErrUnknownRoom {
		t.Errorf("unknown room: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := m.RecordMessage(cctx, "a", t0); err == nil {
		t.Error("a cancelled context was ignored")
	}
}

// TestLiveOrder: busiest rooms first, then by key.
func TestLiveOrder(t *testing.T) {
	h := newHarness(t, nil)
	k1, k2, k3 := mustKey(t, "https://example.org/1"), mustKey(t, "https://example.org/2"), mustKey(t, "https://example.org/3")
	h.join(k1, alice, "a")
	h.join(k2, alice, "a")
	h.join(k2, bob, "b")
	h.join(k3, bob, "b")
	live := h.svc.Live()
	if len(live) != 3 || live[0].Key != string(k2) || live[0].Occupants != 2 {
		t.Fatalf("live %+v", live)
	}
	if live[1].Key > live[2].Key {
		t.Errorf("ties not ordered by key: %s %s", live[1].Key, live[2].Key)
	}
	items := discoItems(h, carol)
	if len(items) != 3 || items[0].Get("jid") != h.roomJID(k2) {
		t.Errorf("disco items %v", items)
	}
}
