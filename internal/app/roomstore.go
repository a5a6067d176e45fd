package app

import (
	"context"
	"errors"
	"time"

	"github.com/mpimis/mpimis/rooms"
	"github.com/mpimis/mpimis/store"
)

// roomStore implements rooms.Store on the SQLite store, converting
// between the two packages' types (store does not import rooms).
type roomStore struct{ st *store.Store }

var _ rooms.Store = roomStore{}

// SaveRoom implements rooms.Store.
func (r roomStore) SaveRoom(ctx context.Context, key, url, title string) error {
	return r.st.SaveRoom(ctx, key, url, title)
}

// LoadRoom implements rooms.Store.
func (r roomStore) LoadRoom(ctx context.Context, key string) (rooms.RoomInfo, error) {
	info, err := r.st.LoadRoom(ctx, key)
	if err != nil {
		return rooms.RoomInfo{}, roomErr(err)
	}
	return rooms.RoomInfo{URL: info.URL, Title: info.Title}, nil
}

// AppendNote implements rooms.Store.
func (r roomStore) AppendNote(ctx context.Context, key string, n rooms.Note, keep int) error {
	return r.st.AppendNote(ctx, key, store.RoomNote{ID: n.ID, Nick: n.Nick, Body: n.Body, Stamp: n.Stamp}, keep)
}

// Notes implements rooms.Store.
func (r roomStore) Notes(ctx context.Context, key string, limit int) ([]rooms.Note, error) {
	ns, err := r.st.Notes(ctx, key, limit)
	if err != nil {
		return nil, err
	}
	out := make([]rooms.Note, len(ns))
	for i, n := range ns {
		out[i] = rooms.Note{ID: n.ID, Nick: n.Nick, Body: n.Body, Stamp: n.Stamp}
	}
	return out, nil
}

// PruneNotes implements rooms.Store.
func (r roomStore) PruneNotes(ctx context.Context, before time.Time) (int, error) {
	return r.st.PruneNotes(ctx, before)
}

// RecordVisit implements rooms.Store.
func (r roomStore) RecordVisit(ctx context.Context, key string, visitor []byte, joined, left time.Time) error {
	return r.st.RecordVisit(ctx, key, visitor, joined, left)
}

// RecordMessage implements rooms.Store.
func (r roomStore) RecordMessage(ctx context.Context, key string, at time.Time) error {
	return r.st.RecordMessage(ctx, key, at)
}

// RecordOccupancy implements rooms.Store.
func (r roomStore) RecordOccupancy(ctx context.Context, key string, n int, at time.Time) error {
	return r.st.RecordOccupancy(ctx, key, n, at)
}

// PageStats implements rooms.Store.
func (r roomStore) PageStats(ctx context.Context, key string, since time.Time) (rooms.PageStats, error) {
	p, err := r.st.PageStats(ctx, key, since)
	if err != nil {
		return rooms.PageStats{}, roomErr(err)
	}
	return pageStats(p), nil
}

// TopPages implements rooms.Store.
func (r roomStore) TopPages(ctx context.Context, since time.Time, limit int) ([]rooms.PageStats, error) {
	ps, err := r.st.TopPages(ctx, since, limit)
	if err != nil {
		return nil, err
	}
	out := make([]rooms.PageStats, len(ps))
	for i, p := range ps {
		out[i] = pageStats(p)
	}
	return out, nil
}

// pageStats converts store statistics to the rooms type.
func pageStats(p store.PageStats) rooms.PageStats {
	return rooms.PageStats{Key: p.Key, URL: p.URL, Title: p.Title, Visits: p.Visits,
		UniqueVisitors: p.UniqueVisitors, PeakOccupants: p.PeakOccupants, TotalDwell: p.TotalDwell,
		Messages: p.Messages, LastVisit: p.LastVisit}
}

// roomErr maps store.ErrNotFound to rooms.ErrUnknownRoom.
func roomErr(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return rooms.ErrUnknownRoom
	}
	return err
}

// noteRetention maps rooms.note_retention to rooms.Config.NoteRetention:
// the configuration's 0 (keep) is the service's negative (forever).
func noteRetention(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}
