package integration

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mpimis/mpimis/component"
)

// TestIntegrationRoomsNotes: a late joiner gets the history with delay
// stamps; an empty room vanishes from disco#items but its notes come back
// as history, and its statistics remain.
func TestIntegrationRoomsNotes(t *testing.T) { eachServer(t, testRoomsNotes) }

func testRoomsNotes(t *testing.T, p xmppServer) {
	m := startMpimis(t, p, nil)
	alice := login(t, p, "alice")
	bob := login(t, p, "bob")
	carol := loginNew(t, p, "carol")
	const url = "https://example.org/notes"
	room := roomOf(t, url)

	join(t, alice, room, "alice", pageEl(url, "Notes page"))
	for _, b := range []string{"first", "second", "third"} {
		must(t, alice.Send(ctxT(t), groupchatTo(room, b)), "groupchat")
		expect(t, alice, "reflection", messageFrom(room+"/alice", b))
	}
	// Bob asks for the last two messages only.
	hist := component.NewElement(component.NSMUC, "history", "maxstanzas", "2")
	must(t, bob.Send(ctxT(t), component.NewElement(component.NSComponent, "presence", "to", room+"/bob").
		Add(component.NewElement(component.NSMUC, "x").Add(hist))), "join with history request")
	for _, b := range []string{"second", "third"} {
		h := expect(t, bob, "history "+b, messageFrom(room+"/alice", b))
		if d := h.Child(nsDelay, "delay"); d == nil || d.Get("from") != room || d.Get("stamp") == "" {
			t.Errorf("history %s without delay: %s", b, h)
		}
	}
	expect(t, bob, "subject after history", messageFrom(room, ""))
	if n := bob.Discard(messageFrom(room+"/alice", "first")); n != 0 {
		t.Errorf("bob got %d messages beyond his maxstanzas", n)
	}

	// Everybody leaves: the room is gone from disco#items.
	for _, c := range []struct {
		nick string
		cl   interface {
			Send(context.Context, *component.Element) error
		}
	}{{"bob", bob}, {"alice", alice}} {
		must(t, c.cl.Send(ctxT(t), component.NewElement(component.NSComponent, "presence", "to", room+"/"+c.nick, "type", "unavailable")), "leave")
	}
	expectCodes(t, alice, "alice's leave", room+"/alice", "unavailable", "110")
	if items := discoItemNames(t, carol); items[room] != "" {
		t.Errorf("empty room still listed: %v", items)
	}

	// Carol opens it again and gets the page notes as history.
	got := join(t, carol, room, "carol")
	var bodies []string
	for _, st := range got {
		if b := st.ChildText("", "body"); b != "" {
			bodies = append(bodies, b)
			if st.Child(nsDelay, "delay") == nil {
				t.Errorf("note without delay: %s", st)
			}
		}
	}
	if strings.Join(bodies, ",") != "first,second,third" || summary(got[0]) != "presence:carol:110,170,201" ||
		summary(got[len(got)-1]) != "message:room:subject=Notes page" {
		t.Errorf("rejoin: %q", summaries(got))
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ps, err := m.RoomService.PageStats(ctx, url, time.Time{})
	must(t, err, "page stats")
	if ps.Visits != 2 || ps.UniqueVisitors != 2 || ps.Messages != 3 || ps.PeakOccupants != 2 || ps.Title != "Notes page" {
		t.Errorf("stats %+v", ps)
	}
}
