package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/rooms"
)

// LivePage is a live room as the HTTP side shows it: never its JID or
// key, never an occupant; the page by title and site (host) only, since
// a full URL may carry private query parameters.
type LivePage struct {
	Title     string    `json:"title"`
	Site      string    `json:"site"`
	Occupants int       `json:"occupants"`
	Busy      bool      `json:"busy"`
	Since     time.Time `json:"since"`
}

// PageStat is one page's statistics over a period.
type PageStat struct {
	Title             string    `json:"title"`
	Site              string    `json:"site"`
	Visits            int64     `json:"visits"`
	UniqueVisitors    int64     `json:"unique_visitors"`
	PeakOccupants     int       `json:"peak_occupants"`
	TotalDwellSeconds float64   `json:"total_dwell_seconds"`
	AvgDwellSeconds   float64   `json:"avg_dwell_seconds"`
	Messages          int64     `json:"messages"`
	LastVisit         time.Time `json:"last_visit"`
}

// RoomLookup is the body of /api/rooms.
type RoomLookup struct {
	// JID is the room's JID on the rooms domain.
	JID       string `json:"jid"`
	Occupants int    `json:"occupants"`
}

// LiveRooms is the body of /api/rooms/live.
type LiveRooms struct {
	Rooms     int        `json:"rooms"`
	Occupants int        `json:"occupants"`
	Live      []LivePage `json:"live"`
}

// PageStats is the body of /api/stats/pages.
type PageStats struct {
	// Period is the period asked for ("24h", "7d", "all").
	Period string `json:"period"`
	// Since is the start of the period (absent for "all").
	Since     *time.Time `json:"since,omitempty"`
	Rooms     int        `json:"rooms"`
	Occupants int        `json:"occupants"`
	Now       []LivePage `json:"now"`
	Top       []PageStat `json:"top"`
	// Page is the statistics of the page asked for with url=, if any.
	Page *PageStat `json:"page,omitempty"`
}

func livePage(l rooms.LiveRoom) LivePage {
	return LivePage{Title: Redact(l.Title), Site: Redact(siteOf(l.URL)), Occupants: l.Occupants, Busy: l.Busy, Since: l.Since}
}

// livePages converts at most limit live rooms.
func livePages(live []rooms.LiveRoom, limit int) []LivePage {
	out := make([]LivePage, 0, min(len(live), limit))
	for _, l := range live {
		if len(out) == limit {
			break
		}
		out = append(out, livePage(l))
	}
	return out
}

func pageStat(p rooms.PageStats) PageStat {
	return PageStat{Title: Redact(p.Title), Site: Redact(siteOf(p.URL)), Visits: p.Visits,
		UniqueVisitors: p.UniqueVisitors, PeakOccupants: p.PeakOccupants,
		TotalDwellSeconds: p.TotalDwell.Seconds(), AvgDwellSeconds: p.AvgDwell().Seconds(),
		Messages: p.Messages, LastVisit: p.LastVisit}
}

// maxURL is the longest url= accepted.
const maxURL = 4096

// roomsDisabled answers for a disabled rooms service.
func (s *Server) roomsDisabled(w http.ResponseWriter) bool {
	if s.d.Rooms == nil {
		s.writeError(w, http.StatusNotFound, "the rooms service is disabled (xmpp.rooms_domain is empty)")
		return true
	}
	return false
}

// pageURL reads the url= parameter; it answers 400 itself when it is
// missing, too long or not a page URL (see ident.RoomKeyFor).
func (s *Server) pageURL(w http.ResponseWriter, r *http.Request) (string, bool) {
	u := r.URL.Query().Get("url")
	switch {
	case strings.TrimSpace(u) == "":
		s.writeError(w, http.StatusBadRequest, "the url parameter is required, e.g. ?url=https://example.org/page")
		return "", false
	case len(u) > maxURL:
		s.writeError(w, http.StatusBadRequest, "the url parameter is too long")
		return "", false
	}
	if _, _, err := ident.RoomKeyFor(u); err != nil {
		s.writeError(w, http.StatusBadRequest, "bad url: "+strings.TrimPrefix(err.Error(), "ident: "))
		return "", false
	}
	return u, true
}

// handleRoomLookup serves GET /api/rooms?url=: the room JID of a page and
// its occupant count. Browser widgets on any site may call it, so it
// allows any origin.
func (s *Server) handleRoomLookup(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	if s.roomsDisabled(w) {
		return
	}
	u, ok := s.pageURL(w, r)
	if !ok {
		return
	}
	jid, n, err := s.d.Rooms.Lookup(r.Context(), u)
	switch {
	case err != nil:
		s.writeFailure(w, r, "the room lookup", err, rooms.ErrClosed)
	default:
		s.writeJSON(w, http.StatusOK, RoomLookup{JID: jid, Occupants: n})
	}
}

// handleRoomsLive serves GET /api/rooms/live[?limit=N]: the live rooms,
// busiest first.
func (s *Server) handleRoomsLive(w http.ResponseWriter, r *http.Request) {
	if s.roomsDisabled(w) {
		return
	}
	limit, err := parseLimit(r.URL.Query().Get("limit"), 100)
	if err != nil {
		s.writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	live := s.d.Rooms.Live()
	out := LiveRooms{Rooms: len(live), Live: livePages(live, limit)}
	for _, l := range live {
		out.Occupants += l.Occupants
	}
	s.writeJSON(w, http.StatusOK, out)
}

// handlePageStats serves GET /api/stats/pages[?period=24h][&limit=N]
// [&url=...]: the busiest pages now, the most visited over the period and,
// with url=, that page's statistics.
func (s *Server) handlePageStats(w http.ResponseWriter, r *http.Request) {
	if s.roomsDisabled(w) {
		return
	}
	q := r.URL.Query()
	period := q.Get("period")
	if period == "" {
		period = "24h"
	}
	span, err := parsePeriod(period)
	if err != nil {
		s.writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	limit, err := parseLimit(q.Get("limit"), 10)
	if err != nil {
		s.writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	out := PageStats{Period: period}
	var since time.Time
	if span > 0 {
		since = s.d.Now().Add(-span).UTC()
		out.Since = &since
	}
	ctx := r.Context()
	st, err := s.d.Rooms.Stats(ctx, since, limit)
	if err != nil {
		s.writeFailure(w, r, "reading the page statistics", err, rooms.ErrClosed)
		return
	}
	out.Rooms, out.Occupants = st.Rooms, st.Occupants
	out.Now = livePages(st.Now, limit)
	out.Top = make([]PageStat, 0, len(st.Top))
	for _, p := range st.Top {
		out.Top = append(out.Top, pageStat(p))
	}
	if q.Has("url") && !s.onePage(ctx, w, r, since, &out) {
		return
	}
	s.writeJSON(w, http.StatusOK, out)
}

// onePage adds the statistics of the url= page to out; it answers the
// request itself (and returns false) when it cannot.
func (s *Server) onePage(ctx context.Context, w http.ResponseWriter, r *http.Request, since time.Time, out *PageStats) bool {
	u, ok := s.pageURL(w, r)
	if !ok {
		return false
	}
	p, err := s.d.Rooms.PageStats(ctx, u, since)
	switch {
	case errors.Is(err, rooms.ErrUnknownRoom):
		s.writeError(w, http.StatusNotFound, "nobody has visited this page")
		return false
	case err != nil:
		s.writeFailure(w, r, "reading the page statistics", err, rooms.ErrClosed)
		return false
	}
	ps := pageStat(p)
	out.Page = &ps
	return true
}
