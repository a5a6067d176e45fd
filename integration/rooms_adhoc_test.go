package integration

import (
	"testing"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/internal/xmpptest"
	"github.com/mpimis/mpimis/rooms"
)

// TestIntegrationRoomsAdhoc: the rooms domain's "lookup" command, run
// through a real server in two steps (form, then submission), returns the
// room of the page with its live occupant count; the commands node lists
// "stats" for administrators only.
func TestIntegrationRoomsAdhoc(t *testing.T) { eachServer(t, testRoomsAdhoc) }

func testRoomsAdhoc(t *testing.T, p xmppServer) {
	startMpimis(t, p, nil)
	alice := login(t, p, "alice")
	const url = "https://example.org/adhoc"
	room := roomOf(t, url)
	join(t, alice, room, "alice", pageEl(url, "Adhoc page"))

	carol := loginNew(t, p, "carol")
	items, err := carol.IQ(ctxT(t), xmpptest.NewIQ("get", roomsDomain,
		component.NewElement(component.NSDiscoItem, "query", "node", rooms.NSCommands)))
	must(t, err, "commands list")
	var nodes []string
	for _, it := range component.Payload(items).Children {
		nodes = append(nodes, it.Get("node"))
	}
	if len(nodes) != 1 || nodes[0] != rooms.CmdLookup {
		t.Errorf("commands for a user: %v (%s)", nodes, items)
	}

	res, err := carol.IQ(ctxT(t), xmpptest.NewIQ("set", roomsDomain,
		component.NewElement(rooms.NSCommands, "command", "node", rooms.CmdLookup, "action", "execute")))
	must(t, err, "execute lookup")
	c := component.Payload(res)
	if res.Get("type") != "result" || c.Get("status") != "executing" || c.Child(component.NSDataForms, "x") == nil {
		t.Fatalf("lookup form: %s", res)
	}
	form := component.NewElement(component.NSDataForms, "x", "type", "submit").Add(
		component.NewElement(component.NSDataForms, "field", "var", "url").Add(
			component.NewElement(component.NSDataForms, "value").WithText(url)))
	res, err = carol.IQ(ctxT(t), xmpptest.NewIQ("set", roomsDomain,
		component.NewElement(rooms.NSCommands, "command", "node", rooms.CmdLookup,
			"sessionid", c.Get("sessionid"), "action", "complete").Add(form)))
	must(t, err, "submit lookup")
	c = component.Payload(res)
	if res.Get("type") != "result" || c.Get("status") != "completed" {
		t.Fatalf("lookup result: %s", res)
	}
	got := map[string]string{}
	if x := c.Child(component.NSDataForms, "x"); x != nil {
		for _, f := range x.Children {
			got[f.Get("var")] = f.ChildText(component.NSDataForms, "value")
		}
	}
	want := map[string]string{"room": room, "url": url, "title": "Adhoc page", "occupants": "1"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("lookup field %s = %q, want %q (%s)", k, got[k], v, res)
		}
	}
}
