package integration

import (
	"testing"

	"github.com/mpimis/mpimis/component"
)

// TestIntegrationRoomsNicks: a taken nickname is refused, a nickname
// change is shown as 303 then the new presence, a leave as unavailable.
func TestIntegrationRoomsNicks(t *testing.T) { eachServer(t, testRoomsNicks) }

func testRoomsNicks(t *testing.T, p xmppServer) {
	startMpimis(t, p, nil)
	alice := login(t, p, "alice")
	bob := login(t, p, "bob")
	carol := loginNew(t, p, "carol")
	room := roomOf(t, "https://example.org/nicks")
	join(t, alice, room, "alice")
	join(t, bob, room, "bob")
	expectCodes(t, alice, "bob arrives", room+"/bob", "")

	// Conflict.
	must(t, carol.Send(ctxT(t), mucJoin(room+"/alice")), "join with a taken nick")
	e := expect(t, carol, "conflict", presenceFrom(room+"/alice", "error"))
	if se := component.ParseStanzaError(e); se == nil || se.Condition != component.CondConflict {
		t.Errorf("taken nick answered %s", e)
	}

	// Nick change.
	must(t, bob.Send(ctxT(t), component.NewElement(component.NSComponent, "presence", "to", room+"/robert")), "nick change")
	old := expectCodes(t, alice, "303 to alice", room+"/bob", "unavailable", "303")
	if n := old.Child(nsMUCUser, "x").Child(nsMUCUser, "item").Get("nick"); n != "robert" {
		t.Errorf("303 names %q", n)
	}
	expectCodes(t, alice, "new nick to alice", room+"/robert", "")
	expectCodes(t, bob, "303 to bob", room+"/bob", "unavailable", "110", "303")
	expectCodes(t, bob, "new nick to bob", room+"/robert", "", "110")

	// Leave, with a status text.
	leave := component.NewElement(component.NSComponent, "presence", "to", room+"/robert", "type", "unavailable").
		Add(component.NewElement(component.NSComponent, "status").WithText("off to lunch"))
	must(t, bob.Send(ctxT(t), leave), "leave")
	gone := expectCodes(t, alice, "alice sees robert leave", room+"/robert", "unavailable")
	if s := gone.ChildText("", "status"); s != "off to lunch" {
		t.Errorf("leave status %q", s)
	}
	expectCodes(t, bob, "robert's own leave", room+"/robert", "unavailable", "110")

	// The nick is free again for another user.
	join(t, carol, room, "robert")
	expectCodes(t, alice, "carol as robert", room+"/robert", "")
}
