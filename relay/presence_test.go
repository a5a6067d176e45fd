package relay

import (
	"context"
	"errors"
	"testing"

	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/store"
)

func TestPresence(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	a := ident.IMID(h.register(phoneA, "anna"))
	off := ident.IMID(h.register(phoneB, ""))
	h.mo(phoneB, "STOP")
	h.mo(phoneA, "BLOCK troll@example.org")
	h.s.take()
	h.x.take()

	avail := func(to string) string {
		return "presence " + OutPresence{From: a, To: to, Status: statusViaSMS, Nick: "anna"}.fmt()
	}
	for i, tc := range []struct {
		name string
		p    InPresence
		do   func() // instead of p
		want []string
	}{
		{"probe", InPresence{From: "alice@example.org/x", To: a, Type: "probe"}, nil, []string{avail("alice@example.org")}},
		{"probe opted out", InPresence{From: "alice@example.org", To: off, Type: "probe"}, nil,
			[]string{"presence " + OutPresence{From: off, To: "alice@example.org", Type: "unavailable"}.fmt()}},
		{"probe unknown", InPresence{From: "alice@example.org", To: "12345678", Type: "probe"}, nil,
			[]string{"presence " + OutPresence{From: "12345678", To: "alice@example.org", Type: "unavailable"}.fmt()}},
		{"subscribe", InPresence{From: "Alice@example.org/x", To: a, Type: "subscribe"}, nil, []string{
			"presence " + OutPresence{From: a, To: "alice@example.org", Type: "subscribed", Nick: "anna"}.fmt(),
			avail("alice@example.org")}},
		{"subscribe unknown", InPresence{From: "alice@example.org", To: "12345678", Type: "subscribe"}, nil,
			[]string{"presence " + OutPresence{From: "12345678", To: "alice@example.org", Type: "unsubscribed"}.fmt()}},
		{"subscribe blocked", InPresence{From: "troll@example.org", To: a, Type: "subscribe"}, nil,
			[]string{"presence " + OutPresence{From: a, To: "troll@example.org", Type: "unsubscribed"}.fmt()}},
		{"second subscriber", InPresence{From: "bob@example.net", To: a, Type: "subscribe"}, nil, []string{
			"presence " + OutPresence{From: a, To: "bob@example.net", Type: "subscribed", Nick: "anna"}.fmt(),
			avail("bob@example.net")}},
		{"STOP goes offline", InPresence{}, func() { h.mo(phoneA, "STOP") }, []string{
			"presence " + OutPresence{From: a, To: "alice@example.org", Type: "unavailable", Nick: "anna"}.fmt(),
			"presence " + OutPresence{From: a, To: "bob@example.net", Type: "unavailable", Nick: "anna"}.fmt()}},
		{"probe after STOP", InPresence{From: "alice@example.org", To: a, Type: "probe"}, nil,
			[]string{"presence " + OutPresence{From: a, To: "alice@example.org", Type: "unavailable", Nick: "anna"}.fmt()}},
		{"START comes back", InPresence{}, func() { h.mo(phoneA, "START") }, []string{avail("alice@example.org"), avail("bob@example.net")}},
		{"unsubscribe", InPresence{From: "bob@example.net/x", To: a, Type: "unsubscribe"}, nil,
			[]string{"presence " + OutPresence{From: a, To: "bob@example.net", Type: "unavailable"}.fmt()}},
		{"NICK changes the presence", InPresence{}, func() { h.mo(phoneA, "NICK ann") }, []string{
			"presence " + OutPresence{From: a, To: "alice@example.org", Status: statusViaSMS, Nick: "ann"}.fmt()}},
		{"suspend", InPresence{}, func() { h.c.Suspend(ctx, a) }, []string{
			"presence " + OutPresence{From: a, To: "alice@example.org", Type: "unavailable", Nick: "ann"}.fmt()}},
		{"probe while suspended", InPresence{From: "alice@example.org", To: a, Type: "probe"}, nil,
			[]string{"presence " + OutPresence{From: a, To: "alice@example.org", Type: "unavailable", Nick: "ann"}.fmt()}},
		{"resume", InPresence{}, func() { h.c.Resume(ctx, a) }, []string{
			"presence " + OutPresence{From: a, To: "alice@example.org", Status: statusViaSMS, Nick: "ann"}.fmt()}},
		{"presence from a stranger is not tracked", InPresence{From: "carol@example.org", To: a, Show: "away"}, nil, nil},
		{"UNREG goes offline", InPresence{}, func() { h.mo(phoneA, "UNREG") }, []string{
			"presence " + OutPresence{From: a, To: "alice@example.org", Type: "unavailable"}.fmt()}},
	} {
		if tc.do != nil {
			tc.do()
		} else if err := h.c.Presence(ctx, tc.p); err != nil {
			t.Errorf("%d %s: %v", i, tc.name, err)
		}
		h.s.take()
		calls := h.x.take()
		if len(calls) != len(tc.want) {
			t.Errorf("%d %s: XMPP %v, want %q", i, tc.name, calls, tc.want)
			continue
		}
		for j, w := range tc.want {
			if calls[j].String() != w {
				t.Errorf("%d %s: call %d = %s, want %s", i, tc.name, j, calls[j], w)
			}
		}
	}
	if _, err := h.st.GetBuddy(ctx, string(a), "carol@example.org"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("stranger's presence stored: %v", err)
	}
	if err := h.c.Presence(ctx, InPresence{From: "", To: a, Type: "probe"}); kindOf(err) != KindBadRequest {
		t.Errorf("presence without sender: %v", err)
	}
}

// fmt renders an OutPresence as xcall.String does.
func (p OutPresence) fmt() string {
	return xcall{Kind: "presence", Pres: p}.String()[len("presence "):]
}

func TestProfile(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	a := ident.IMID(h.register(phoneA, "anna"))
	b := ident.IMID(h.register(phoneB, ""))
	h.mo(phoneB, "STOP")
	for i, tc := range []struct {
		imid ident.IMID
		want Profile
		kind ErrorKind
	}{
		{a, Profile{IMID: a, Nick: "anna", Available: true}, -1},
		{b, Profile{IMID: b}, -1},
		{"12345678", Profile{}, KindNotFound},
	} {
		got, err := h.c.Profile(ctx, tc.imid)
		if got != tc.want || tc.kind >= 0 && kindOf(err) != tc.kind || tc.kind < 0 && err != nil {
			t.Errorf("%d: Profile(%s) = %+v, %v; want %+v, kind %v", i, tc.imid, got, err, tc.want, tc.kind)
		}
	}
}
