package relay

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/store"
)

func TestBuddyList(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, func(c *Config) { c.SMSPerMinute = 0 })
	a := ident.IMID(h.register(phoneA, "anna"))
	b := h.register(phoneB, "bob")
	const alice = "alice@example.org"
	presence := func(p InPresence) func() {
		return func() {
			p.To = a
			if err := h.c.Presence(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i, tc := range []struct {
		name  string
		do    func()      // an XMPP event before the SMS, or nil
		text  string      // SMS from phoneA, "" none
		reply string      // "=" exact, else substring
		xmpp  []string    // XMPP calls
		after func() bool // extra check
	}{
		{name: "empty list", text: "LIST", reply: "=" + txtListEmpty},
		{name: "who unknown jid", text: "WHO alice@example.org", reply: "=alice@example.org: unknown - not shared"},
		{name: "add jid", text: "ADD Alice@Example.org", reply: "=Asked alice@example.org to share presence. Text WHO or LIST to see it.",
			xmpp: []string{"presence " + OutPresence{From: a, To: alice, Type: "subscribe", Nick: "anna"}.fmt()}},
		{name: "pending", text: "WHO alice@example.org", reply: "=alice@example.org: asked, no answer yet"},
		{name: "approved", do: presence(InPresence{From: alice, Type: "subscribed"}), text: "STATUS alice@example.org",
			reply: "=alice@example.org: unknown - not shared"},
		{name: "online", do: presence(InPresence{From: alice + "/phone"}), text: "WHO alice@example.org",
			reply: "=alice@example.org: online"},
		{name: "away with status", do: presence(InPresence{From: alice + "/phone", Show: "away", Status: "in a\nmeeting"}),
			text: "WHO alice@example.org", reply: "=alice@example.org: away (in a meeting)"},
		{name: "busy", do: presence(InPresence{From: alice + "/phone", Show: "dnd"}), text: "WHO alice@example.org",
			reply: "=alice@example.org: busy"},
		{name: "offline", do: presence(InPresence{From: alice + "/phone", Type: "unavailable"}), text: "WHO alice@example.org",
			reply: "=alice@example.org: offline"},
		{name: "add again", text: "ADD alice@example.org", reply: "=alice@example.org is in your list."},
		{name: "add sms user", text: "ADD @bob", reply: "=Added " + b + " (bob)."},
		{name: "add sms user again", text: "ADD " + b, reply: "=" + b + " (bob) is in your list."},
		{name: "who sms user", text: "WHO @bob", reply: "=" + b + " (bob): online via SMS"},
		{name: "list", text: "LIST", reply: "=Your list:\nalice@example.org: offline\n" + b + " (bob): online via SMS"},
		{name: "sms user opts out", do: func() { h.mo(phoneB, "STOP"); h.s.take() }, text: "WHO " + b, reply: "=" + b + " (bob): offline"},
		{name: "sms user blocks the asker", do: func() { h.mo(phoneB, "START"); h.mo(phoneB, "BLOCK @anna"); h.s.take() },
			text: "WHO @bob", reply: "=" + b + " (bob): unknown - not shared"},
		{name: "refused", do: presence(InPresence{From: alice, Type: "unsubscribed"}), text: "WHO alice@example.org",
			reply: "=alice@example.org: unknown - not shared"},
		{name: "del jid", text: "DEL alice@example.org", reply: "=Removed alice@example.org.",
			after: func() bool {
				_, err := h.st.GetBuddy(ctx, string(a), alice)
				return err != nil
			}},
		{name: "del again", text: "DEL alice@example.org", reply: "=" + txtNotListed},
		{name: "re-add and del sends unsubscribe", do: func() { h.mo(phoneA, "ADD alice@example.org"); h.s.take(); h.x.take() },
			text: "DEL alice@example.org", reply: "=Removed alice@example.org.",
			xmpp: []string{"presence " + OutPresence{From: a, To: alice, Type: "unsubscribe"}.fmt()}},
		{name: "presence after del is ignored", do: presence(InPresence{From: alice}), text: "WHO alice@example.org",
			reply: "=alice@example.org: unknown - not shared"},
		{name: "del sms user", text: "DEL @bob", reply: "=Removed " + b + " (bob)."},
		{name: "del unknown imid does not echo", text: "DEL 12345678", reply: "=" + txtNotListed},
		{name: "add unknown imid does not echo", text: "ADD 12345678", reply: "=" + txtNoSuchUser},
		{name: "add self", text: "ADD @anna", reply: "=" + txtSelf},
		{name: "who unknown nick", text: "WHO @nobody", reply: "=" + txtNoSuchUser},
		{name: "block jid", text: "BLOCK spam@example.org", reply: "=Blocked spam@example.org. Text UNBLOCK spam@example.org to undo.",
			after: func() bool {
				return kindOf(h.c.FromXMPP(ctx, XMPPMessage{From: "spam@example.org/x", To: a, Body: "hi"})) == KindForbidden
			}},
		{name: "block again", text: "BLOCK spam@example.org", reply: "Blocked spam@example.org."},
		{name: "block self", text: "BLOCK " + string(a), reply: "=" + txtSelf},
		{name: "block unknown", text: "BLOCK 12345678", reply: "=" + txtNoSuchUser},
		{name: "unblock jid", text: "UNBLOCK spam@example.org", reply: "=Unblocked spam@example.org.",
			after: func() bool {
				err := h.c.FromXMPP(ctx, XMPPMessage{From: "spam@example.org/x", To: a, Body: "hi"})
				h.s.take()
				return err == nil
			}},
		{name: "unblock again", text: "UNBLOCK spam@example.org", reply: "=" + txtNotBlocked},
		{name: "unblock unknown", text: "UNBLOCK 12345678", reply: "=" + txtNotBlocked},
	} {
		if tc.do != nil {
			tc.do()
		}
		h.x.take()
		h.mo(phoneA, tc.text)
		got := h.replies(phoneA)
		exact, isExact := strings.CutPrefix(tc.reply, "=")
		if len(got) != 1 || isExact && got[0] != exact || !isExact && !strings.Contains(got[0], tc.reply) {
			t.Errorf("%d %s: replies %q, want %q", i, tc.name, got, tc.reply)
		}
		calls := h.x.take()
		if len(calls) != len(tc.xmpp) {
			t.Errorf("%d %s: XMPP %v, want %q", i, tc.name, calls, tc.xmpp)
		} else {
			for j := range calls {
				if calls[j].String() != tc.xmpp[j] {
					t.Errorf("%d %s: XMPP %d = %s, want %s", i, tc.name, j, calls[j], tc.xmpp[j])
				}
			}
		}
		if tc.after != nil && !tc.after() {
			t.Errorf("%d %s: after-check failed", i, tc.name)
		}
	}
}

func TestBuddyBounds(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, func(c *Config) { c.SMSPerMinute, c.SMSPerDay = 0, 0 })
	a := h.register(phoneA, "")
	for n := range maxBuddies {
		peer := fmt.Sprintf("user%03d@example.org", n)
		if _, err := h.st.UpdateBuddy(ctx, a, peer, h.clk.now(), func(bd *store.Buddy, _ bool) bool {
			bd.Listed, bd.To = true, store.SubSubscribed
			bd.Presence = store.PresenceAvailable
			return true
		}); err != nil {
			t.Fatal(err)
		}
	}
	for i, tc := range []struct {
		text  string
		check func(reply string) bool
	}{
		{"ADD more@example.org", func(r string) bool { return r == txtListFull }},
		{"ADD user001@example.org", func(r string) bool { return r == "user001@example.org is in your list." }},
		{"LIST", func(r string) bool {
			// Three segments at most, ending with the count of those left out.
			return gsmSegments(r) <= 3 && strings.HasPrefix(r, listHeader+"\nuser000@example.org: online\n") &&
				strings.Contains(r, " more") && gsmSegments(r) > 2
		}},
	} {
		h.mo(phoneA, tc.text)
		got := h.replies(phoneA)
		if len(got) != 1 || !tc.check(got[0]) {
			t.Errorf("%d %q: replies %q", i, tc.text, got)
		}
	}
	if calls := h.x.take(); len(calls) != 0 {
		t.Errorf("XMPP %v", calls)
	}
	// LIST accounts for everyone: the shown lines plus "+N more".
	h.mo(phoneA, "LIST")
	r := h.replies(phoneA)[0]
	lines := strings.Split(r, "\n")
	var more int
	fmt.Sscanf(lines[len(lines)-1], "+%d more", &more)
	if shown := len(lines) - 2; shown+more != maxBuddies {
		t.Errorf("LIST shows %d and says %d more, want %d in all", shown, more, maxBuddies)
	}
}

func TestWhoShortensLongStatus(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	a := ident.IMID(h.register(phoneA, ""))
	h.mo(phoneA, "ADD alice@example.org")
	for i, status := range []string{
		strings.Repeat("busy busy ", 30),
		strings.Repeat("😀", 80), // UCS-2: 70 units per segment
	} {
		if err := h.c.Presence(ctx, InPresence{From: "alice@example.org", To: a, Show: "away", Status: status}); err != nil {
			t.Fatal(err)
		}
		h.s.take()
		h.mo(phoneA, "WHO alice@example.org")
		got := h.replies(phoneA)
		if len(got) != 1 || gsmSegments(got[0]) != 1 || !strings.HasPrefix(got[0], "alice@example.org: away (") ||
			!strings.HasSuffix(got[0], "...)") {
			t.Errorf("%d: WHO = %q (%d segments)", i, got, gsmSegments(strings.Join(got, "")))
		}
	}
}
