package relay

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/mpimis/mpimis/ident"
)

// phoneDigits returns the forms of a phone number that must never leak:
// the E.164 digits and the national part (with and without trunk 0).
func phoneDigits(p ident.Phone) []string {
	d := strings.TrimPrefix(p.E164(), "+")
	national := d[2:] // the test phones are all +49
	return []string{d, national, "0" + national}
}

// TestPrivacy runs several phones through every path and checks that no
// XMPP call, no error shown to XMPP, no SMS and no log record carries any
// of their numbers.
func TestPrivacy(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, func(c *Config) { c.SMSPerMinute = 2; c.SMSPerDay = 0; c.MaxSegments = 1 })
	phones := []ident.Phone{phoneA, phoneB, phoneC, phoneD}
	var (
		xmppOut []string // everything handed to the XMPP side, as text
		smsOut  []string
	)
	collect := func() {
		for _, x := range h.x.take() {
			xmppOut = append(xmppOut, x.String())
		}
		for _, s := range h.s.take() {
			smsOut = append(smsOut, s.Body, fmt.Sprintf("%+v", s.Meta))
		}
	}
	xerr := func(err error) {
		if err != nil {
			xmppOut = append(xmppOut, err.Error())
			if e, ok := err.(*Error); ok {
				xmppOut = append(xmppOut, e.Text)
			}
		}
	}
	imid := func(p ident.Phone) ident.IMID { return ident.IMID(h.binding(p).IMID) }

	h.mo(phoneA, "REG alice")
	h.mo(phoneB, "hello, who is there?") // auto-registration
	h.mo(phoneC, "NICK carol")           // auto-registration by a command
	h.mo(phoneD, "HELP")                 // stays unbound
	h.mo(phoneB, "NICK bob")
	a, b, c := imid(phoneA), imid(phoneB), imid(phoneC)
	collect()

	script := []func(){
		func() { h.mo(phoneA, "alice@example.org hi from SMS") },
		func() {
			xerr(h.c.FromXMPP(ctx, XMPPMessage{From: "alice@example.org/x", To: a, ID: "1", Body: "hi back", WantReceipt: true}))
		},
		func() { h.mo(phoneA, "sticky answer") },
		func() { h.mo(phoneB, "@alice hello alice") },
		func() { h.mo(phoneA, "@bob hello bob") },
		func() { h.mo(phoneA, "+4915223456789 the number of bob") },
		func() { h.mo(phoneA, "WHO 4915223456789") },
		func() { h.mo(phoneA, "WHO 15223456789") },
		func() { h.mo(phoneA, "15223456789 hi") },
		func() { h.mo(phoneA, "ADD 015223456789") },
		func() { h.mo(phoneC, "ADD alice@example.org") },
		func() { h.mo(phoneC, "ADD @bob") },
		func() { xerr(h.c.Presence(ctx, InPresence{From: "alice@example.org", To: c, Type: "subscribed"})) },
		func() {
			xerr(h.c.Presence(ctx, InPresence{From: "alice@example.org", To: c, Show: "away", Status: "lunch"}))
		},
		func() { h.mo(phoneC, "LIST") },
		func() { h.mo(phoneC, "WHO alice@example.org") },
		func() { h.mo(phoneC, "DEL alice@example.org") },
		func() { xerr(h.c.Presence(ctx, InPresence{From: "dave@example.org", To: b, Type: "subscribe"})) },
		func() { xerr(h.c.Presence(ctx, InPresence{From: "dave@example.org", To: b, Type: "probe"})) },
		func() { h.mo(phoneB, "BLOCK @carol") },
		func() { h.mo(phoneC, "@bob are you there") },
		func() { h.mo(phoneB, "STOP") },
		func() { xerr(h.c.FromXMPP(ctx, XMPPMessage{From: "dave@example.org", To: b, Body: "hello"})) },
		func() { h.mo(phoneB, "START") },
		func() { xerr(h.c.FromXMPP(ctx, XMPPMessage{From: "eve@evil.example", To: b, Body: "spam"})) },
		func() {
			xerr(h.c.FromXMPP(ctx, XMPPMessage{From: "dave@example.org", To: b, Body: strings.Repeat("long ", 50)}))
		},
		func() { xerr(h.c.FromXMPP(ctx, XMPPMessage{From: "dave@example.org", To: "15223456789", Body: "hi"})) },
		func() {
			for range 3 {
				xerr(h.c.FromXMPP(ctx, XMPPMessage{From: "dave@example.org", To: b, Body: "flood"}))
			}
		},
		func() { h.clk.advance(time.Minute) },
		func() {
			for range 3 {
				h.mo(phoneA, "@bob flood")
			}
		},
		func() {
			xerr(h.c.Report(ctx, DeliveryReport{Meta: SMSMeta{Source: "alice@example.org", ReplyTo: "alice@example.org/x",
				OriginID: "1", WantReceipt: true, FromIMID: a}, Delivered: true}))
		},
		func() {
			xerr(h.c.Report(ctx, DeliveryReport{Meta: SMSMeta{Source: "alice@example.org", ReplyTo: "alice@example.org/x",
				OriginID: "2", FromIMID: a}, Reason: "dest 4915112345678 unknown"}))
		},
		func() {
			_, err := h.c.Resolve(ctx, "+4915112345678")
			xerr(err)
			_, err = h.c.Resolve(ctx, "15112345678")
			xerr(err)
			_, err = h.c.FindBinding(ctx, "4915112345678")
			xerr(err)
			info, err := h.c.FindBinding(ctx, "@alice")
			xerr(err)
			xmppOut = append(xmppOut, fmt.Sprintf("%+v", info))
			p, err := h.c.Profile(ctx, a)
			xerr(err)
			xmppOut = append(xmppOut, fmt.Sprintf("%+v", p))
			counters, err := h.c.Counters(ctx)
			xerr(err)
			xmppOut = append(xmppOut, fmt.Sprintf("%v", counters))
		},
		func() { xerr(h.c.Suspend(ctx, c)); h.mo(phoneC, "hello?"); xerr(h.c.Resume(ctx, c)) },
		func() { xerr(h.c.Unbind(ctx, c)) },
		func() { h.mo(phoneA, "UNREG") },
		func() { h.mo(phoneA, "REG") },
		func() { h.mo(phoneD, "STOP") },
	}
	for _, step := range script {
		step()
		collect()
	}
	if len(xmppOut) < 20 || len(smsOut) < 20 {
		t.Fatalf("scenario too small: %d XMPP outputs, %d SMS", len(xmppOut), len(smsOut))
	}
	logs := h.logs.lines(slog.LevelDebug) // stricter than info: no level may carry a number
	if len(logs) == 0 {
		t.Fatal("no log records: the capture is not wired")
	}
	for _, p := range phones {
		for _, d := range phoneDigits(p) {
			for i, s := range xmppOut {
				if strings.Contains(s, d) {
					t.Errorf("XMPP output %d carries a phone number: %s", i, s)
				}
			}
			for i, s := range smsOut {
				if strings.Contains(s, d) {
					t.Errorf("SMS %d carries a phone number: %q", i, s)
				}
			}
			for i, s := range logs {
				if strings.Contains(s, d) {
					t.Errorf("log record %d carries a phone number: %s", i, s)
				}
			}
		}
	}
	_ = b
}
