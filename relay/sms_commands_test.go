package relay

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/store"
)

// step is one SMS of a scenario and what must come back to its sender:
// want holds one substring per expected reply, in order ("=" prefix: the
// whole reply).
type step struct {
	from  ident.Phone
	text  string
	want  []string
	check func(t *testing.T, h *harness)
}

// runSteps plays steps, naming the failing step.
func runSteps(t *testing.T, h *harness, steps []step) {
	t.Helper()
	for i, st := range steps {
		h.mo(st.from, st.text)
		got := h.replies(st.from)
		if len(got) != len(st.want) {
			t.Errorf("step %d %q: replies %q, want %d matching %q", i, st.text, got, len(st.want), st.want)
		} else {
			for j, w := range st.want {
				if exact, ok := strings.CutPrefix(w, "="); ok && got[j] != exact || !ok && !strings.Contains(got[j], w) {
					t.Errorf("step %d %q: reply %d = %q, want %q", i, st.text, j, got[j], w)
				}
			}
		}
		if st.check != nil {
			st.check(t, h)
		}
	}
}

func bound(p ident.Phone, state store.BindingState, nick string) func(*testing.T, *harness) {
	return func(t *testing.T, h *harness) {
		t.Helper()
		b := h.binding(p)
		if b == nil || b.State != state || b.Nick != nick {
			t.Errorf("binding %v, want state %s nick %q", b, state, nick)
		}
	}
}

func unbound(p ident.Phone) func(*testing.T, *harness) {
	return func(t *testing.T, h *harness) {
		t.Helper()
		if b := h.binding(p); b != nil {
			t.Errorf("phone bound as %v, want unbound", b)
		}
	}
}

func TestCommands(t *testing.T) {
	const jidTail = "@sms.example.org. Text HELP for commands."
	var savedIMID string
	remember := func(t *testing.T, h *harness) { savedIMID = h.binding(phoneA).IMID }
	for _, tc := range []struct {
		name  string
		cfg   func(*Config)
		steps []step
	}{
		{"help", nil, []step{
			{phoneA, "HELP", []string{"=" + txtHelp}, unbound(phoneA)},
			{phoneA, "?", []string{"=" + txtHelp}, unbound(phoneA)},
			{phoneA, "  \t ", []string{"=" + txtHelp}, unbound(phoneA)},
		}},
		{"reg", nil, []step{
			{phoneA, "REG", []string{jidTail}, bound(phoneA, store.StateActive, "")},
		}},
		{"reg twice changes nothing", nil, []step{
			{phoneA, "register", []string{"You are "}, remember},
			{phoneA, "BIND carol", []string{"You are already "}, func(t *testing.T, h *harness) {
				b := h.binding(phoneA)
				if b.IMID != savedIMID || b.Nick != "" {
					t.Errorf("second REG changed the binding: %v (was %s)", b, savedIMID)
				}
				if got := h.replies(phoneA); len(got) != 0 {
					t.Errorf("extra replies %q", got)
				}
			}},
		}},
		{"reg names the jid", nil, []step{
			{phoneA, "REG alice", []string{jidTail}, func(t *testing.T, h *harness) {
				bound(phoneA, store.StateActive, "alice")(t, h)
				h.mo(phoneA, "REG")
				want := "You are already " + h.binding(phoneA).IMID + "@sms.example.org."
				if got := h.replies(phoneA); len(got) != 1 || !strings.HasPrefix(got[0], want) {
					t.Errorf("REG again: %q, want prefix %q", got, want)
				}
			}},
		}},
		{"reg nick taken", nil, []step{
			{phoneB, "REG alice", []string{"You are "}, nil},
			{phoneA, "REG Alice", []string{"That nick is taken"}, bound(phoneA, store.StateActive, "")},
		}},
		{"reg bad nick", nil, []step{
			{phoneA, "REG 9lives", []string{"=" + txtNickRules}, unbound(phoneA)},
		}},
		{"nick", nil, []step{
			{phoneA, "REG", []string{"You are "}, nil},
			{phoneA, "NICK Bob", []string{"=Your nick is now @bob."}, bound(phoneA, store.StateActive, "bob")},
			{phoneA, "nick @bob", []string{"=Your nick is now @bob."}, bound(phoneA, store.StateActive, "bob")},
			{phoneA, "NICK carol", []string{"=Your nick is now @carol."}, bound(phoneA, store.StateActive, "carol")},
		}},
		{"nick conflict", nil, []step{
			{phoneA, "REG alice", []string{"You are "}, nil},
			{phoneB, "REG", []string{"You are "}, nil},
			{phoneB, "NICK alice", []string{"=" + txtNickTaken}, bound(phoneB, store.StateActive, "")},
		}},
		{"nick usage", nil, []step{
			{phoneA, "REG", []string{"You are "}, nil},
			{phoneA, "NICK", []string{"=Usage: NICK <name>"}, nil},
			{phoneA, "NICK x", []string{"=" + txtNickRules}, bound(phoneA, store.StateActive, "")},
		}},
		{"nick auto-registers", nil, []step{
			{phoneA, "NICK dora", []string{"Welcome! You are ", "=Your nick is now @dora."}, bound(phoneA, store.StateActive, "dora")},
		}},
		{"unreg forgets and a new reg gets a new imid", nil, []step{
			{phoneA, "REG bob", []string{"You are "}, remember},
			{phoneA, "UNREG", []string{"=" + txtUnregistered}, func(t *testing.T, h *harness) {
				unbound(phoneA)(t, h)
				if ok, err := h.st.IMIDExists(context.Background(), savedIMID); err != nil || !ok {
					t.Errorf("retired imid not reserved: %t, %v", ok, err)
				}
				if _, err := h.st.GetBindingByIMID(context.Background(), savedIMID); err == nil {
					t.Error("retired imid still resolves")
				}
			}},
			{phoneA, "REG bob", []string{"You are "}, func(t *testing.T, h *harness) {
				b := h.binding(phoneA)
				if b == nil || b.IMID == savedIMID || b.Nick != "bob" {
					t.Errorf("new binding %v reuses imid %s or lost the freed nick", b, savedIMID)
				}
			}},
		}},
		{"unreg unbound", nil, []step{
			{phoneA, "UNBIND", []string{"=" + txtNotRegistered}, unbound(phoneA)},
		}},
		{"stop and start", nil, []step{
			{phoneA, "REG", []string{"You are "}, nil},
			{phoneA, "STOP", []string{"=" + txtStopped}, bound(phoneA, store.StateOptOut, "")},
			{phoneA, "hello?", nil, bound(phoneA, store.StateOptOut, "")},
			{phoneA, "REG", nil, bound(phoneA, store.StateOptOut, "")},
			{phoneA, "stop", nil, bound(phoneA, store.StateOptOut, "")},
			{phoneA, "HELP", []string{"=" + txtHelp}, nil},
			{phoneA, "UNSTOP", []string{"=" + txtStarted}, bound(phoneA, store.StateActive, "")},
			{phoneA, "START", []string{"=" + txtStarted}, nil},
			{phoneA, "START", nil, bound(phoneA, store.StateActive, "")}, // no second answer within the hour
		}},
		{"every opt-out word", nil, []step{
			{phoneA, "REG", []string{"You are "}, nil},
			{phoneA, "QUIT", []string{"=" + txtStopped}, bound(phoneA, store.StateOptOut, "")},
			{phoneA, "START", []string{"=" + txtStarted}, nil},
			{phoneA, "cancel", []string{"=" + txtStopped}, bound(phoneA, store.StateOptOut, "")},
			{phoneA, "START", []string{"=" + txtStarted}, nil},
			{phoneA, "OptOut", []string{"=" + txtStopped}, bound(phoneA, store.StateOptOut, "")},
		}},
		{"opted out user may unreg silently", nil, []step{
			{phoneA, "REG", []string{"You are "}, nil},
			{phoneA, "STOP", []string{"=" + txtStopped}, nil},
			{phoneA, "UNREG", nil, unbound(phoneA)},
		}},
		{"stop unbound", nil, []step{
			{phoneA, "STOP", []string{"=" + txtStopped}, unbound(phoneA)},
			{phoneA, "STOP", nil, unbound(phoneA)},
			{phoneA, "START", []string{"=" + txtNotRegistered}, unbound(phoneA)},
		}},
		{"auto-registration tells the jid once", nil, []step{
			{phoneA, "hello there", []string{"Welcome! You are "}, bound(phoneA, store.StateActive, "")},
			{phoneA, "hello again", []string{"=" + txtWhom}, nil},
		}},
		{"auto-registration off", func(c *Config) { c.AutoRegister = false }, []step{
			{phoneA, "hello", []string{"=" + txtNotRegistered}, unbound(phoneA)},
			{phoneA, "WHO @bob", []string{"=" + txtNotRegistered}, unbound(phoneA)},
			{phoneA, "REG", []string{"You are "}, bound(phoneA, store.StateActive, "")},
		}},
		{"usage errors", nil, []step{
			{phoneA, "REG", []string{"You are "}, nil},
			{phoneA, "WHO", []string{"=Usage: WHO <id|@nick|jid>"}, nil},
			{phoneA, "ADD", []string{"=Usage: ADD <id|@nick|jid>"}, nil},
			{phoneA, "DEL", []string{"=Usage: DEL <id|@nick|jid>"}, nil},
			{phoneA, "BLOCK", []string{"=Usage: BLOCK <id|@nick|jid>"}, nil},
			{phoneA, "UNBLOCK", []string{"=Usage: UNBLOCK <id|@nick|jid>"}, nil},
			{phoneA, "WHO +4915223456789", []string{"=" + txtPhoneDest}, nil},
			{phoneA, "ADD a@b@c", []string{"=" + txtBadDest}, nil},
			{phoneA, "+4915223456789 hi", []string{"=" + txtPhoneDest}, nil},
			{phoneA, "004915223456789 hi", []string{"=" + txtPhoneDest}, nil},
			{phoneA, "@x hi", []string{"=" + txtBadDest}, nil},
			{phoneA, "@bob", []string{"=" + txtNoMessage}, nil},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runSteps(t, newHarness(t, tc.cfg), tc.steps)
		})
	}
}

// The binding is opted out before the confirmation is queued, so that
// nothing relayed after the phone got the confirmation reaches it; XMPP
// senders are refused with KindUnavailable.
func TestStopOptsOutBeforeConfirming(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	imid := h.register(phoneA, "")
	var stateAtSend store.BindingState
	spy := &spySMS{fakeSMS: h.s, onSend: func() { stateAtSend = h.binding(phoneA).State }}
	h.c.sms = spy
	h.mo(phoneA, "STOP")
	if stateAtSend != store.StateOptOut {
		t.Errorf("state when the confirmation was queued: %s, want optout", stateAtSend)
	}
	if got := h.replies(phoneA); len(got) != 1 || got[0] != txtStopped {
		t.Fatalf("replies %q", got)
	}
	err := h.c.FromXMPP(ctx, XMPPMessage{From: "alice@example.org/x", To: ident.IMID(imid), Body: "hi", Type: "chat"})
	if kindOf(err) != KindUnavailable {
		t.Errorf("XMPP after STOP: %v, want KindUnavailable", err)
	}
	if got := h.s.take(); len(got) != 0 {
		t.Errorf("queued after STOP: %+v", got)
	}
}

// A STOP whose confirmation could not be queued comes back (same MO) and
// is confirmed then; a further STOP within the notice period is not.
func TestStopConfirmedOnRedelivery(t *testing.T) {
	h := newHarness(t, nil)
	h.register(phoneA, "")
	h.s.fail = errors.New("queue down")
	err := h.c.FromSMS(context.Background(), SMSMessage{ID: 99, From: phoneA, Text: "STOP", ReceivedAt: h.clk.now()})
	if err == nil {
		t.Fatal("STOP with the SMS queue down succeeded: the MO would not come back")
	}
	if st := h.binding(phoneA).State; st != store.StateOptOut {
		t.Fatalf("state after STOP: %s", st)
	}
	h.s.fail = nil
	if err := h.c.FromSMS(context.Background(), SMSMessage{ID: 99, From: phoneA, Text: "STOP", ReceivedAt: h.clk.now()}); err != nil {
		t.Fatal(err)
	}
	if got := h.replies(phoneA); len(got) != 1 || got[0] != txtStopped {
		t.Fatalf("replies to the redelivered STOP %q", got)
	}
	h.mo(phoneA, "STOP")
	if got := h.replies(phoneA); len(got) != 0 {
		t.Fatalf("second STOP answered %q", got)
	}
}

// spySMS runs onSend before each Send.
type spySMS struct {
	*fakeSMS
	onSend func()
}

func (s *spySMS) Send(ctx context.Context, to ident.Phone, body string, meta SMSMeta, with func(*store.Tx) error) error {
	s.onSend()
	return s.fakeSMS.Send(ctx, to, body, meta, with)
}
