package relay

import (
	"context"
	"testing"

	"github.com/mpimis/mpimis/ident"
)

func TestResolve(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	a := ident.IMID(h.register(phoneA, "alice"))
	gone := h.register(phoneB, "")
	h.mo(phoneB, "UNREG")
	for i, tc := range []struct {
		prompt string
		want   ident.IMID
		kind   ErrorKind
	}{
		{string(a), a, -1},
		{"alice", a, -1},
		{"@Alice", a, -1},
		{" alice ", a, -1},
		{string(a) + "@sms.example.org", a, -1},
		{string(a) + "@SMS.example.org/res", a, -1},
		{"12345678", "", KindNotFound},
		{gone, "", KindNotFound},
		{"nobody", "", KindNotFound},
		{"+4915112345678", "", KindBadRequest},
		{"004915112345678", "", KindBadRequest},
		{"015112345678", "", KindBadRequest},
		{"4915112345678912345", "", KindBadRequest},
		{"0151 1234 5678", "", KindBadRequest},
		{"(0151) 12345678", "", KindBadRequest},
		{"+49 151 12345678", "", KindBadRequest},
		{"@+4915112345678", "", KindBadRequest},
		{"alice@example.org", "", KindBadRequest},
		{"x@sms.example.org", "", KindBadRequest},
		{"a!", "", KindBadRequest},
		{"", "", KindBadRequest},
	} {
		got, err := h.c.Resolve(ctx, tc.prompt)
		if got != tc.want || tc.kind >= 0 && kindOf(err) != tc.kind || tc.kind < 0 && err != nil {
			t.Errorf("%d: Resolve(%q) = %q, %v; want %q, kind %v", i, tc.prompt, got, err, tc.want, tc.kind)
		}
	}
}

func TestAdmin(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	a := ident.IMID(h.register(phoneA, "alice"))
	b := ident.IMID(h.register(phoneB, ""))
	h.mo(phoneA, "ADD alice@example.org")
	h.mo(phoneA, "BLOCK spam@example.org")
	h.mo(phoneB, "STOP")
	h.s.take()

	for i, tc := range []struct {
		jid  string
		want bool
	}{
		{"admin@example.net", true},
		{"Admin@Example.NET/laptop", true},
		{"admin@example.org", false},
		{"", false},
	} {
		if got := h.c.IsAdmin(tc.jid); got != tc.want {
			t.Errorf("%d: IsAdmin(%q) = %t", i, tc.jid, got)
		}
	}

	for i, tc := range []struct {
		query string
		want  BindingInfo
		kind  ErrorKind
	}{
		{string(a), BindingInfo{IMID: a, Nick: "alice", State: "active", Buddies: 1, Blocks: 1}, -1},
		{"@alice", BindingInfo{IMID: a, Nick: "alice", State: "active", Buddies: 1, Blocks: 1}, -1},
		{string(b), BindingInfo{IMID: b, State: "optout"}, -1},
		{"+4915112345678", BindingInfo{}, KindBadRequest},
		{"12345678", BindingInfo{}, KindNotFound},
	} {
		got, err := h.c.FindBinding(ctx, tc.query)
		if tc.kind < 0 && got.CreatedAt.IsZero() {
			t.Errorf("%d: no creation time", i)
		}
		got.CreatedAt = tc.want.CreatedAt
		if got != tc.want || tc.kind >= 0 && kindOf(err) != tc.kind || tc.kind < 0 && err != nil {
			t.Errorf("%d: FindBinding(%q) = %+v, %v; want %+v, kind %v", i, tc.query, got, err, tc.want, tc.kind)
		}
	}

	// Suspension: nothing to or from the phone, state shows suspended.
	steps := []struct {
		name string
		do   func() error
		kind ErrorKind
	}{
		{"suspend", func() error { return h.c.Suspend(ctx, a) }, -1},
		{"suspend unknown", func() error { return h.c.Suspend(ctx, "12345678") }, KindNotFound},
		{"resume unknown", func() error { return h.c.Resume(ctx, "12345678") }, KindNotFound},
		{"unbind unknown", func() error { return h.c.Unbind(ctx, "12345678") }, KindNotFound},
	}
	for i, st := range steps {
		if err := st.do(); st.kind < 0 && err != nil || st.kind >= 0 && kindOf(err) != st.kind {
			t.Errorf("%d %s: %v, want kind %v", i, st.name, err, st.kind)
		}
	}
	if info, _ := h.c.FindBinding(ctx, string(a)); info.State != "suspended" {
		t.Errorf("state while suspended: %q", info.State)
	}
	h.x.take()
	h.mo(phoneA, "alice@example.org are you there")
	h.mo(phoneA, "HELP")
	if s, x := h.s.take(), h.x.take(); len(s) != 0 || len(x) != 0 {
		t.Errorf("suspended phone got SMS %+v / relayed %v", s, x)
	}
	if err := h.c.FromXMPP(ctx, XMPPMessage{From: "alice@example.org", To: a, Body: "hi"}); kindOf(err) != KindUnavailable {
		t.Errorf("XMPP to suspended: %v", err)
	}
	h.mo(phoneA, "STOP") // honoured silently
	if s := h.s.take(); len(s) != 0 || h.binding(phoneA).State != "optout" {
		t.Errorf("STOP while suspended: SMS %+v, state %s", s, h.binding(phoneA).State)
	}
	h.mo(phoneA, "START")
	if err := h.c.Resume(ctx, a); err != nil {
		t.Fatal(err)
	}
	h.mo(phoneA, "alice@example.org back")
	if x := h.x.take(); len(x) != 1 || x[0].Msg.Body != "back" {
		t.Errorf("after resume: %v", x)
	}

	// Unbind: like UNREG, without an SMS.
	if err := h.c.Unbind(ctx, a); err != nil {
		t.Fatal(err)
	}
	if s := h.s.take(); len(s) != 0 {
		t.Errorf("Unbind texted the phone: %+v", s)
	}
	if h.binding(phoneA) != nil {
		t.Error("still bound after Unbind")
	}
	if _, err := h.c.FindBinding(ctx, "alice"); kindOf(err) != KindNotFound {
		t.Errorf("nick after Unbind: %v", err)
	}

	c, err := h.c.Counters(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]int64{
		"bindings_active": 0, "bindings_optout": 1, "bindings_retired": 1, "bindings_suspended": 0,
		"registrations": 2, "unregistrations": 1, "optouts": 1, "relayed_sms_to_xmpp": 1,
		"refused_unavailable": 1,
	} {
		if c[name] != want {
			t.Errorf("counter %s = %d, want %d (all: %v)", name, c[name], want, c)
		}
	}
}
