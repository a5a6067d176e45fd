package rooms

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mpimis/mpimis/component"
)

func user(i int) string { return fmt.Sprintf("u%d@example.org/r", i) }

// TestBusyRoom: above the broadcast limit K a joiner sees at most K
// occupants plus itself, nobody else is told; quiet occupants' changes go
// only to those who saw them; groupchat still reaches everyone; the room
// advertises the count and the reduced broadcast.
func TestBusyRoom(t *testing.T) {
	const k = 3
	h := newHarness(t, func(c *Config) { c.BroadcastLimit = k })
	key := mustKey(t, "https://example.org/busy")
	room := h.roomJID(key)
	for i := 1; i <= k; i++ { // u1..u3 are public
		h.join(key, user(i), fmt.Sprintf("n%d", i))
	}
	h.snd.clear()

	got := h.join(key, user(4), "n4") // the room becomes busy
	wantSeq(t, "u4 joins a busy room", got,
		"presence::n1", "presence::n2", "presence::n3", "presence::n4:110,170", "message:groupchat:room:subject")
	if s := got[len(got)-1].ChildText("", "subject"); !strings.Contains(s, "4 people here") {
		t.Errorf("busy subject %q", s)
	}
	for i := 1; i <= k; i++ {
		wantSeq(t, fmt.Sprintf("u%d not told of u4", i), h.snd.take(user(i)))
	}

	// A public occupant leaves: everyone, u4 included, is told.
	h.send(stanza(component.KindPresence, user(1), room+"/n1", "unavailable"))
	h.sync(key)
	for _, i := range []int{2, 3, 4} {
		wantSeq(t, fmt.Sprintf("u%d sees n1 leave", i), h.snd.take(user(i)), "presence:unavailable:n1")
	}
	h.snd.clear()

	// Room has n2 n3 (public) and n4 (quiet): u5 sees them all (K=3).
	wantSeq(t, "u5 joins", h.join(key, user(5), "n5"),
		"presence::n2", "presence::n3", "presence::n4", "presence::n5:110,170", "message:groupchat:room:subject")
	// u6 sees the 3 most recent: n3, n4, n5 (not n2).
	wantSeq(t, "u6 joins", h.join(key, user(6), "n6"),
		"presence::n3", "presence::n4", "presence::n5", "presence::n6:110,170", "message:groupchat:room:subject")
	wantSeq(t, "u7 joins", h.join(key, user(7), "n7"),
		"presence::n4", "presence::n5", "presence::n6", "presence::n7:110,170", "message:groupchat:room:subject")
	h.snd.clear()

	// n4 (quiet) changes: u5, u6 and u7 were shown n4; u2 and u3 not.
	h.send(stanza(component.KindPresence, user(4), room+"/n4", "", el(component.NSComponent, "show").WithText("away")))
	h.sync(key)
	for _, i := range []int{5, 6, 7} {
		wantSeq(t, fmt.Sprintf("u%d sees n4's change", i), h.snd.take(user(i)), "presence::n4")
	}
	wantSeq(t, "u4's own", h.snd.take(user(4)), "presence::n4:110")
	for _, i := range []int{2, 3} {
		wantSeq(t, fmt.Sprintf("u%d not told of n4", i), h.snd.take(user(i)))
	}
	// n6 leaves: u7 (shown n6) is told, the others are not.
	h.send(stanza(component.KindPresence, user(6), room+"/n6", "unavailable"))
	h.sync(key)
	wantSeq(t, "u7 sees n6 leave", h.snd.take(user(7)), "presence:unavailable:n6")
	for _, i := range []int{2, 3, 4, 5} {
		wantSeq(t, fmt.Sprintf("u%d not told of n6", i), h.snd.take(user(i)))
	}
	// n2 (public) changes: everybody is told, even u7 who was not shown n2.
	h.send(stanza(component.KindPresence, user(2), room+"/n2", "", el(component.NSComponent, "show").WithText("dnd")))
	h.sync(key)
	for _, i := range []int{3, 4, 5, 7} {
		wantSeq(t, fmt.Sprintf("u%d sees n2's change", i), h.snd.take(user(i)), "presence::n2")
	}
	h.snd.clear()

	// Groupchat reaches everyone.
	h.send(groupchat(user(7), room, "all of you"))
	h.sync(key)
	for _, i := range []int{2, 3, 4, 5, 7} {
		wantSeq(t, fmt.Sprintf("u%d gets the message", i), h.snd.take(user(i)), "message:groupchat:n7:all of you")
	}

	// disco#info advertises the reduced broadcast and the live count.
	h.send(stanza(component.KindIQ, user(2), room, "get", el(component.NSDiscoInfo, "query")))
	info := h.snd.take(user(2))
	if len(info) != 1 {
		t.Fatalf("disco#info: %q", describeAll(info))
	}
	f := formValues(info[0])
	if got := strings.Join(f["muc#roomconfig_presencebroadcast"], " "); got != "moderator" {
		t.Errorf("presencebroadcast %q", got)
	}
	if got := strings.Join(f["muc#roominfo_occupants"], " "); got != "5" {
		t.Errorf("occupants %q", got)
	}
	if l := h.svc.Live(); len(l) != 1 || !l[0].Busy || l[0].Occupants != 5 {
		t.Errorf("live %+v", l)
	}
}

// formValues returns the fields of the first data form in an iq result.
func formValues(iq *component.Element) map[string][]string {
	out := map[string][]string{}
	q := component.Payload(iq)
	if q == nil {
		return out
	}
	x := q.Child(component.NSDataForms, "x")
	if x == nil {
		return out
	}
	for _, f := range x.Children {
		if f.Name.Local != "field" {
			continue
		}
		var vals []string
		for _, v := range f.Children {
			if v.Name.Local == "value" {
				vals = append(vals, v.Text)
			}
		}
		out[f.Get("var")] = vals
	}
	return out
}
