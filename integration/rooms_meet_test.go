package integration

import (
	"slices"
	"strings"
	"testing"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/internal/xmpptest"
)

// TestIntegrationRoomsMeet: two users on the same page, written two
// different ways, meet in one room and chat; a third user on another page
// sees none of it.
func TestIntegrationRoomsMeet(t *testing.T) { eachServer(t, testRoomsMeet) }

func testRoomsMeet(t *testing.T, p xmppServer) {
	startMpimis(t, p, nil)
	alice := login(t, p, "alice")
	bob := login(t, p, "bob")
	carol := loginNew(t, p, "carol")

	const url1 = "HTTPS://Example.ORG:443/guide/./intro?b=2&a=1&utm_source=news#top"
	const url2 = "https://example.org/guide/intro?a=1&b=2"
	room := roomOf(t, url1)
	if room2 := roomOf(t, url2); room2 != room {
		t.Fatalf("two spellings of one page give rooms %s and %s", room, room2)
	}
	other := roomOf(t, "https://example.org/elsewhere")

	// Alice opens the room and names the page.
	got := join(t, alice, room, "alice", pageEl(url1, "The Guide"))
	if s := summaries(got); !slices.Equal(s, []string{"presence:alice:110,170,201", "message:room:subject=The Guide"}) {
		t.Errorf("alice's join: %q", s)
	}
	// Bob arrives through the other spelling.
	got = join(t, bob, roomOf(t, url2), "bob")
	if s := summaries(got); !slices.Equal(s, []string{"presence:alice", "presence:bob:110,170", "message:room:subject=The Guide"}) {
		t.Errorf("bob's join: %q", s)
	}
	expectCodes(t, alice, "alice sees bob arrive", room+"/bob", "")
	// Carol is on another page.
	got = join(t, carol, other, "carol")
	if s := summaries(got); !slices.Equal(s, []string{"presence:carol:110,170,201", "message:room:subject="}) {
		t.Errorf("carol's join: %q", s)
	}

	// Groupchat: reflected to both, with the room's stanza-id.
	gc := groupchatTo(room, "hello page")
	must(t, alice.Send(ctxT(t), gc), "groupchat")
	for i, c := range []*xmpptest.Client{alice, bob} {
		m := expect(t, c, "groupchat reflection", messageFrom(room+"/alice", "hello page"))
		sid := m.Child(component.NSSID, "stanza-id")
		if m.Get("id") != gc.Get("id") || m.Get("type") != "groupchat" || sid == nil || sid.Get("by") != room || sid.Get("id") == "" {
			t.Errorf("case %d: reflected as %s", i, m)
		}
	}

	// A private message from bob to alice.
	pm := component.NewElement(component.NSComponent, "message", "to", room+"/alice", "type", "chat").
		Add(component.NewElement(component.NSComponent, "body").WithText("psst"))
	must(t, bob.Send(ctxT(t), pm), "private message")
	m := expect(t, alice, "private message", messageFrom(room+"/bob", "psst"))
	if m.Get("type") != "chat" || m.Child(nsMUCUser, "x") == nil {
		t.Errorf("private message as %s", m)
	}

	// Carol, on the other page, saw nothing of that; a groupchat from her
	// to a room she is not in is refused.
	must(t, carol.Send(ctxT(t), groupchatTo(room, "intruder")), "stranger's groupchat")
	e := expect(t, carol, "stranger's error", func(el *component.Element) bool {
		return el.Get("from") == room && el.Get("type") == "error"
	})
	if se := component.ParseStanzaError(e); se == nil || se.Condition != component.CondNotAcceptable {
		t.Errorf("stranger's groupchat answered %s", e)
	}
	if n := carol.Discard(func(el *component.Element) bool { return strings.HasPrefix(el.Get("from"), room) }); n != 0 {
		t.Errorf("carol received %d stanzas from the other room", n)
	}

	// The service lists both live rooms, named by title (or URL, or, when
	// nobody told the room its page, its JID).
	items := discoItemNames(t, carol)
	if items[room] != "The Guide" || items[other] != other || len(items) != 2 {
		t.Errorf("disco#items %v", items)
	}
	// Room disco#info: the roominfo form with the URL and the count.
	res, err := carol.IQ(ctxT(t), xmpptest.NewIQ("get", room, component.NewElement(component.NSDiscoInfo, "query")))
	must(t, err, "room disco#info")
	form := res.Child(component.NSDiscoInfo, "query").Child(component.NSDataForms, "x")
	fields := map[string]string{}
	for _, f := range form.Children {
		fields[f.Get("var")] = f.ChildText(component.NSDataForms, "value")
	}
	if fields["urn:mpimis:page#url"] != url2 || fields["muc#roominfo_occupants"] != "2" {
		t.Errorf("room info %v", fields)
	}
}
