package rooms

import (
	"strings"
	"testing"
	"time"

	"github.com/mpimis/mpimis/component"
)

// TestGroupchat: reflected to everyone (sender included) from room/nick
// with the sender's id, its extensions, and exactly one stanza-id by the
// room; what is refused, and with which error.
func TestGroupchat(t *testing.T) {
	h := newHarness(t, nil)
	key := mustKey(t, "https://example.org/chat")
	room := h.roomJID(key)
	h.join(key, alice, "alice")
	h.join(key, bob, "bob")
	h.snd.clear()

	m := groupchat(alice, room, "hello")
	m.SetAttr("id", "m1")
	m.Add(el(component.NSSID, "origin-id", "id", "o1"),
		el(component.NSSID, "stanza-id", "id", "forged", "by", room))
	h.send(m)
	h.sync(key)
	ids := map[string]bool{}
	for i, who := range []string{alice, bob} {
		got := h.snd.take(who)
		wantSeq(t, "case "+string(rune('0'+i)), got, "message:groupchat:alice:hello")
		if len(got) != 1 {
			continue
		}
		st := got[0]
		if st.Get("id") != "m1" || st.Get("from") != room+"/alice" {
			t.Errorf("case %d: %s", i, st)
		}
		if o := st.Child(component.NSSID, "origin-id"); o == nil || o.Get("id") != "o1" {
			t.Errorf("case %d: origin-id lost: %s", i, st)
		}
		var sids []*component.Element
		for _, c := range st.Children {
			if c.Name.Space == component.NSSID && c.Name.Local == "stanza-id" {
				sids = append(sids, c)
			}
		}
		if len(sids) != 1 || sids[0].Get("by") != room || sids[0].Get("id") == "forged" || sids[0].Get("id") == "" {
			t.Errorf("case %d: stanza-ids %v", i, sids)
			continue
		}
		ids[sids[0].Get("id")] = true
	}
	if len(ids) != 1 {
		t.Errorf("recipients saw different stanza-ids: %v", ids)
	}

	subject := stanza(component.KindMessage, alice, room, "groupchat", el(component.NSComponent, "subject").WithText("mine"))
	cases := []struct {
		name string
		st   *component.Element
		from string
		want string
	}{
		{"non-occupant", groupchat(carol, room, "let me in"), carol, "cancel/not-acceptable"},
		{"subject change", subject, alice, "auth/forbidden"},
		{"groupchat to an occupant", groupchat(alice, room+"/bob", "psst"), alice, "modify/bad-request"},
		{"body too long", groupchat(alice, room, strings.Repeat("é", 10001)), alice, "modify/not-acceptable"},
		{"chat to the room", stanza(component.KindMessage, alice, room, "chat", el(component.NSComponent, "body").WithText("?")), alice, "cancel/service-unavailable"},
	}
	for i, c := range cases {
		h.send(c.st)
		got := h.take(key, c.from)
		if len(got) != 1 || errCond(got[0]) != c.want {
			t.Errorf("case %d (%s): got %q want %s", i, c.name, describeAll(got), c.want)
		}
		if o := h.snd.take(bob); len(o) != 0 {
			t.Errorf("case %d (%s): bob got %q", i, c.name, describeAll(o))
		}
	}
}

// TestPrivateMessage: from room/sender to the recipient's sessions,
// marked with muc#user x; unknown recipients and strangers are refused.
func TestPrivateMessage(t *testing.T) {
	h := newHarness(t, nil)
	key := mustKey(t, "https://example.org/pm")
	room := h.roomJID(key)
	h.join(key, alice, "alice")
	h.join(key, bob, "bob")
	h.snd.clear()

	pm := stanza(component.KindMessage, alice, room+"/bob", "chat", el(component.NSComponent, "body").WithText("hi bob"))
	h.send(pm)
	got := h.take(key, bob)
	wantSeq(t, "bob", got, "message:chat:alice:hi bob")
	if len(got) == 1 && (got[0].Child(nsMUCUser, "x") == nil || got[0].Get("id") != pm.Get("id")) {
		t.Errorf("private message %s", got[0])
	}
	wantSeq(t, "alice gets no copy", h.snd.take(alice))

	cases := []struct {
		name string
		st   *component.Element
		from string
		want string
	}{
		{"unknown recipient", stanza(component.KindMessage, alice, room+"/nobody", "chat", el(component.NSComponent, "body").WithText("?")), alice, "cancel/item-not-found"},
		{"stranger", stanza(component.KindMessage, carol, room+"/bob", "chat", el(component.NSComponent, "body").WithText("?")), carol, "cancel/not-acceptable"},
	}
	for i, c := range cases {
		h.send(c.st)
		got := h.take(key, c.from)
		if len(got) != 1 || errCond(got[0]) != c.want {
			t.Errorf("case %d (%s): got %q want %s", i, c.name, describeAll(got), c.want)
		}
	}
	wantSeq(t, "bob got nothing more", h.snd.take(bob))
}

// TestHistory: late joiners get the last messages with delay stamps, as
// their <history/> asks.
func TestHistory(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.History = 5 })
	key := mustKey(t, "https://example.org/history")
	room := h.roomJID(key)
	h.join(key, alice, "alice")
	start := h.clk.Now()
	for i := range 7 { // m0 .. m6, one a minute
		h.send(groupchat(alice, room, "m"+string(rune('0'+i))))
		h.sync(key)
		h.clk.advance(time.Minute)
	}
	// now = start+7m; m_i was sent at start+i minutes.
	hist := func(attrs ...string) *component.Element {
		return el(component.NSMUC, "x").Add(el(component.NSMUC, "history", attrs...))
	}
	cases := []struct {
		name string
		x    *component.Element
		want []string
	}{
		{"default", el(component.NSMUC, "x"), []string{"m2", "m3", "m4", "m5", "m6"}},
		{"maxstanzas 2", hist("maxstanzas", "2"), []string{"m5", "m6"}},
		{"maxstanzas 0", hist("maxstanzas", "0"), nil},
		{"maxstanzas beyond what is kept", hist("maxstanzas", "100"), []string{"m2", "m3", "m4", "m5", "m6"}},
		{"maxchars 0", hist("maxchars", "0"), nil},
		{"maxchars big", hist("maxchars", "100000"), []string{"m2", "m3", "m4", "m5", "m6"}},
		{"seconds 150", hist("seconds", "150"), []string{"m5", "m6"}},
		{"since", hist("since", start.Add(4*time.Minute).Format(time.RFC3339)), []string{"m4", "m5", "m6"}},
		{"since and maxstanzas", hist("since", start.Add(4*time.Minute).Format(time.RFC3339), "maxstanzas", "1"), []string{"m6"}},
		{"garbage attributes", hist("maxstanzas", "x", "seconds", "-1"), []string{"m2", "m3", "m4", "m5", "m6"}},
	}
	for i, c := range cases {
		joiner := "late@example.org/" + string(rune('a'+i))
		p := stanza(component.KindPresence, joiner, room+"/late"+string(rune('a'+i)), "", c.x)
		h.send(p)
		var bodies []string
		for _, st := range h.take(key, joiner) {
			b := st.Child("", "body")
			if b == nil {
				continue
			}
			bodies = append(bodies, b.Text)
			d := st.Child(nsDelay, "delay")
			if d == nil || d.Get("from") != room || st.Get("from") != room+"/alice" {
				t.Errorf("case %d (%s): history stanza %s", i, c.name, st)
				continue
			}
			stamp, err := time.Parse(time.RFC3339Nano, d.Get("stamp"))
			wantStamp := start.Add(time.Duration(b.Text[1]-'0') * time.Minute)
			if err != nil || !stamp.Equal(wantStamp) {
				t.Errorf("case %d (%s): %s stamped %q, want %s", i, c.name, b.Text, d.Get("stamp"), wantStamp)
			}
		}
		if len(bodies) != len(c.want) || (len(c.want) > 0 && !equal(bodies, c.want)) {
			t.Errorf("case %d (%s): history %q, want %q", i, c.name, bodies, c.want)
		}
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestFlood: beyond the per-minute budget, policy-violation (wait); the
// budget refills with time; bodyless messages are dropped silently.
func TestFlood(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.MaxMessagesPerMinute = 3 })
	key := mustKey(t, "https://example.org/flood")
	room := h.roomJID(key)
	h.join(key, alice, "alice")
	h.join(key, bob, "bob")
	h.snd.clear()
	steps := []struct {
		advance time.Duration
		ok      bool
	}{{0, true}, {0, true}, {0, true}, {0, false}, {19 * time.Second, false}, {2 * time.Second, true}, {0, false}}
	for i, s := range steps {
		h.clk.advance(s.advance)
		h.send(groupchat(alice, room, "flood"))
		got := h.take(key, alice)
		switch {
		case s.ok && (len(got) != 1 || got[0].Get("type") != "groupchat"):
			t.Errorf("step %d: want the reflection, got %q", i, describeAll(got))
		case !s.ok && (len(got) != 1 || errCond(got[0]) != "wait/policy-violation"):
			t.Errorf("step %d: want policy-violation, got %q", i, describeAll(got))
		}
		if n := len(h.snd.take(bob)); (n == 1) != s.ok {
			t.Errorf("step %d: bob got %d", i, n)
		}
	}
	// Chat states: four times the budget, then silently dropped.
	state := stanza(component.KindMessage, bob, room, "groupchat", el("http://jabber.org/protocol/chatstates", "composing"))
	for range 12 {
		h.send(state)
	}
	h.send(state)
	if n := len(h.take(key, alice)); n != 12 {
		t.Errorf("alice got %d chat states, want 12", n)
	}
	for _, st := range h.snd.take(bob) {
		if st.Get("type") == "error" {
			t.Errorf("bob got an error for a chat state: %s", st)
		}
	}
}

// TestErrorBounce: an error bounced from an occupant's session with a
// condition meaning the client is gone removes it (333); other errors do
// not.
func TestErrorBounce(t *testing.T) {
	cases := []struct {
		name   string
		kind   string
		cond   string
		toNick string
		kicked bool
	}{
		{"message recipient-unavailable", component.KindMessage, "recipient-unavailable", "", true},
		{"presence remote-server-not-found", component.KindPresence, "remote-server-not-found", "bob", true},
		{"message service-unavailable to occupant jid", component.KindMessage, "service-unavailable", "alice", true},
		{"message not-acceptable", component.KindMessage, "not-acceptable", "", false},
		{"presence policy-violation", component.KindPresence, "policy-violation", "bob", false},
	}
	for i, c := range cases {
		h := newHarness(t, nil)
		key := mustKey(t, "https://example.org/bounce")
		room := h.roomJID(key)
		h.join(key, alice, "alice")
		h.join(key, bob, "bob")
		h.snd.clear()
		to := room
		if c.toNick != "" {
			to += "/" + c.toNick
		}
		e := stanza(c.kind, bob, to, "error")
		e.Add(el(component.NSComponent, "error", "type", "cancel").Add(el(component.NSStanzas, c.cond)))
		h.send(e)
		got := h.take(key, alice)
		if c.kicked {
			wantSeq(t, c.name, got, "presence:unavailable:bob:333")
		} else {
			wantSeq(t, c.name, got)
		}
		if o := h.snd.take(bob); len(o) != 0 {
			t.Errorf("case %d (%s): bob was sent %q", i, c.name, describeAll(o))
		}
		h.send(groupchat(alice, room, "still here?"))
		if n := len(h.take(key, bob)); (n == 0) != c.kicked {
			t.Errorf("case %d (%s): bob received %d messages after the error", i, c.name, n)
		}
	}
}
