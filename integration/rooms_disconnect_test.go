package integration

import (
	"testing"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/internal/xmpptest"
)

// TestIntegrationRoomsDisconnect: a client that vanishes without leaving
// is removed (Prosody sends unavailable to the rooms it had joined);
// XEP-0410 self-pings are answered for occupants only.
func TestIntegrationRoomsDisconnect(t *testing.T) { eachServer(t, testRoomsDisconnect) }

func testRoomsDisconnect(t *testing.T, p xmppServer) {
	m := startMpimis(t, p, nil)
	alice := login(t, p, "alice")
	bob := login(t, p, "bob")
	room := roomOf(t, "https://example.org/disconnect")
	join(t, alice, room, "alice")
	join(t, bob, room, "bob")
	expectCodes(t, alice, "bob arrives", room+"/bob", "")

	ping := func(to string) *component.Element {
		return xmpptest.NewIQ("get", to, component.NewElement(component.NSPing, "ping"))
	}
	res, err := bob.IQ(ctxT(t), ping(room+"/bob"))
	must(t, err, "self-ping")
	if res.Get("type") != "result" {
		t.Errorf("self-ping answered %s", res)
	}
	carol := loginNew(t, p, "carol")
	res, err = carol.IQ(ctxT(t), ping(room+"/carol"))
	must(t, err, "stranger's self-ping")
	if se := component.ParseStanzaError(res); se == nil || se.Condition != component.CondNotAcceptable {
		t.Errorf("stranger's self-ping answered %s", res)
	}

	// Bob's connection drops without a word.
	must(t, bob.Abort(), "abort bob")
	expectCodes(t, alice, "bob removed", room+"/bob", "unavailable")
	if l := m.RoomService.Live(); len(l) != 1 || l[0].Occupants != 1 {
		t.Errorf("live after bob vanished: %+v", l)
	}
}
