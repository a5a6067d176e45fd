package integration

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/conf"
	"github.com/mpimis/mpimis/internal/web"
)

// TestIntegrationRoomsPersist: a page's notes and statistics survive a
// restart of mpimis on the same store: a new visitor after the restart
// gets the old messages as history (with delay stamps), and the visits
// from before the restart are still counted.
func TestIntegrationRoomsPersist(t *testing.T) { eachServer(t, testRoomsPersist) }

func testRoomsPersist(t *testing.T, p xmppServer) {
	path := filepath.Join(t.TempDir(), "mpimis.db")
	const (
		url   = "https://example.org/persist"
		title = "Persist page"
	)
	room := roomOf(t, url)

	// The first instance lives only as long as this subtest: its cleanup
	// stops it (cleanly, flushing the store).
	ok := t.Run("before restart", func(t *testing.T) {
		startMpimis(t, p, func(c *conf.Config) { c.Store.Path = path })
		alice := login(t, p, "alice")
		bob := login(t, p, "bob")
		join(t, alice, room, "alice", pageEl(url, title))
		join(t, bob, room, "bob")
		for _, b := range []string{"kept one", "kept two"} {
			must(t, alice.Send(ctxT(t), groupchatTo(room, b)), "groupchat")
			expect(t, bob, "message "+b, messageFrom(room+"/alice", b))
		}
		must(t, bob.Send(ctxT(t), component.NewElement(component.NSComponent, "presence",
			"to", room+"/bob", "type", "unavailable")), "leave")
		expectCodes(t, bob, "bob's leave", room+"/bob", "unavailable", "110")
		// Alice is still in the room when mpimis stops.
	})
	if !ok {
		t.FailNow()
	}

	m := startMpimis(t, p, func(c *conf.Config) {
		c.Store.Path = path
		c.HTTP.Listen = "127.0.0.1:0"
	})
	carol := loginNew(t, p, "carol")
	got := join(t, carol, room, "carol")
	var bodies []string
	for _, st := range got {
		if b := st.ChildText("", "body"); b != "" {
			bodies = append(bodies, b)
			if d := st.Child(nsDelay, "delay"); d == nil || d.Get("stamp") == "" {
				t.Errorf("history without delay stamp: %s", st)
			}
		}
	}
	if strings.Join(bodies, ",") != "kept one,kept two" {
		t.Errorf("history after restart: %q", summaries(got))
	}
	if last := got[len(got)-1]; summary(last) != "message:room:subject="+title {
		t.Errorf("title not remembered: %s", summary(last))
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ps, err := m.RoomService.PageStats(ctx, url, time.Time{})
	must(t, err, "page stats")
	// alice (present at shutdown) and bob; carol is still in the room.
	if ps.Visits != 2 || ps.UniqueVisitors != 2 || ps.Messages != 2 || ps.PeakOccupants != 2 || ps.Title != title {
		t.Errorf("stats after restart %+v", ps)
	}

	code, body := httpGet(t, "http://"+m.HTTPAddr(), "/api/stats/pages?period=all")
	if code != http.StatusOK {
		t.Fatalf("/api/stats/pages: %d %s", code, body)
	}
	var out web.PageStats
	must(t, json.Unmarshal([]byte(body), &out), "decoding /api/stats/pages")
	found := false
	for _, s := range out.Top {
		if s.Title == title {
			found = true
			if s.Visits != 2 || s.Messages != 2 {
				t.Errorf("HTTP stats of the page: %+v", s)
			}
		}
	}
	if !found {
		t.Errorf("page missing from /api/stats/pages after restart: %s", body)
	}
}
