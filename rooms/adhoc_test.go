package rooms

import (
	"strings"
	"testing"

	"github.com/mpimis/mpimis/component"
)

const admin = "admin@example.org/console"

func adminHarness(t *testing.T) *harness {
	return newHarness(t, func(c *Config) { c.Admins = []string{"Admin@example.org"} })
}

// exec sends a command iq to the domain and returns the single answer.
func exec(h *harness, from string, cmd *component.Element) *component.Element {
	h.t.Helper()
	h.send(stanza(component.KindIQ, from, testDomain, "set", cmd))
	got := h.snd.take(from)
	if len(got) != 1 {
		h.t.Fatalf("command answers: %q", describeAll(got))
	}
	return got[0]
}

func submit(node, sid string, fields map[string]string) *component.Element {
	x := el(component.NSDataForms, "x", "type", "submit")
	for k, v := range fields {
		x.Add(el(component.NSDataForms, "field", "var", k).Add(el(component.NSDataForms, "value").WithText(v)))
	}
	return el(NSCommands, "command", "node", node, "sessionid", sid, "action", "complete").Add(x)
}

// fieldsOf returns a result form's single-valued fields.
func fieldsOf(cmd *component.Element) map[string]string {
	out := map[string]string{}
	x := cmd.Child(component.NSDataForms, "x")
	if x == nil {
		return out
	}
	for _, f := range x.Children {
		if f.Name.Local == "field" {
			out[f.Get("var")] = f.ChildText(component.NSDataForms, "value")
		}
	}
	return out
}

func TestAdhocDisco(t *testing.T) {
	h := adminHarness(t)
	h.send(stanza(component.KindIQ, carol, testDomain, "get", el(component.NSDiscoInfo, "query")))
	info := h.snd.take(carol)
	if len(info) != 1 || !strings.Contains(info[0].String(), NSCommands) {
		t.Fatalf("disco#info does not advertise commands: %q", describeAll(info))
	}
	cases := []struct {
		name, from, want string
	}{
		{"user", carol, "lookup"},
		{"admin", admin, "lookup stats"},
	}
	for _, c := range cases {
		h.send(stanza(component.KindIQ, c.from, testDomain, "get", el(component.NSDiscoItem, "query", "node", NSCommands)))
		got := h.snd.take(c.from)
		if len(got) != 1 || got[0].Get("type") != "result" {
			t.Fatalf("%s: %q", c.name, describeAll(got))
		}
		var nodes []string
		for _, it := range component.Payload(got[0]).Children {
			if it.Get("jid") != testDomain {
				t.Errorf("%s: item jid %q", c.name, it.Get("jid"))
			}
			nodes = append(nodes, it.Get("node"))
		}
		if g := strings.Join(nodes, " "); g != c.want {
			t.Errorf("%s: command nodes %q, want %q", c.name, g, c.want)
		}
	}
	// The rooms are still listed without a node.
	key := mustKey(t, "https://example.org/disco")
	h.join(key, alice, "alice")
	if items := discoItems(h, carol); len(items) != 1 || items[0].Get("jid") != h.roomJID(key) {
		t.Errorf("room items: %v", items)
	}
}

func TestAdhocLookup(t *testing.T) {
	h := adminHarness(t)
	const url = "https://Example.org/look?utm_source=x"
	key := mustKey(t, url)
	h.join(key, alice, "alice", el(NSPage, "page", "url", url, "title", "Look"))

	first := exec(h, carol, el(NSCommands, "command", "node", CmdLookup, "action", "execute"))
	c := component.Payload(first)
	sid := c.Get("sessionid")
	if first.Get("type") != "result" || c.Get("status") != "executing" || sid == "" ||
		c.Child(component.NSDataForms, "x").Get("type") != "form" {
		t.Fatalf("execute: %s", first)
	}
	cases := []struct {
		name   string
		cmd    *component.Element
		want   map[string]string
		errNot string
	}{
		{"two steps", submit(CmdLookup, sid, map[string]string{"url": url}),
			map[string]string{"room": h.roomJID(key), "url": "https://example.org/look", "title": "Look", "occupants": "1"}, ""},
		{"one step", submit(CmdLookup, "", map[string]string{"url": "https://example.org/other"}),
			map[string]string{"room": h.roomJID(mustKey(t, "https://example.org/other")), "url": "https://example.org/other", "title": "", "occupants": "0"}, ""},
		{"bad url", submit(CmdLookup, "", map[string]string{"url": "ftp://example.org/x"}), nil, "scheme"},
		{"no url", submit(CmdLookup, "", nil), nil, ""},
	}
	for _, tc := range cases {
		res := exec(h, carol, tc.cmd)
		p := component.Payload(res)
		if res.Get("type") != "result" || p.Get("status") != "completed" {
			t.Errorf("%s: %s", tc.name, res)
			continue
		}
		if tc.want == nil {
			n := p.Child(NSCommands, "note")
			if n == nil || n.Get("type") != "error" || n.Text == "" || !strings.Contains(n.Text, tc.errNot) {
				t.Errorf("%s: want an error note mentioning %q: %s", tc.name, tc.errNot, res)
			}
			continue
		}
		got := fieldsOf(p)
		for k, v := range tc.want {
			if got[k] != v {
				t.Errorf("%s: field %s = %q, want %q", tc.name, k, got[k], v)
			}
		}
	}
}

func TestAdhocSessions(t *testing.T) {
	h := adminHarness(t)
	first := exec(h, carol, el(NSCommands, "command", "node", CmdLookup))
	sid := component.Payload(first).Get("sessionid")
	cases := []struct {
		name, from string
		cmd        *component.Element
		want       string // error condition, or "status:..." of a result
	}{
		{"another requester", bob, submit(CmdLookup, sid, map[string]string{"url": "https://example.org/"}), "modify/bad-request"},
		{"forged session", carol, submit(CmdLookup, sid+"x", map[string]string{"url": "https://example.org/"}), "modify/bad-request"},
		{"no form", carol, el(NSCommands, "command", "node", CmdLookup, "sessionid", sid), "modify/bad-request"},
		{"bad action", carol, el(NSCommands, "command", "node", CmdLookup, "action", "next"), "modify/bad-request"},
		{"unknown node", carol, el(NSCommands, "command", "node", "nope"), "cancel/item-not-found"},
		{"no node", carol, el(NSCommands, "command"), "modify/bad-request"},
		{"stats by a user", carol, el(NSCommands, "command", "node", CmdStats), "auth/forbidden"},
		{"cancel", carol, el(NSCommands, "command", "node", CmdLookup, "sessionid", sid, "action", "cancel"), "status:canceled"},
	}
	for _, c := range cases {
		res := exec(h, c.from, c.cmd)
		got := errCond(res)
		if got == "" {
			got = "status:" + component.Payload(res).Get("status")
		}
		if got != c.want {
			t.Errorf("%s: %s, want %s (%s)", c.name, got, c.want, res)
		}
	}
}

func TestAdhocStats(t *testing.T) {
	h := adminHarness(t)
	key := mustKey(t, "https://example.org/stats")
	room := h.roomJID(key)
	h.join(key, alice, "alice", el(NSPage, "page", "url", "https://example.org/stats", "title", "Stats page"))
	h.join(key, bob, "bob")
	h.send(groupchat(alice, room, "hello"))
	for _, who := range []struct{ jid, nick string }{{alice, "alice"}, {bob, "bob"}} {
		h.send(stanza(component.KindPresence, who.jid, room+"/"+who.nick, "unavailable"))
	}
	h.waitGone(key)

	res := exec(h, admin, el(NSCommands, "command", "node", CmdStats))
	x := component.Payload(res).Child(component.NSDataForms, "x")
	if res.Get("type") != "result" || x == nil || x.Get("type") != "result" || x.Child(component.NSDataForms, "reported") == nil {
		t.Fatalf("stats: %s", res)
	}
	item := x.Child(component.NSDataForms, "item")
	if item == nil {
		t.Fatalf("stats without items: %s", res)
	}
	got := fieldsOf(&component.Element{Children: []*component.Element{{Name: x.Name, Children: item.Children}}})
	want := map[string]string{"title": "Stats page", "visits": "2", "unique": "2", "peak": "2", "messages": "1", "avg_dwell": "0s"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("stats field %s = %q, want %q (%s)", k, got[k], v, res)
		}
	}
}
