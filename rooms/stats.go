package rooms

import (
	"context"
	"fmt"
	"time"

	"github.com/mpimis/mpimis/ident"
)

// peakSaveEvery throttles how often a rising occupant peak is written.
const peakSaveEvery = 30 * time.Second

// LiveRoom describes a room that has occupants now.
type LiveRoom struct {
	Key        string    // room key
	JID        string    // room JID
	URL, Title string    // page, as far as known
	Occupants  int       // occupants now
	Busy       bool      // above the broadcast limit
	Since      time.Time // when the room opened
}

// Stats is an overview for the HTTP API and admin commands.
type Stats struct {
	Rooms     int         // live rooms
	Occupants int         // occupants of all live rooms
	Now       []LiveRoom  // busiest live rooms
	Top       []PageStats // most visited pages over the period asked for
}

// Live lists the live rooms, busiest first. It does not wait for any room.
func (s *Service) Live() []LiveRoom {
	s.mu.Lock()
	out := make([]LiveRoom, 0, len(s.rooms))
	for _, r := range s.rooms {
		n := int(r.count.Load())
		if n == 0 {
			continue
		}
		p := r.page.Load()
		out = append(out, LiveRoom{Key: string(r.key), JID: r.jid, URL: p.url, Title: p.title,
			Occupants: n, Busy: r.busy.Load(), Since: r.born})
	}
	s.mu.Unlock()
	sortLive(out)
	return out
}

// query runs fn on the store goroutine, after every write queued before
// it, and waits for it.
func (s *Service) query(ctx context.Context, fn func(context.Context) error) error {
	done := make(chan error, 1)
	if !s.persist.do(func(c context.Context) { done <- fn(c) }, true) {
		return ErrClosed
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("rooms: waiting for the store: %w", ctx.Err())
	}
}

// Stats returns the live rooms and the top pages over the period from
// since (zero: all time), each list at most limit long.
func (s *Service) Stats(ctx context.Context, since time.Time, limit int) (Stats, error) {
	live := s.Live()
	st := Stats{Rooms: len(live)}
	for _, l := range live {
		st.Occupants += l.Occupants
	}
	if limit >= 0 && len(live) > limit {
		live = live[:limit]
	}
	st.Now = live
	err := s.query(ctx, func(c context.Context) error {
		var err error
		st.Top, err = s.store.TopPages(c, since, limit)
		return err
	})
	if err != nil {
		return Stats{}, fmt.Errorf("rooms: top pages: %w", err)
	}
	return st, nil
}

// PageStats returns the statistics of the page at url over the period
// from since (zero: all time). A page nobody visited is ErrUnknownRoom.
func (s *Service) PageStats(ctx context.Context, url string, since time.Time) (PageStats, error) {
	key, _, err := ident.RoomKeyFor(url)
	if err != nil {
		return PageStats{}, fmt.Errorf("rooms: %w", err)
	}
	var ps PageStats
	err = s.query(ctx, func(c context.Context) error {
		var err error
		ps, err = s.store.PageStats(c, string(key), since)
		return err
	})
	if err != nil {
		return PageStats{}, fmt.Errorf("rooms: page stats: %w", err)
	}
	return ps, nil
}

// Lookup returns the JID of the room of the page at url and its live
// occupant count, and records the page's URL for the room. It never waits
// for a room or the store.
func (s *Service) Lookup(ctx context.Context, url string) (roomJID string, occupants int, err error) {
	return s.LookupPage(ctx, url, "")
}

// LookupPage is Lookup that also records the page title (a lookup's title
// replaces the one a room knew; "" keeps it).
func (s *Service) LookupPage(_ context.Context, url, title string) (roomJID string, occupants int, err error) {
	key, norm, err := ident.RoomKeyFor(url)
	if err != nil {
		return "", 0, fmt.Errorf("rooms: %w", err)
	}
	title = cleanTitle(title)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return "", 0, ErrClosed
	}
	if r := s.rooms[key]; r != nil {
		occupants = int(r.count.Load())
		if r.box.push(event{kind: evPage, url: norm, title: title}, false, s.cfg.MailboxLimit) {
			return r.jid, occupants, nil
		}
	}
	k := string(key)
	s.persist.do(func(c context.Context) {
		if err := s.store.SaveRoom(c, k, norm, title); err != nil {
			s.log.Warn("rooms: saving room failed", "room", k, "err", err)
		}
	}, false)
	return s.RoomJID(key), occupants, nil
}

// savePeak queues the room's occupant peak for the store: when it rose
// (at most every peakSaveEvery), and with force when the room ends. The
// record is stamped with the time of saving, so a period's peak is the
// peak of the room instances live in it.
func (r *room) savePeak(force bool) {
	if r.peak == 0 || (!force && r.peak <= r.peakSaved) {
		return
	}
	now := r.svc.cfg.Now()
	if !force && now.Sub(r.peakSaveAt) < peakSaveEvery {
		return
	}
	r.peakSaved, r.peakSaveAt = r.peak, now
	key, n := string(r.key), r.peak
	r.svc.persist.do(func(ctx context.Context) {
		if err := r.svc.store.RecordOccupancy(ctx, key, n, now); err != nil {
			r.svc.log.Warn("rooms: recording occupancy failed", "room", key, "err", err)
		}
	}, false)
}
