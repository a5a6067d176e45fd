package relay

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mpimis/mpimis/ident"
)

func TestSMSToXMPP(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	a := h.register(phoneA, "anna")
	m := SMSMessage{ID: 4242, From: phoneA, Text: "Alice@Example.ORG  see you at 5 "}
	for i := range 2 { // the second is a crash redelivery of the same MO
		if err := h.c.FromSMS(ctx, m); err != nil {
			t.Fatalf("%d: FromSMS: %v", i, err)
		}
		calls := h.x.take()
		want := OutMessage{From: ident.IMID(a), Nick: "anna", To: "alice@example.org", ID: "mo-4242", Body: "see you at 5"}
		if len(calls) != 1 || calls[0].Kind != "message" || calls[0].Msg != want {
			t.Errorf("%d: XMPP calls %v, want %+v", i, calls, want)
		}
		if got := h.replies(phoneA); len(got) != 0 {
			t.Errorf("%d: SMS replies %q, want none", i, got)
		}
	}
	// XMPP link down: the MO is retried later with the same id.
	h.x.setFail(errors.New("link down"))
	m.ID = 4243
	if err := h.c.FromSMS(ctx, m); err == nil {
		t.Fatal("FromSMS with the XMPP link down returned nil; the MO would be lost")
	}
	h.x.setFail(nil)
	if err := h.c.FromSMS(ctx, m); err != nil {
		t.Fatal(err)
	}
	if calls := h.x.take(); len(calls) != 1 || calls[0].Msg.ID != "mo-4243" {
		t.Errorf("retry: %v", calls)
	}
}

func TestSMSToSMS(t *testing.T) {
	h := newHarness(t, nil)
	a := h.register(phoneA, "alice")
	b := h.register(phoneB, "")
	for i, tc := range []struct {
		from     ident.Phone
		text     string
		to       ident.Phone // zero: no relay
		body     string
		reply    string // reply to the sender, "" none
		noEcho   string // must not appear in the reply
		setup    func()
		teardown func()
	}{
		{from: phoneB, text: "@alice hi", to: phoneA, body: b + ": hi"},
		{from: phoneB, text: "NICK bob", reply: "Your nick is now @bob."},
		{from: phoneB, text: a + " yo", to: phoneA, body: b + " (bob): yo"},
		{from: phoneB, text: a + "@sms.example.org via jid", to: phoneA, body: b + " (bob): via jid"},
		{from: phoneA, text: "@BOB back", to: phoneB, body: a + " (alice): back"},
		{from: phoneA, text: "12345678 anyone?", reply: txtNoSuchUser, noEcho: "12345678"},
		{from: phoneA, text: "15112345678 is that you", reply: txtNoSuchUser, noEcho: "15112345678"},
		{from: phoneA, text: "@nobody hi", reply: txtNoSuchUser},
		{from: phoneA, text: a + " me", reply: txtSelf},
		{from: phoneA, text: "BLOCK @bob", reply: "Blocked " + b + ". Text UNBLOCK " + b + " to undo."},
		{from: phoneB, text: "@alice please", reply: txtRefused},
		{from: phoneA, text: "UNBLOCK " + b, reply: "Unblocked " + b + " (bob)."},
		{from: phoneB, text: "@alice thanks", to: phoneA, body: b + " (bob): thanks"},
		{from: phoneA, text: "STOP", reply: txtStopped},
		{from: phoneB, text: "@alice there?", reply: txtUnavailable},
		{from: phoneA, text: "START", reply: txtStarted},
		{from: phoneB, text: "@alice back?", reply: txtUnavailable,
			setup:    func() { h.c.Suspend(context.Background(), ident.IMID(a)) },
			teardown: func() { h.c.Resume(context.Background(), ident.IMID(a)) }},
		{from: phoneB, text: "@alice " + strings.Repeat("x", 3*153), reply: txtTooLong(3)},
		{from: phoneB, text: "@alice " + strings.Repeat("x", 3*153-len(b+" (bob): ")), to: phoneA,
			body: b + " (bob): " + strings.Repeat("x", 3*153-len(b+" (bob): "))},
	} {
		if tc.setup != nil {
			tc.setup()
		}
		h.x.take()
		h.mo(tc.from, tc.text)
		all := h.s.take()
		var replies []string
		var relayed []sent
		for _, s := range all {
			if s.To == tc.from {
				replies = append(replies, s.Body)
			} else {
				relayed = append(relayed, s)
			}
		}
		switch {
		case tc.to.IsZero() && len(relayed) != 0:
			t.Errorf("%d %q: relayed %+v, want nothing", i, tc.text, relayed)
		case !tc.to.IsZero() && (len(relayed) != 1 || relayed[0].To != tc.to || relayed[0].Body != tc.body):
			t.Errorf("%d %q: relayed %+v, want %q to %v", i, tc.text, relayed, tc.body, tc.to)
		case !tc.to.IsZero() && (relayed[0].Meta.ReplyTo != "" || relayed[0].Meta.WantReceipt):
			t.Errorf("%d %q: SMS -> SMS asks for receipts: %+v", i, tc.text, relayed[0].Meta)
		}
		if tc.reply == "" && len(replies) != 0 || tc.reply != "" && (len(replies) != 1 || replies[0] != tc.reply) {
			t.Errorf("%d %q: replies %q, want %q", i, tc.text, replies, tc.reply)
		}
		if tc.noEcho != "" && len(replies) > 0 && strings.Contains(replies[0], tc.noEcho) {
			t.Errorf("%d %q: reply echoes the destination: %q", i, tc.text, replies[0])
		}
		if calls := h.x.take(); len(calls) != 0 {
			t.Errorf("%d %q: XMPP calls %v", i, tc.text, calls)
		}
		if tc.teardown != nil {
			tc.teardown()
		}
	}
}

func TestSticky(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	a := h.register(phoneA, "")
	b := h.register(phoneB, "")
	for i, tc := range []struct {
		name    string
		do      func()
		text    string // from phoneA
		wantX   string // XMPP recipient of the sticky text
		wantSMS ident.Phone
		reply   string
	}{
		{"no correspondent yet", nil, "hi", "", ident.Phone{}, txtWhom},
		{"reply to an XMPP sender", func() {
			if err := h.c.FromXMPP(ctx, XMPPMessage{From: "alice@example.org/web", To: ident.IMID(a), Body: "lunch?"}); err != nil {
				t.Fatal(err)
			}
			h.s.take()
		}, "yes, 12:30", "alice@example.org", ident.Phone{}, ""},
		{"own message refreshes the window", func() { h.clk.advance(50 * time.Minute) }, "still on?", "alice@example.org", ident.Phone{}, ""},
		{"within the window", func() { h.clk.advance(59 * time.Minute) }, "ok", "alice@example.org", ident.Phone{}, ""},
		{"after the window", func() { h.clk.advance(61 * time.Minute) }, "hello?", "", ident.Phone{}, txtWhom},
		{"reply to an SMS user", func() { h.mo(phoneB, a+" ping"); h.s.take() }, "pong", "", phoneB, ""},
		{"addressed message moves it", func() {}, "carol@example.com hey", "carol@example.com", ident.Phone{}, ""},
		{"to the new correspondent", func() {}, "again", "carol@example.com", ident.Phone{}, ""},
	} {
		if tc.do != nil {
			tc.do()
		}
		h.x.take()
		h.mo(phoneA, tc.text)
		calls := h.x.take()
		sms := h.s.take()
		var replies []string
		var relayed []sent
		for _, s := range sms {
			if s.To == phoneA {
				replies = append(replies, s.Body)
			} else {
				relayed = append(relayed, s)
			}
		}
		if tc.wantX != "" && (len(calls) != 1 || calls[0].Msg.To != tc.wantX) || tc.wantX == "" && len(calls) != 0 {
			t.Errorf("%d %s: XMPP %v, want to %q", i, tc.name, calls, tc.wantX)
		}
		if !tc.wantSMS.IsZero() && (len(relayed) != 1 || relayed[0].To != tc.wantSMS || !strings.HasPrefix(relayed[0].Body, a+": ")) ||
			tc.wantSMS.IsZero() && len(relayed) != 0 {
			t.Errorf("%d %s: relayed SMS %+v, want to %v", i, tc.name, relayed, tc.wantSMS)
		}
		if tc.reply == "" && len(replies) != 0 || tc.reply != "" && (len(replies) != 1 || replies[0] != tc.reply) {
			t.Errorf("%d %s: replies %q, want %q", i, tc.name, replies, tc.reply)
		}
	}
	_ = b

	// A zero window disables sticky replies.
	h2 := newHarness(t, func(c *Config) { c.StickyWindow = 0 })
	a2 := h2.register(phoneA, "")
	if err := h2.c.FromXMPP(ctx, XMPPMessage{From: "alice@example.org", To: ident.IMID(a2), Body: "hi"}); err != nil {
		t.Fatal(err)
	}
	h2.s.take()
	h2.mo(phoneA, "hello")
	if got := h2.replies(phoneA); len(got) != 1 || got[0] != txtWhom {
		t.Errorf("window 0: replies %q, want %q", got, txtWhom)
	}
	if calls := h2.x.take(); len(calls) != 0 {
		t.Errorf("window 0: XMPP %v", calls)
	}
}
