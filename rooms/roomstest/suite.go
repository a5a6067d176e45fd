package roomstest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mpimis/mpimis/rooms"
)

// t0 is the suite's reference time.
var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// Run runs the conformance suite against stores made by newStore; each
// subtest gets a fresh, empty store.
func Run(t *testing.T, newStore func(t *testing.T) rooms.Store) {
	t.Run("Rooms", func(t *testing.T) { testRooms(t, newStore(t)) })
	t.Run("Notes", func(t *testing.T) { testNotes(t, newStore(t)) })
	t.Run("PruneNotes", func(t *testing.T) { testPrune(t, newStore(t)) })
	t.Run("TopPages", func(t *testing.T) { testTopPages(t, newStore(t)) })
	t.Run("PageStats", func(t *testing.T) { testPageStats(t, newStore(t)) })
	t.Run("Cancelled", func(t *testing.T) { testCancelled(t, newStore(t)) })
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func testRooms(t *testing.T, s rooms.Store) {
	ctx := context.Background()
	if _, err := s.LoadRoom(ctx, "zzz"); !errors.Is(err, rooms.ErrUnknownRoom) {
		t.Errorf("unknown room: %v", err)
	}
	must(t, s.SaveRoom(ctx, "a", "https://example.org/a", ""))
	must(t, s.SaveRoom(ctx, "a", "", "Title A")) // an empty URL keeps the URL
	must(t, s.SaveRoom(ctx, "a", "", ""))        // an empty title keeps the title
	must(t, s.RecordMessage(ctx, "b", t0))       // any write creates the room
	cases := []struct {
		key  string
		want rooms.RoomInfo
	}{
		{"a", rooms.RoomInfo{URL: "https://example.org/a", Title: "Title A"}},
		{"b", rooms.RoomInfo{}},
	}
	for _, c := range cases {
		got, err := s.LoadRoom(ctx, c.key)
		if err != nil || got != c.want {
			t.Errorf("%s: LoadRoom = %+v, %v; want %+v", c.key, got, err, c.want)
		}
	}
}

func bodies(ns []rooms.Note) string {
	var b []string
	for _, n := range ns {
		b = append(b, n.Body)
	}
	return strings.Join(b, " ")
}

func note(i int) rooms.Note {
	return rooms.Note{ID: fmt.Sprint("id", i), Nick: "nick", Body: fmt.Sprint("n", i), Stamp: t0.Add(time.Duration(i) * time.Minute)}
}

func testNotes(t *testing.T, s rooms.Store) {
	ctx := context.Background()
	for i := range 5 {
		must(t, s.AppendNote(ctx, "a", note(i), 3))
	}
	must(t, s.AppendNote(ctx, "b", note(9), 3))
	cases := []struct {
		key   string
		limit int
		want  string
	}{
		{"a", 10, "n2 n3 n4"},
		{"a", 2, "n3 n4"},
		{"a", 0, ""},
		{"b", 10, "n9"},
		{"zzz", 10, ""},
	}
	for _, c := range cases {
		got, err := s.Notes(ctx, c.key, c.limit)
		if err != nil || bodies(got) != c.want {
			t.Errorf("%s/%d: notes %q, %v; want %q", c.key, c.limit, bodies(got), err, c.want)
		}
	}
	got, err := s.Notes(ctx, "a", 1)
	must(t, err)
	if want := note(4); len(got) != 1 || got[0].ID != want.ID || got[0].Nick != want.Nick || !got[0].Stamp.Equal(want.Stamp) {
		t.Errorf("note round trip: %+v, want %+v", got, want)
	}
	must(t, s.AppendNote(ctx, "a", note(5), 0)) // keep 0: nothing is kept
	if got, err := s.Notes(ctx, "a", 10); err != nil || len(got) != 0 {
		t.Errorf("keep 0: %q, %v", bodies(got), err)
	}
}

func testPrune(t *testing.T, s rooms.Store) {
	ctx := context.Background()
	for i := range 4 {
		must(t, s.AppendNote(ctx, "a", note(i), 10))
		must(t, s.AppendNote(ctx, "b", note(i+2), 10))
	}
	n, err := s.PruneNotes(ctx, t0.Add(2*time.Minute)) // a: n0 n1; b: none
	if err != nil || n != 2 {
		t.Errorf("pruned %d, %v; want 2", n, err)
	}
	for key, want := range map[string]string{"a": "n2 n3", "b": "n2 n3 n4 n5"} {
		if got, err := s.Notes(ctx, key, 10); err != nil || bodies(got) != want {
			t.Errorf("%s after prune: %q, %v; want %q", key, bodies(got), err, want)
		}
	}
}

func testTopPages(t *testing.T, s rooms.Store) {
	ctx := context.Background()
	visit := func(key string, n int, at time.Time) {
		for i := range n {
			must(t, s.RecordVisit(ctx, key, []byte{byte(i)}, at, at.Add(time.Minute)))
		}
	}
	visit("a", 1, t0)
	visit("b", 3, t0)
	visit("c", 2, t0.Add(time.Hour))
	visit("e", 1, t0)
	must(t, s.RecordMessage(ctx, "a", t0))
	must(t, s.SaveRoom(ctx, "d", "https://example.org/d", "")) // no visits: not listed
	cases := []struct {
		since time.Time
		limit int
		want  string
	}{
		{time.Time{}, 10, "b3 c2 a1 e1"},
		{time.Time{}, 2, "b3 c2"},
		{time.Time{}, -1, "b3 c2 a1 e1"},
		{t0.Add(30 * time.Minute), 10, "c2"},
		{t0.Add(61 * time.Minute), 10, "c2"}, // a visit counts by its end
		{t0.Add(2 * time.Hour), 10, ""},
	}
	for i, c := range cases {
		top, err := s.TopPages(ctx, c.since, c.limit)
		must(t, err)
		var got []string
		for _, p := range top {
			got = append(got, fmt.Sprintf("%s%d", p.Key, p.Visits))
		}
		if g := strings.Join(got, " "); g != c.want {
			t.Errorf("case %d: top %q, want %q", i, g, c.want)
		}
	}
}

func testPageStats(t *testing.T, s rooms.Store) {
	ctx := context.Background()
	must(t, s.SaveRoom(ctx, "a", "https://example.org/a", "A"))
	// Visits ending at 10, 20 (same visitor), 70 minutes.
	must(t, s.RecordVisit(ctx, "a", []byte("x"), t0, t0.Add(10*time.Minute)))
	must(t, s.RecordVisit(ctx, "a", []byte("x"), t0.Add(5*time.Minute), t0.Add(20*time.Minute)))
	must(t, s.RecordVisit(ctx, "a", []byte("y"), t0.Add(40*time.Minute), t0.Add(70*time.Minute)))
	must(t, s.RecordMessage(ctx, "a", t0.Add(time.Minute)))
	must(t, s.RecordMessage(ctx, "a", t0.Add(50*time.Minute)))
	must(t, s.RecordOccupancy(ctx, "a", 5, t0.Add(2*time.Minute)))
	must(t, s.RecordOccupancy(ctx, "a", 2, t0.Add(60*time.Minute)))
	last := t0.Add(70 * time.Minute)
	cases := []struct {
		name  string
		since time.Time
		want  rooms.PageStats
	}{
		{"all time", time.Time{}, rooms.PageStats{Visits: 3, UniqueVisitors: 2, PeakOccupants: 5,
			TotalDwell: 55 * time.Minute, Messages: 2}},
		{"from 15m", t0.Add(15 * time.Minute), rooms.PageStats{Visits: 2, UniqueVisitors: 2, PeakOccupants: 2,
			TotalDwell: 45 * time.Minute, Messages: 1}},
		{"from 30m", t0.Add(30 * time.Minute), rooms.PageStats{Visits: 1, UniqueVisitors: 1, PeakOccupants: 2,
			TotalDwell: 30 * time.Minute, Messages: 1}},
		{"from 2h", t0.Add(2 * time.Hour), rooms.PageStats{}},
	}
	for _, c := range cases {
		got, err := s.PageStats(ctx, "a", c.since)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		want := c.want
		want.Key, want.URL, want.Title, want.LastVisit = "a", "https://example.org/a", "A", last
		if !got.LastVisit.Equal(last) {
			t.Errorf("%s: last visit %v, want %v", c.name, got.LastVisit, last)
		}
		got.LastVisit = last
		if got != want {
			t.Errorf("%s: stats %+v, want %+v", c.name, got, want)
		}
	}
	if _, err := s.PageStats(ctx, "zzz", time.Time{}); !errors.Is(err, rooms.ErrUnknownRoom) {
		t.Errorf("unknown page: %v", err)
	}
	must(t, s.SaveRoom(ctx, "new", "https://example.org/new", ""))
	if got, err := s.PageStats(ctx, "new", time.Time{}); err != nil || got.Visits != 0 || !got.LastVisit.IsZero() {
		t.Errorf("page without visits: %+v, %v", got, err)
	}
}

func testCancelled(t *testing.T, s rooms.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	checks := []struct {
		name string
		err  error
	}{
		{"RecordMessage", s.RecordMessage(ctx, "a", t0)},
		{"RecordVisit", s.RecordVisit(ctx, "a", []byte("x"), t0, t0)},
		{"AppendNote", s.AppendNote(ctx, "a", note(1), 3)},
	}
	for _, c := range checks {
		if c.err == nil {
			t.Errorf("%s: a cancelled context was ignored", c.name)
		}
	}
	if _, err := s.Notes(ctx, "a", 3); err == nil {
		t.Error("Notes: a cancelled context was ignored")
	}
}
