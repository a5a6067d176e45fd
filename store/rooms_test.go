package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// TestRoomsSurviveRestart: a room's info, notes and statistics are read
// back after the store is closed and opened again. (The full semantics
// are checked by rooms/roomstest through internal/app's adapter.)
func TestRoomsSurviveRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "mpimis.db")
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 123, time.UTC)
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		err  error
	}{
		{"save", s.SaveRoom(ctx, "k", "https://example.org/", "Ex")},
		{"note", s.AppendNote(ctx, "k", RoomNote{ID: "i1", Nick: "n", Body: "hello", Stamp: t0}, 5)},
		{"visit", s.RecordVisit(ctx, "k", nil, t0, t0.Add(time.Minute))},
		{"visit2", s.RecordVisit(ctx, "k", []byte{1}, t0, t0.Add(2*time.Minute))},
		{"message", s.RecordMessage(ctx, "k", t0)},
		{"occupancy", s.RecordOccupancy(ctx, "k", 2, t0)},
	}
	for _, st := range steps {
		if st.err != nil {
			t.Fatalf("%s: %v", st.name, st.err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if info, err := s.LoadRoom(ctx, "k"); err != nil || info != (RoomInfo{URL: "https://example.org/", Title: "Ex"}) {
		t.Errorf("room %+v, %v", info, err)
	}
	notes, err := s.Notes(ctx, "k", 10)
	if err != nil || len(notes) != 1 || notes[0].Body != "hello" || !notes[0].Stamp.Equal(t0) {
		t.Errorf("notes %+v, %v", notes, err)
	}
	for _, since := range []time.Time{{}, t0} {
		p, err := s.PageStats(ctx, "k", since)
		if err != nil || p.Visits != 2 || p.UniqueVisitors != 2 || p.Messages != 1 || p.PeakOccupants != 2 ||
			p.TotalDwell != 3*time.Minute || !p.LastVisit.Equal(t0.Add(2*time.Minute)) {
			t.Errorf("since %v: stats %+v, %v", since, p, err)
		}
	}
	if _, err := s.LoadRoom(ctx, "other"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown room: %v", err)
	}
	if err := s.SaveRoom(ctx, "", "u", ""); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty key: %v", err)
	}
}
