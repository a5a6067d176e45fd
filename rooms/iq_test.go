package rooms

import (
	"strings"
	"testing"

	"github.com/mpimis/mpimis/component"
)

// TestSelfPing: XEP-0410. The room answers an occupant's ping to its own
// nickname; a stranger gets not-acceptable; a ping to another nickname is
// forwarded without revealing the asker, and the answer routed back.
func TestSelfPing(t *testing.T) {
	h := newHarness(t, nil)
	key := mustKey(t, "https://example.org/ping")
	room := h.roomJID(key)
	h.join(key, alice, "alice")
	h.join(key, bob, "bob")
	h.snd.clear()
	ping := func(from, nick string) *component.Element {
		return stanza(component.KindIQ, from, room+"/"+nick, "get", el(component.NSPing, "ping"))
	}
	cases := []struct {
		name string
		st   *component.Element
		from string
		want string // "" for a result
	}{
		{"self-ping", ping(alice, "alice"), alice, ""},
		{"second nick of nobody", ping(alice, "nobody"), alice, "cancel/item-not-found"},
		{"stranger", ping(carol, "alice"), carol, "cancel/not-acceptable"},
		{"stranger to a room that is not live", stanza(component.KindIQ, carol, h.roomJID(mustKey(t, "https://example.org/empty"))+"/x", "get", el(component.NSPing, "ping")), carol, "cancel/not-acceptable"},
	}
	for i, c := range cases {
		h.send(c.st)
		got := h.take(key, c.from)
		if len(got) != 1 || got[0].Get("id") != c.st.Get("id") || errCond(got[0]) != c.want ||
			(c.want == "" && (got[0].Get("type") != "result" || got[0].Get("from") != c.st.Get("to"))) {
			t.Errorf("case %d (%s): got %q", i, c.name, describeAll(got))
		}
	}

	// Forwarding: alice asks bob's client for its version.
	q := stanza(component.KindIQ, alice, room+"/bob", "get", el(component.NSVersion, "query"))
	q.SetAttr("id", "v1")
	h.send(q)
	fwd := h.take(key, bob)
	if len(fwd) != 1 || fwd[0].Get("from") != room+"/alice" || fwd[0].Get("id") == "v1" {
		t.Fatalf("forwarded %q", describeAll(fwd))
	}
	if strings.Contains(fwd[0].String(), "alice@") {
		t.Errorf("forwarded iq reveals the asker: %s", fwd[0])
	}
	// A forged answer from someone else is dropped; bob's is routed back.
	forged := stanza(component.KindIQ, carol, room+"/alice", "result")
	forged.SetAttr("id", fwd[0].Get("id"))
	h.send(forged)
	ans := stanza(component.KindIQ, bob, room+"/alice", "result", el(component.NSVersion, "query"))
	ans.SetAttr("id", fwd[0].Get("id"))
	h.send(ans)
	got := h.take(key, alice)
	if len(got) != 1 || got[0].Get("id") != "v1" || got[0].Get("from") != room+"/bob" || got[0].Child(component.NSVersion, "query") == nil {
		t.Errorf("answer %q", describeAll(got))
	}
	// vCard requests go to the bare JID, which the user's server answers.
	h.send(stanza(component.KindIQ, alice, room+"/bob", "get", el("vcard-temp", "vCard")))
	if got := h.take(key, "bob@example.org"); len(got) != 1 {
		t.Errorf("vcard forwarded %q", describeAll(got))
	}
}

func TestParseFwdID(t *testing.T) {
	h := newHarness(t, nil)
	r := newRoom(h.svc, mustKey(t, "https://example.org/fwd"))
	id := r.fwdID(alice, bob, "bob", "orig-1")
	cases := []struct {
		name string
		in   string
		ok   bool
	}{
		{"made by fwdID", id, true},
		{"no prefix", strings.TrimPrefix(id, fwdPrefix), false},
		{"not base64", fwdPrefix + "!!", false},
		{"too few parts", fwdPrefix + "YWJj", false},
		{"empty", "", false},
	}
	for i, c := range cases {
		to, nick, orig, mac, ok := parseFwdID(c.in)
		if ok != c.ok {
			t.Errorf("case %d (%s): ok %v", i, c.name, ok)
			continue
		}
		if ok && (to != bob || nick != "bob" || orig != "orig-1" || string(mac) != string(r.fwdMAC(alice, bob, "bob", "orig-1"))) {
			t.Errorf("case %d (%s): %q %q %q", i, c.name, to, nick, orig)
		}
	}
}

// TestOwnerNamespace: the instant-room acceptance is a no-op result;
// configuration is forbidden.
func TestOwnerNamespace(t *testing.T) {
	h := newHarness(t, nil)
	key := mustKey(t, "https://example.org/owner")
	room := h.roomJID(key)
	h.join(key, alice, "alice")
	form := func(typ string, fields ...*component.Element) *component.Element {
		return el(nsMUCOwner, "query").Add(el(component.NSDataForms, "x", "type", typ).Add(fields...))
	}
	cases := []struct {
		name string
		typ  string
		q    *component.Element
		want string
	}{
		{"instant room", "set", form("submit"), ""},
		{"instant room with FORM_TYPE", "set", form("submit", el(component.NSDataForms, "field", "var", "FORM_TYPE")), ""},
		{"cancel", "set", form("cancel"), ""},
		{"real configuration", "set", form("submit", el(component.NSDataForms, "field", "var", "muc#roomconfig_roomname")), "auth/forbidden"},
		{"get the form", "get", el(nsMUCOwner, "query"), "auth/forbidden"},
	}
	for i, c := range cases {
		iq := stanza(component.KindIQ, alice, room, c.typ, c.q)
		h.send(iq)
		got := h.snd.take(alice)
		if len(got) != 1 || errCond(got[0]) != c.want || (c.want == "" && got[0].Get("type") != "result") {
			t.Errorf("case %d (%s): %q", i, c.name, describeAll(got))
		}
	}
}
