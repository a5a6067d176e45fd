package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/rooms"
)

func TestRoomLookup(t *testing.T) {
	page := "https://Example.org/a?utm_source=x"
	key, _, err := ident.RoomKeyFor(page)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		target   string
		tweak    func(*env)
		want     int
		wantBody string // substring
	}{
		{"found", "/api/rooms?url=" + url.QueryEscape(page), nil, http.StatusOK,
			`{"jid":"` + string(key) + `@rooms.localhost","occupants":3}`},
		{"missing url", "/api/rooms", nil, http.StatusBadRequest, "the url parameter is required"},
		{"blank url", "/api/rooms?url=%20", nil, http.StatusBadRequest, "the url parameter is required"},
		{"not http", "/api/rooms?url=" + url.QueryEscape("ftp://example.org/"), nil, http.StatusBadRequest, `bad url: url scheme \"ftp\" is not http or https`},
		{"relative", "/api/rooms?url=example.org", nil, http.StatusBadRequest, "bad url: url is not absolute"},
		{"phone as url", "/api/rooms?url=" + url.QueryEscape("a4915112345678:x"), nil, http.StatusBadRequest, "bad url: url scheme \\\"a[redacted]\\\""},
		{"too long", "/api/rooms?url=https://example.org/" + strings.Repeat("a", maxURL), nil, http.StatusBadRequest, "too long"},
		{"service closed", "/api/rooms?url=" + url.QueryEscape(page), func(e *env) { e.rooms.err = rooms.ErrClosed },
			http.StatusServiceUnavailable, "the room lookup is unavailable"},
		{"service fails", "/api/rooms?url=" + url.QueryEscape(page), func(e *env) { e.rooms.err = errBoom },
			http.StatusInternalServerError, "the room lookup failed"},
	}
	for _, tc := range cases {
		e := newEnv(t, nil)
		if tc.tweak != nil {
			tc.tweak(e)
		}
		code, hdr, body := e.do(http.MethodGet, tc.target)
		if code != tc.want || !strings.Contains(body, tc.wantBody) {
			t.Errorf("%s: %d %s, want %d containing %s", tc.name, code, body, tc.want, tc.wantBody)
		}
		if hdr.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("%s: lookup does not allow other origins", tc.name)
		}
		if code != http.StatusOK {
			var eb errorBody
			decode(t, tc.name, body, &eb)
			if eb.Error == "" || strings.Contains(body, "4915112345678") {
				t.Errorf("%s: error body %s", tc.name, body)
			}
		}
	}
}

func TestRoomsLive(t *testing.T) {
	cases := []struct {
		name   string
		target string
		want   int
		check  func(LiveRooms) bool
	}{
		{"all", "/api/rooms/live", http.StatusOK, func(l LiveRooms) bool {
			return l.Rooms == 2 && l.Occupants == 9 && len(l.Live) == 2 && l.Live[0].Title == "Busy page" && l.Live[0].Site == "example.org"
		}},
		{"limited", "/api/rooms/live?limit=1", http.StatusOK, func(l LiveRooms) bool {
			return l.Rooms == 2 && len(l.Live) == 1 && l.Live[0].Occupants == 7
		}},
		{"zero limit", "/api/rooms/live?limit=0", http.StatusBadRequest, nil},
		{"bad limit", "/api/rooms/live?limit=ten", http.StatusBadRequest, nil},
	}
	for _, tc := range cases {
		e := newEnv(t, nil)
		code, body := e.get(tc.target)
		if code != tc.want {
			t.Errorf("%s: status %d, want %d: %s", tc.name, code, tc.want, body)
			continue
		}
		if strings.Contains(body, "@rooms.localhost") || strings.Contains(body, "token") {
			t.Errorf("%s: a room JID or a URL leaked: %s", tc.name, body)
		}
		if tc.check != nil {
			var l LiveRooms
			decode(t, tc.name, body, &l)
			if !tc.check(l) {
				t.Errorf("%s: body %s", tc.name, body)
			}
		}
	}
}

func TestPageStats(t *testing.T) {
	cases := []struct {
		name   string
		target string
		tweak  func(*env)
		want   int
		check  func(PageStats) bool
	}{
		{"default period", "/api/stats/pages", nil, http.StatusOK, func(p PageStats) bool {
			return p.Period == "24h" && p.Since != nil && p.Since.Equal(testNow.Add(-24*3600e9)) && p.Rooms == 2 &&
				p.Occupants == 9 && len(p.Now) == 2 && len(p.Top) == 1 && p.Page == nil
		}},
		{"top page fields", "/api/stats/pages?period=7d", nil, http.StatusOK, func(p PageStats) bool {
			x := p.Top[0]
			return p.Period == "7d" && x.Title == "Top page" && x.Site == "example.com" && x.Visits == 12 &&
				x.UniqueVisitors == 5 && x.PeakOccupants == 4 && x.TotalDwellSeconds == 120 && x.AvgDwellSeconds == 10 && x.Messages == 6
		}},
		{"all time", "/api/stats/pages?period=all", nil, http.StatusOK, func(p PageStats) bool { return p.Since == nil }},
		{"limit", "/api/stats/pages?limit=1", nil, http.StatusOK, func(p PageStats) bool { return len(p.Now) == 1 }},
		{"one page", "/api/stats/pages?url=" + url.QueryEscape("https://example.com/top"), nil, http.StatusOK, func(p PageStats) bool {
			return p.Page != nil && p.Page.Visits == 12 && p.Page.Site == "example.com"
		}},
		{"unvisited page", "/api/stats/pages?url=" + url.QueryEscape("https://example.com/never"), nil, http.StatusNotFound, nil},
		{"bad page url", "/api/stats/pages?url=nope", nil, http.StatusBadRequest, nil},
		{"bad period", "/api/stats/pages?period=yesterday", nil, http.StatusBadRequest, nil},
		{"negative period", "/api/stats/pages?period=-1h", nil, http.StatusBadRequest, nil},
		{"bad limit", "/api/stats/pages?limit=5000", nil, http.StatusBadRequest, nil},
		{"store fails", "/api/stats/pages", func(e *env) { e.rooms.err = errBoom }, http.StatusInternalServerError, nil},
		{"service closed", "/api/stats/pages", func(e *env) { e.rooms.err = rooms.ErrClosed }, http.StatusServiceUnavailable, nil},
	}
	for _, tc := range cases {
		e := newEnv(t, nil)
		if tc.tweak != nil {
			tc.tweak(e)
		}
		code, body := e.get(tc.target)
		if code != tc.want {
			t.Errorf("%s: status %d, want %d: %s", tc.name, code, tc.want, body)
			continue
		}
		if tc.check == nil {
			var eb errorBody
			decode(t, tc.name, body, &eb)
			if eb.Error == "" {
				t.Errorf("%s: no error text: %s", tc.name, body)
			}
			continue
		}
		var p PageStats
		decode(t, tc.name, body, &p)
		if !tc.check(p) {
			t.Errorf("%s: body %s", tc.name, body)
		}
	}
}

// TestRoomsDisabled: every room endpoint says the service is disabled.
func TestRoomsDisabled(t *testing.T) {
	e := newEnv(t, func(d *Deps) { d.Rooms = nil })
	for i, target := range []string{"/api/rooms?url=https://example.org/", "/api/rooms/live", "/api/stats/pages"} {
		code, body := e.get(target)
		if code != http.StatusNotFound || !strings.Contains(body, "rooms service is disabled") {
			t.Errorf("%d %s: %d %s", i, target, code, body)
		}
	}
}
