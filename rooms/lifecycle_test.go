package rooms

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mpimis/mpimis/component"
)

func discoItems(h *harness, from string) []*component.Element {
	h.send(stanza(component.KindIQ, from, testDomain, "get", el(component.NSDiscoItem, "query")))
	got := h.snd.take(from)
	if len(got) != 1 || got[0].Get("type") != "result" {
		h.t.Fatalf("disco#items: %q", describeAll(got))
	}
	return component.Payload(got[0]).Children
}

// TestRoomLifecycle: a room opens on the first join and is listed by its
// title; it vanishes when empty; its notes come back as history (with
// 201 again) when somebody joins later.
func TestRoomLifecycle(t *testing.T) {
	h := newHarness(t, nil)
	const url = "https://Example.org/life?utm_source=x"
	key := mustKey(t, url)
	room := h.roomJID(key)
	if items := discoItems(h, carol); len(items) != 0 {
		t.Fatalf("items before any join: %d", len(items))
	}
	h.join(key, alice, "alice", el(NSPage, "page", "url", url, "title", "  Life\n of a page "))
	items := discoItems(h, carol)
	if len(items) != 1 || items[0].Get("jid") != room || items[0].Get("name") != "Life of a page" {
		t.Fatalf("items while live: %v", items)
	}
	h.send(groupchat(alice, room, "a note for later"))
	h.send(stanza(component.KindPresence, alice, room+"/alice", "unavailable"))
	h.sync(key)
	h.waitGone(key)
	if items := discoItems(h, carol); len(items) != 0 {
		t.Errorf("items after the room emptied: %v", items)
	}
	h.send(stanza(component.KindIQ, carol, room, "get", el(component.NSDiscoInfo, "query")))
	if got := h.snd.take(carol); len(got) != 1 || errCond(got[0]) != "cancel/item-not-found" {
		t.Errorf("disco#info of an empty room: %q", describeAll(got))
	}
	h.snd.clear()

	got := h.join(key, bob, "bob")
	wantSeq(t, "bob reopens the room", got,
		"presence::bob:110,170,201", "message:groupchat:alice:a note for later", "message:groupchat:room:subject")
	if len(got) == 3 {
		if got[1].Child(nsDelay, "delay") == nil || got[1].Child(component.NSSID, "stanza-id") == nil {
			t.Errorf("note replayed without delay or stanza-id: %s", got[1])
		}
		if s := got[2].ChildText("", "subject"); s != "Life of a page" {
			t.Errorf("subject %q, want the remembered title", s)
		}
	}
}

// TestRoomDisco: disco#info of a live room: identity, features and the
// muc#roominfo form with the page URL and occupant count.
func TestRoomDisco(t *testing.T) {
	h := newHarness(t, nil)
	const url = "https://example.org/disco"
	key := mustKey(t, url)
	room := h.roomJID(key)
	h.join(key, alice, "alice", el(NSPage, "page", "url", url))
	h.join(key, bob, "bob")
	h.send(stanza(component.KindIQ, carol, room, "get", el(component.NSDiscoInfo, "query")))
	got := h.snd.take(carol)
	if len(got) != 1 || got[0].Get("type") != "result" {
		t.Fatalf("disco#info: %q", describeAll(got))
	}
	q := component.Payload(got[0])
	id := q.Child(component.NSDiscoInfo, "identity")
	if id == nil || id.Get("category") != "conference" || id.Get("type") != "text" || id.Get("name") != url {
		t.Errorf("identity %v", id)
	}
	feats := map[string]bool{}
	for _, c := range q.Children {
		if c.Name.Local == "feature" {
			feats[c.Get("var")] = true
		}
	}
	for i, f := range []string{component.NSMUC, "muc_semianonymous", "muc_open", "muc_temporary", "muc_public",
		"muc_unmoderated", "http://jabber.org/protocol/muc#self-ping-optimization", component.NSSID} {
		if !feats[f] {
			t.Errorf("case %d: feature %s missing", i, f)
		}
	}
	f := formValues(got[0])
	want := map[string]string{
		"FORM_TYPE":                        "http://jabber.org/protocol/muc#roominfo",
		FieldPageURL:                       url,
		"muc#roominfo_occupants":           "2",
		"muc#roominfo_subject":             url,
		"muc#roomconfig_presencebroadcast": "moderator participant visitor",
	}
	for k, v := range want {
		if g := strings.Join(f[k], " "); g != v {
			t.Errorf("field %s = %q, want %q", k, g, v)
		}
	}
	// Items of a room are empty; a node is unknown.
	h.send(stanza(component.KindIQ, carol, room, "get", el(component.NSDiscoItem, "query")))
	if got := h.snd.take(carol); len(got) != 1 || got[0].Get("type") != "result" || len(component.Payload(got[0]).Children) != 0 {
		t.Errorf("room items %q", describeAll(got))
	}
	h.send(stanza(component.KindIQ, carol, room, "get", el(component.NSDiscoInfo, "query", "node", "x-roomuser-item")))
	if got := h.snd.take(carol); len(got) != 1 || errCond(got[0]) != "cancel/item-not-found" {
		t.Errorf("node %q", describeAll(got))
	}
	// The domain still answers as the base service.
	h.send(stanza(component.KindIQ, carol, testDomain, "get", el(component.NSDiscoInfo, "query")))
	if got := h.snd.take(carol); len(got) != 1 || got[0].Get("type") != "result" {
		t.Errorf("domain disco#info %q", describeAll(got))
	}
}

// TestLookup: a lookup names the room, counts its occupants and records
// URL and title; a live room announces the new subject.
func TestLookup(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	const url = "https://example.org/lookup#frag"
	key := mustKey(t, url)
	j, n, err := h.svc.LookupPage(ctx, url, "First title")
	if err != nil || j != h.roomJID(key) || n != 0 {
		t.Fatalf("lookup: %q %d %v", j, n, err)
	}
	if _, _, err := h.svc.Lookup(ctx, "ftp://example.org/"); err == nil || !strings.HasPrefix(err.Error(), "rooms: ") {
		t.Errorf("bad url: %v", err)
	}
	got := h.join(key, alice, "alice", el(NSPage, "page", "url", url, "title", "Joiner's title"))
	if s := got[len(got)-1].ChildText("", "subject"); s != "First title" {
		t.Errorf("subject %q: the lookup's title should win over the joiner's", s)
	}
	_, n, err = h.svc.LookupPage(ctx, url, "Second title")
	if err != nil || n != 1 {
		t.Fatalf("lookup of a live room: %d %v", n, err)
	}
	wantSeq(t, "subject change", h.take(key, alice), "message:groupchat:room:subject")
	if l := h.svc.Live(); len(l) != 1 || l[0].Title != "Second title" || l[0].URL != "https://example.org/lookup" {
		t.Errorf("live %+v", l)
	}
}

// TestStats: visits, unique visitors, peak, dwell, messages and the top
// pages, with no JID in the store.
func TestStats(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	const url = "https://example.org/stats"
	key := mustKey(t, url)
	room := h.roomJID(key)
	t0 := h.clk.Now()
	h.join(key, alice, "alice")
	h.clk.advance(time.Minute)
	h.join(key, bob, "bob")
	h.send(groupchat(bob, room, "one"))
	h.send(groupchat(alice, room, "two"))
	h.clk.advance(time.Minute)
	h.send(stanza(component.KindPresence, bob, room+"/bob", "unavailable"))     // 1 min
	h.send(stanza(component.KindPresence, alice, room+"/alice", "unavailable")) // 2 min
	h.sync(key)
	h.waitGone(key)
	h.join(key, alice2, "alice") // same person again, 3 minutes later
	h.clk.advance(3 * time.Minute)
	h.send(stanza(component.KindPresence, alice2, room+"/alice", "unavailable"))
	h.sync(key)
	h.waitGone(key)
	other := mustKey(t, "https://example.org/other")
	h.join(other, carol, "carol")

	ps, err := h.svc.PageStats(ctx, url, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	want := PageStats{Key: string(key), Visits: 3, UniqueVisitors: 2, PeakOccupants: 2,
		TotalDwell: 6 * time.Minute, Messages: 2, LastVisit: t0.Add(5 * time.Minute)}
	if ps != want {
		t.Errorf("stats\n got  %+v\n want %+v", ps, want)
	}
	if ps.AvgDwell() != 2*time.Minute {
		t.Errorf("avg dwell %v", ps.AvgDwell())
	}
	// Over a period that starts after the first room closed.
	ps, err = h.svc.PageStats(ctx, url, t0.Add(3*time.Minute))
	if err != nil || ps.Visits != 1 || ps.UniqueVisitors != 1 || ps.Messages != 0 || ps.PeakOccupants != 1 {
		t.Errorf("period stats %+v %v", ps, err)
	}
	st, err := h.svc.Stats(ctx, time.Time{}, 10)
	if err != nil || st.Rooms != 1 || st.Occupants != 1 || len(st.Now) != 1 || st.Now[0].Key != string(other) ||
		len(st.Top) != 1 || st.Top[0].Key != string(key) {
		t.Errorf("stats %+v %v", st, err)
	}
	if _, err := h.svc.PageStats(ctx, "https://example.org/never", time.Time{}); err == nil {
		t.Error("stats of a page never visited")
	}
	// The store holds hashes, never JIDs.
	h.store.mu.Lock()
	for k, p := range h.store.pages {
		for _, v := range p.visits {
			if strings.Contains(v.visitor, "example") || len(v.visitor) != 32 {
				t.Errorf("page %s: visitor %q is not a hash", k, v.visitor)
			}
		}
	}
	h.store.mu.Unlock()
}

// TestClose: closing tells occupants (332) and records their visits.
func TestClose(t *testing.T) {
	h := newHarness(t, nil)
	key := mustKey(t, "https://example.org/close")
	h.join(key, alice, "alice")
	h.clk.advance(time.Minute)
	if err := h.svc.Close(); err != nil {
		t.Fatal(err)
	}
	wantSeq(t, "alice", h.snd.take(alice), "presence:unavailable:alice:110,332")
	ps, err := h.store.PageStats(context.Background(), string(key), time.Time{})
	if err != nil || ps.Visits != 1 || ps.TotalDwell != time.Minute || ps.PeakOccupants != 1 {
		t.Errorf("stats after close %+v %v", ps, err)
	}
	h.send(joinPresence(bob, h.roomJID(key)+"/bob"))
	if got := h.snd.take(bob); len(got) != 1 || errCond(got[0]) != "wait/service-unavailable" {
		t.Errorf("join after close: %q", describeAll(got))
	}
	if _, _, err := h.svc.Lookup(context.Background(), "https://example.org/close"); err != ErrClosed {
		t.Errorf("lookup after close: %v", err)
	}
}

// TestMailboxFull: a room that cannot keep up refuses new stanzas with
// resource-constraint but still takes leaves.
func TestMailboxFull(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.MailboxLimit = 2 })
	key := mustKey(t, "https://example.org/full-box")
	rj := h.roomJID(key)
	h.join(key, alice, "alice")
	h.join(key, bob, "bob")
	h.snd.clear()
	release := make(chan struct{})
	blocked := make(chan struct{})
	h.svc.deliver(key, event{kind: evFunc, fn: func(*room) { close(blocked); <-release }}, false, true)
	<-blocked
	for range 3 {
		h.send(groupchat(alice, rj, "x"))
	}
	h.send(stanza(component.KindPresence, bob, rj+"/bob", "unavailable"))
	refused := h.snd.take(alice)
	if len(refused) != 1 || errCond(refused[0]) != "wait/resource-constraint" {
		t.Errorf("refused %q", describeAll(refused))
	}
	close(release)
	got := h.take(key, alice)
	wantSeq(t, "after release", got, "message:groupchat:alice:x", "message:groupchat:alice:x", "presence:unavailable:bob")
}
