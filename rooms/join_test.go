package rooms

import (
	"strings"
	"testing"

	"github.com/mpimis/mpimis/component"
)

const (
	alice  = "alice@example.org/phone"
	alice2 = "alice@example.org/laptop"
	bob    = "bob@example.org/res"
	carol  = "carol@example.net/x"
)

// TestJoinOrder: a joiner gets the others' presences, then its own with
// 110 (201 only for the join that opened the room, 170 for page notes),
// then the subject; the others get the joiner's presence.
func TestJoinOrder(t *testing.T) {
	h := newHarness(t, nil)
	key := mustKey(t, "https://example.org/join")
	wantSeq(t, "alice's join", h.join(key, alice, "alice"),
		"presence::alice:110,170,201", "message:groupchat:room:subject")
	wantSeq(t, "bob's join", h.join(key, bob, "bob"),
		"presence::alice", "presence::bob:110,170", "message:groupchat:room:subject")
	wantSeq(t, "alice sees bob", h.snd.take(alice), "presence::bob")
	wantSeq(t, "carol's join", h.join(key, carol, "carol"),
		"presence::alice", "presence::bob", "presence::carol:110,170", "message:groupchat:room:subject")
	for i, who := range []string{alice, bob} {
		wantSeq(t, "case "+string(rune('0'+i))+" sees carol", h.snd.take(who), "presence::carol")
	}
	// Presences carry participant items and never a real JID.
	h.send(joinPresence("dave@example.org/d", h.roomJID(key)+"/dave"))
	for _, st := range h.take(key, "dave@example.org/d") {
		if strings.Contains(st.String(), "example.org/phone") || strings.Contains(st.String(), "bob@") {
			t.Errorf("a real JID leaked: %s", st)
		}
		if st.Name.Local == "presence" {
			item := st.Child(nsMUCUser, "x").Child(nsMUCUser, "item")
			if item.Get("role") != "participant" || item.Get("affiliation") != "none" || item.Get("jid") != "" {
				t.Errorf("item %s", item)
			}
		}
	}
}

// TestJoinErrors: what a join is refused for, and that nothing else
// changes.
func TestJoinErrors(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.MaxNickLength = 8 })
	key := mustKey(t, "https://example.org/errors")
	room := h.roomJID(key)
	h.join(key, alice, "alice")
	cases := []struct {
		name string
		st   *component.Element
		want string
	}{
		{"nick held by another user", joinPresence(carol, room+"/alice"), "cancel/conflict"},
		{"no nick", joinPresence(carol, room), "modify/jid-malformed"},
		{"blank nick", joinPresence(carol, room+"/  "), "modify/not-allowed"},
		{"control character", joinPresence(carol, room+"/a\tb"), "modify/jid-malformed"},
		{"nick too long", joinPresence(carol, room+"/abcdefghi"), "modify/not-acceptable"},
		{"no muc x (desync)", stanza(component.KindPresence, carol, room+"/carol", ""), "cancel/item-not-found"},
		{"subscribe", stanza(component.KindPresence, carol, room+"/carol", "subscribe"), "modify/bad-request"},
		{"page of another room", joinPresence(carol, room+"/carol", el(NSPage, "page", "url", "https://example.org/other")), "modify/bad-request"},
	}
	for i, c := range cases {
		h.send(c.st)
		got := h.take(key, carol)
		if len(got) != 1 || errCond(got[0]) != c.want || got[0].Get("id") != c.st.Get("id") {
			t.Errorf("case %d (%s): got %q, want one %s error", i, c.name, describeAll(got), c.want)
		}
		if o := h.snd.take(alice); len(o) != 0 {
			t.Errorf("case %d (%s): alice was told %q", i, c.name, describeAll(o))
		}
	}
}

// TestInvalidRoomKey: a localpart that is not a room key is item-not-found
// with a text that explains rooms are pages, for every stanza kind.
func TestInvalidRoomKey(t *testing.T) {
	h := newHarness(t, nil)
	cases := []struct {
		name string
		st   *component.Element
	}{
		{"join", joinPresence(alice, "lobby@"+testDomain+"/alice")},
		{"uppercase key", joinPresence(alice, "QGMNDOWEBIIDGZJ2PDSIQAGO7Q@"+testDomain+"/alice")},
		{"groupchat", groupchat(alice, "lobby@"+testDomain, "hi")},
		{"disco", stanza(component.KindIQ, alice, "lobby@"+testDomain, "get", el(component.NSDiscoInfo, "query"))},
	}
	for i, c := range cases {
		h.send(c.st)
		got := h.snd.take(alice)
		if len(got) != 1 || errCond(got[0]) != "cancel/item-not-found" {
			t.Fatalf("case %d (%s): got %q", i, c.name, describeAll(got))
		}
		if se := component.ParseStanzaError(got[0]); !strings.Contains(se.Text, "mpimis room") {
			t.Errorf("case %d (%s): text %q does not explain", i, c.name, se.Text)
		}
	}
	if n := len(h.svc.Live()); n != 0 {
		t.Errorf("%d rooms opened", n)
	}
}

// TestMultiSession: the same bare JID may hold its nickname from a second
// resource; it gets the join sequence, nobody else is told, and the
// occupant stays until its last session leaves.
func TestMultiSession(t *testing.T) {
	h := newHarness(t, nil)
	key := mustKey(t, "https://example.org/multi")
	room := h.roomJID(key)
	h.join(key, alice, "alice")
	h.join(key, bob, "bob")
	h.snd.clear()
	wantSeq(t, "second session", h.join(key, alice2, "alice"),
		"presence::bob", "presence::alice:110,170", "message:groupchat:room:subject")
	wantSeq(t, "bob after second session", h.snd.take(bob))
	h.send(groupchat(bob, room, "to both"))
	h.sync(key)
	for i, s := range []string{alice, alice2} {
		wantSeq(t, "session "+string(rune('0'+i)), h.snd.take(s), "message:groupchat:bob:to both")
	}
	h.snd.clear()
	h.send(stanza(component.KindPresence, alice, room+"/alice", "unavailable"))
	wantSeq(t, "first session leaves", h.take(key, alice), "presence:unavailable:alice:110")
	wantSeq(t, "bob not told", h.snd.take(bob))
	h.send(stanza(component.KindPresence, alice2, room+"/alice", "unavailable"))
	wantSeq(t, "last session leaves", h.take(key, alice2), "presence:unavailable:alice:110")
	wantSeq(t, "bob told", h.snd.take(bob), "presence:unavailable:alice")
}

// TestNickChange: 303 with the new nick, then the new presence; a taken
// nick is refused.
func TestNickChange(t *testing.T) {
	h := newHarness(t, nil)
	key := mustKey(t, "https://example.org/nick")
	room := h.roomJID(key)
	h.join(key, alice, "alice")
	h.join(key, bob, "bob")
	h.snd.clear()

	h.send(stanza(component.KindPresence, alice, room+"/bob", ""))
	got := h.take(key, alice)
	if len(got) != 1 || errCond(got[0]) != "cancel/conflict" {
		t.Fatalf("change to a taken nick: %q", describeAll(got))
	}
	h.send(stanza(component.KindPresence, alice, room+"/alicia", ""))
	self := h.take(key, alice)
	wantSeq(t, "alice", self, "presence:unavailable:alice:110,303", "presence::alicia:110")
	other := h.snd.take(bob)
	wantSeq(t, "bob", other, "presence:unavailable:alice:303", "presence::alicia")
	for i, st := range []*component.Element{self[0], other[0]} {
		if n := st.Child(nsMUCUser, "x").Child(nsMUCUser, "item").Get("nick"); n != "alicia" {
			t.Errorf("case %d: item nick %q", i, n)
		}
	}
	// The new nick is in use now, the old one free.
	h.send(groupchat(alice, room, "renamed"))
	wantSeq(t, "message from new nick", h.take(key, bob), "message:groupchat:alicia:renamed")
	wantSeq(t, "carol takes the old nick", h.join(key, carol, "alice"),
		"presence::alicia", "presence::bob", "presence::alice:110,170",
		"message:groupchat:alicia:renamed", "message:groupchat:room:subject")
}

// TestLeaveAndUpdate: presence changes and leaves are broadcast, the
// leave with its status text; unavailable from a stranger is ignored.
func TestLeaveAndUpdate(t *testing.T) {
	h := newHarness(t, nil)
	key := mustKey(t, "https://example.org/leave")
	room := h.roomJID(key)
	h.join(key, alice, "alice")
	h.join(key, bob, "bob")
	h.snd.clear()

	h.send(stanza(component.KindPresence, bob, room+"/bob", "", el(component.NSComponent, "show").WithText("away")))
	wantSeq(t, "update to alice", h.take(key, alice), "presence::bob")
	wantSeq(t, "update to bob", h.snd.take(bob), "presence::bob:110")
	wantSeq(t, "carol sees bob away", h.join(key, carol, "carol"),
		"presence::alice", "presence::bob", "presence::carol:110,170", "message:groupchat:room:subject")
	h.snd.clear()

	h.send(stanza(component.KindPresence, "stranger@example.org/x", room+"/bob", "unavailable"))
	h.send(stanza(component.KindPresence, bob, room+"/bob", "unavailable", el(component.NSComponent, "status").WithText("bye")))
	got := h.take(key, alice)
	wantSeq(t, "alice sees bob leave", got, "presence:unavailable:bob")
	if len(got) == 1 {
		if s := got[0].ChildText("", "status"); s != "bye" {
			t.Errorf("status %q", s)
		}
		if r := got[0].Child(nsMUCUser, "x").Child(nsMUCUser, "item").Get("role"); r != "none" {
			t.Errorf("role %q", r)
		}
	}
	wantSeq(t, "bob's own", h.snd.take(bob), "presence:unavailable:bob:110")
	wantSeq(t, "stranger got nothing", h.snd.take("stranger@example.org/x"))
}

// TestMaxOccupants: a full room refuses joiners with service-unavailable
// (wait) until somebody leaves.
func TestMaxOccupants(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.MaxOccupants = 2 })
	key := mustKey(t, "https://example.org/full")
	room := h.roomJID(key)
	h.join(key, alice, "alice")
	h.join(key, bob, "bob")
	got := h.join(key, carol, "carol")
	if len(got) != 1 || errCond(got[0]) != "wait/service-unavailable" {
		t.Fatalf("third joiner: %q", describeAll(got))
	}
	// A second session of an occupant is not a new occupant.
	if got := h.join(key, alice2, "alice"); len(got) == 0 || errCond(got[0]) != "" {
		t.Errorf("second session refused: %q", describeAll(got))
	}
	h.send(stanza(component.KindPresence, bob, room+"/bob", "unavailable"))
	if got := h.join(key, carol, "carol"); len(got) == 0 || errCond(got[0]) != "" {
		t.Errorf("joiner after a leave: %q", describeAll(got))
	}
}

// TestProbe: an occupant may probe another's presence; a probe for a
// nickname nobody holds gets an unavailable presence; strangers and
// probes without a nickname are refused.
func TestProbe(t *testing.T) {
	h := newHarness(t, nil)
	key := mustKey(t, "https://example.org/probe")
	room := h.roomJID(key)
	h.join(key, alice, "alice")
	h.join(key, bob, "bob")
	h.snd.clear()
	cases := []struct {
		name string
		from string
		to   string
		want string
	}{
		{"occupant probes bob", alice, room + "/bob", "presence::bob"},
		{"occupant probes nobody", alice, room + "/nobody", "presence:unavailable:nobody"},
		{"stranger", carol, room + "/bob", "presence:error:bob:not-acceptable"},
		{"no nickname", alice, room, "presence:error:room:jid-malformed"},
	}
	for i, c := range cases {
		h.send(stanza(component.KindPresence, c.from, c.to, "probe"))
		wantSeq(t, "case "+string(rune('0'+i))+" "+c.name, h.take(key, c.from), c.want)
	}
	wantSeq(t, "bob was not told", h.snd.take(bob))
}
