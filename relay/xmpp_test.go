package relay

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/mpimis/mpimis/ident"
)

func TestFromXMPP(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, func(c *Config) { c.MaxSegments = 1 })
	a := ident.IMID(h.register(phoneA, "anna"))
	off := ident.IMID(h.register(phoneB, ""))
	h.mo(phoneB, "STOP")
	susp := ident.IMID(h.register(phoneC, ""))
	if err := h.c.Suspend(ctx, susp); err != nil {
		t.Fatal(err)
	}
	gone := ident.IMID(h.register(phoneD, ""))
	h.mo(phoneD, "UNREG")
	h.mo(phoneA, "BLOCK spam@example.org")
	h.s.take()

	const sender = "alice@example.org"
	room := 160 - len(sender+": ") // the body's share of one segment
	for i, tc := range []struct {
		name string
		m    XMPPMessage
		kind ErrorKind // -1: accepted
		body string    // the SMS, when accepted
	}{
		{"ok", XMPPMessage{From: "Alice@Example.org/phone", To: a, ID: "m1", OriginID: "o1", Type: "chat", Body: "hi there", WantReceipt: true},
			-1, "alice@example.org: hi there"},
		{"admin domain allowed", XMPPMessage{From: "admin@example.net/x", To: a, ID: "m2", Body: "maintenance"},
			-1, "admin@example.net: maintenance"},
		{"fits with the prefix", XMPPMessage{From: sender, To: a, Body: strings.Repeat("y", room)},
			-1, sender + ": " + strings.Repeat("y", room)},
		{"too long with the prefix", XMPPMessage{From: sender, To: a, Body: strings.Repeat("y", room+1)}, KindTooLong, ""},
		{"other domain", XMPPMessage{From: "mallory@evil.example/x", To: a, Body: "buy"}, KindForbidden, ""},
		{"subdomain is another domain", XMPPMessage{From: "bob@chat.example.org", To: a, Body: "hi"}, KindForbidden, ""},
		{"unknown imid", XMPPMessage{From: sender, To: "12345678", Body: "hi"}, KindNotFound, ""},
		{"retired imid", XMPPMessage{From: sender, To: gone, Body: "hi"}, KindNotFound, ""},
		{"opted out", XMPPMessage{From: sender, To: off, Body: "hi"}, KindUnavailable, ""},
		{"suspended", XMPPMessage{From: sender, To: susp, Body: "hi"}, KindUnavailable, ""},
		{"blocked", XMPPMessage{From: "spam@example.org/bot", To: a, Body: "hi"}, KindForbidden, ""},
		{"empty body", XMPPMessage{From: sender, To: a, Body: " \n"}, KindBadRequest, ""},
		{"bad sender", XMPPMessage{From: "@example.org", To: a, Body: "hi"}, KindBadRequest, ""},
	} {
		err := h.c.FromXMPP(ctx, tc.m)
		got := h.s.take()
		if tc.kind >= 0 {
			if kindOf(err) != tc.kind {
				t.Errorf("%d %s: %v, want kind %s", i, tc.name, err, tc.kind)
			}
			if len(got) != 0 {
				t.Errorf("%d %s: refused message queued: %+v", i, tc.name, got)
			}
			continue
		}
		if err != nil || len(got) != 1 {
			t.Errorf("%d %s: %v, queued %+v", i, tc.name, err, got)
			continue
		}
		if got[0].To != phoneA || got[0].Body != tc.body {
			t.Errorf("%d %s: SMS %q to %v, want %q", i, tc.name, got[0].Body, got[0].To, tc.body)
		}
		if i == 0 {
			want := SMSMeta{Source: "alice@example.org", ReplyTo: "Alice@Example.org/phone", OriginID: "m1", WantReceipt: true, FromIMID: a}
			if got[0].Meta != want {
				t.Errorf("%d %s: meta %+v, want %+v", i, tc.name, got[0].Meta, want)
			}
		}
	}
	if calls := h.x.take(); len(calls) != 0 {
		t.Errorf("XMPP calls: %v", calls)
	}
	c, err := h.c.Counters(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]int64{
		"relayed_xmpp_to_sms": 3, "refused_too_long": 1, "refused_forbidden": 3, "refused_not_found": 2,
		"refused_unavailable": 2, "refused_bad_request": 2,
	} {
		if c[name] != want {
			t.Errorf("counter %s = %d, want %d", name, c[name], want)
		}
	}
}

func TestOriginIDFallback(t *testing.T) {
	h := newHarness(t, nil)
	a := ident.IMID(h.register(phoneA, ""))
	if err := h.c.FromXMPP(context.Background(), XMPPMessage{From: "alice@example.org/x", To: a, OriginID: "orig-7", Body: "hi"}); err != nil {
		t.Fatal(err)
	}
	if got := h.s.take(); len(got) != 1 || got[0].Meta.OriginID != "orig-7" {
		t.Errorf("queued %+v, want OriginID orig-7", got)
	}
}

func TestAllowedDomains(t *testing.T) {
	for i, tc := range []struct {
		cfg  Config
		want []string
	}{
		{Config{GatewayDomain: "sms.example.org"}, []string{"example.org"}},
		{Config{GatewayDomain: "sms.example.org", Admins: []string{"root@Admin.example.net/x", "ops@example.org"}},
			[]string{"admin.example.net", "example.org"}},
		{Config{GatewayDomain: "localhost"}, []string{"localhost"}},
		{Config{GatewayDomain: "sms.localhost", Admins: []string{"admin@localhost"}}, []string{"localhost"}},
		{Config{GatewayDomain: "sms.example.org", AllowedDomains: []string{"Partner.example", " b.example "}, Admins: []string{"a@c.example"}},
			[]string{"b.example", "partner.example"}},
	} {
		cfg, err := tc.cfg.withDefaults()
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		got := slices.Sorted(maps.Keys(cfg.allowedDomains()))
		if !slices.Equal(got, tc.want) {
			t.Errorf("%d: allowed %v, want %v", i, got, tc.want)
		}
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	h := newHarness(t, nil)
	for i, tc := range []struct {
		name string
		cfg  Config
		deps Deps
	}{
		{"no domain", Config{}, Deps{Store: h.st, XMPP: h.x, SMS: h.s}},
		{"domain with @", Config{GatewayDomain: "a@b"}, Deps{Store: h.st, XMPP: h.x, SMS: h.s}},
		{"imid too short", Config{GatewayDomain: "sms.example.org", IMIDDigits: 5}, Deps{Store: h.st, XMPP: h.x, SMS: h.s}},
		{"negative window", Config{GatewayDomain: "sms.example.org", StickyWindow: -1}, Deps{Store: h.st, XMPP: h.x, SMS: h.s}},
		{"no store", Config{GatewayDomain: "sms.example.org"}, Deps{XMPP: h.x, SMS: h.s}},
		{"no xmpp", Config{GatewayDomain: "sms.example.org"}, Deps{Store: h.st, SMS: h.s}},
		{"no sms", Config{GatewayDomain: "sms.example.org"}, Deps{Store: h.st, XMPP: h.x}},
	} {
		if _, err := New(tc.cfg, tc.deps); err == nil || !strings.HasPrefix(err.Error(), "relay: bad configuration") {
			t.Errorf("%d %s: New = %v, want ErrConfig", i, tc.name, err)
		}
	}
}
