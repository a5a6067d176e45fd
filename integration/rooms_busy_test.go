package integration

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/conf"
	"github.com/mpimis/mpimis/internal/xmpptest"
)

// TestIntegrationRoomsBusy: above rooms.broadcast_limit a joiner sees the
// most recent occupants (at most the limit) plus itself and nobody is told
// of the join; groupchat still reaches everybody.
func TestIntegrationRoomsBusy(t *testing.T) { eachServer(t, testRoomsBusy) }

func testRoomsBusy(t *testing.T, p xmppServer) {
	const limit = 2
	startMpimis(t, p, func(c *conf.Config) { c.Rooms.BroadcastLimit = limit })
	room := roomOf(t, "https://example.org/busy")
	var cs []*xmpptest.Client
	for i := range 4 {
		c := loginNew(t, p, fmt.Sprintf("busy%d", i))
		cs = append(cs, c)
		got := join(t, c, room, fmt.Sprintf("n%d", i))
		var want []string // everybody, or the limit most recent
		for j := max(0, i-limit); j < i; j++ {
			want = append(want, fmt.Sprintf("presence:n%d", j))
		}
		want = append(want, fmt.Sprintf("presence:n%d:110,170%s", i, map[bool]string{true: ",201"}[i == 0]))
		s := summaries(got)
		if !slices.Equal(s[:len(s)-1], want) {
			t.Errorf("join %d: %q, want %q", i, s, want)
		}
		if i >= limit && !strings.Contains(s[len(s)-1], fmt.Sprintf("%d people here", i+1)) {
			t.Errorf("join %d: subject %q lacks the count", i, s[len(s)-1])
		}
	}
	// A groupchat message reaches all four; it also orders after every
	// presence the room sent, so what arrived before it is all there is.
	must(t, cs[3].Send(ctxT(t), groupchatTo(room, "crowded")), "groupchat")
	for i, c := range cs {
		expect(t, c, fmt.Sprintf("client %d gets the message", i), messageFrom(room+"/n3", "crowded"))
	}
	// The room was busy from the third join on: n0 and n1 were not told
	// of n2 and n3 (n0 saw n1 arrive while the room was small).
	for i, c := range cs[:limit] {
		counts := make([]int, 4)
		for j := range counts {
			counts[j] = c.Discard(presenceFrom(fmt.Sprintf("%s/n%d", room, j), ""))
		}
		want := []int{0, 0, 0, 0}
		if i == 0 {
			want[1] = 1
		}
		if !slices.Equal(counts, want) {
			t.Errorf("client %d got presences %v (by nick), want %v", i, counts, want)
		}
	}
	if n := cs[2].Discard(func(el *component.Element) bool { return el.Name.Local == "presence" }); n != 0 {
		t.Errorf("client 2 got %d presences after joining a busy room", n)
	}
}
