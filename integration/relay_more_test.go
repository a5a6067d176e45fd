package integration

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/conf"
)

const phoneDave = "+4915112345003"

// mark returns how many messages the simulator holds: later expectations
// look only at what comes after it.
func mark(m *mpimis) int { return len(m.sim.Messages()) }

// nextSMS waits for a complete SMS to phone, after index from, whose text
// satisfies match.
func nextSMS(t *testing.T, m *mpimis, phone string, from int, match func(string) bool) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	dest := strings.TrimPrefix(phone, "+")
	for n := from + 1; ; n++ {
		msgs, err := m.sim.WaitMessages(ctx, n)
		if err != nil {
			var texts []string
			for _, x := range m.sim.Messages()[from:] {
				texts = append(texts, x.Dest+": "+x.Text)
			}
			t.Fatalf("no matching SMS to %s after #%d; since then the SMSC got %q", phone, from, texts)
		}
		if x := msgs[n-1]; x.Dest == dest && x.Complete && match(x.Text) {
			return x.Text
		}
	}
}

// smsCountTo counts the SMS to phone after index from.
func smsCountTo(m *mpimis, phone string, from int) int {
	n := 0
	for _, x := range m.sim.Messages()[from:] {
		if x.Dest == strings.TrimPrefix(phone, "+") {
			n++
		}
	}
	return n
}

// register binds phone with nick and returns its JID.
func register(t *testing.T, m *mpimis, phone, nick string) string {
	t.Helper()
	from := mark(m)
	textFromPhone(t, m, phone, "REG "+nick)
	return jidRe.FindString(nextSMS(t, m, phone, from, contains("@"+gwDomain)))
}

func expectError(t *testing.T, c interface {
	Expect(context.Context, func(*component.Element) bool) (*component.Element, error)
}, id, cond string) {
	t.Helper()
	e, err := c.Expect(ctxT(t), func(e *component.Element) bool { return e.Get("id") == id && e.Get("type") == "error" })
	must(t, err, "error for %s", id)
	if se := component.ParseStanzaError(e); se == nil || se.Condition != cond {
		t.Errorf("%s: got %s, want %s", id, e, cond)
	}
}

// TestIntegrationRelayOffline: an SMS to an XMPP user who is offline is
// kept by the server's offline storage and delivered at login.
func TestIntegrationRelayOffline(t *testing.T) {
	p := startProsody(t)
	m := startMpimis(t, p, nil)
	must(t, m.sim.WaitBinds(ctxT(t), 1), "SMPP bind")
	bob := register(t, m, phoneBob, "bob")
	alice := login(t, p, "alice")
	textFromPhone(t, m, phoneBob, "bob@localhost are you there?")
	// MO messages are handed over in order: once a later one has reached
	// alice (online), the one for bob (offline) has reached the server.
	textFromPhone(t, m, phoneBob, "alice@localhost after that")
	_, err := alice.Expect(ctxT(t), isMessageFrom(bob))
	must(t, err, "the later message")
	offline := login(t, p, "bob")
	in, err := offline.Expect(ctxT(t), isMessageFrom(bob))
	must(t, err, "offline message at login")
	if in.ChildText("", "body") != "are you there?" || in.Child("urn:xmpp:delay", "delay") == nil {
		t.Errorf("offline message %s", in)
	}
}

// TestIntegrationRelayTextForms: XMPP -> SMS in GSM, UCS-2 and multipart
// arrive whole; a failed delivery report comes back as a message error.
func TestIntegrationRelayTextForms(t *testing.T) {
	p := startProsody(t)
	m := startMpimis(t, p, nil)
	must(t, m.sim.WaitBinds(ctxT(t), 1), "SMPP bind")
	bob := register(t, m, phoneBob, "bob")
	alice := login(t, p, "alice")
	long := strings.Repeat("a long message that needs several segments; ", 8)
	cases := []struct {
		body  string
		dc    byte
		parts int
	}{
		{"plain GSM {€}", 0, 1},
		{"Привет 😀", 8, 1},
		{long, 0, 3},
		{strings.Repeat("😀", 40), 8, 2},
	}
	for i, c := range cases {
		from := mark(m)
		must(t, alice.Send(ctxT(t), chat(bob, fmt.Sprint("f", i), c.body, false)), "send %d", i)
		want := "alice@localhost: " + c.body
		nextSMS(t, m, phoneBob, from, func(s string) bool { return s == want })
		for _, x := range m.sim.Messages()[from:] {
			if x.Text == want && (x.DataCoding != c.dc || x.Parts != c.parts) {
				t.Errorf("case %d: dc=%d parts=%d, want dc=%d parts=%d", i, x.DataCoding, x.Parts, c.dc, c.parts)
			}
		}
	}
	must(t, m.sim.SetDLR("undeliv"), "undeliverable reports")
	must(t, alice.Send(ctxT(t), chat(bob, "fail1", "this one bounces", true)), "send")
	expectError(t, alice, "fail1", component.CondRecipientUnavailable)
}

// TestIntegrationRelayStopStart: after STOP the phone gets one
// confirmation and then silence, XMPP senders get errors; START restores.
func TestIntegrationRelayStopStart(t *testing.T) {
	p := startProsody(t)
	m := startMpimis(t, p, nil)
	must(t, m.sim.WaitBinds(ctxT(t), 1), "SMPP bind")
	bob := register(t, m, phoneBob, "bob")
	alice := login(t, p, "alice")

	from := mark(m)
	textFromPhone(t, m, phoneBob, "stop")
	nextSMS(t, m, phoneBob, from, contains("START"))
	must(t, alice.Send(ctxT(t), chat(bob, "s1", "hello?", false)), "send")
	expectError(t, alice, "s1", component.CondRecipientUnavailable)
	textFromPhone(t, m, phoneBob, "alice@localhost trying while stopped")
	textFromPhone(t, m, phoneBob, "WHO @bob")
	// Silence: a later marker SMS to another phone proves the queue moved
	// on; nothing more reached bob's phone than the one confirmation.
	register(t, m, phoneCarol, "carol")
	if n := smsCountTo(m, phoneBob, from); n != 1 {
		t.Errorf("%d SMS to an opted-out phone, want just the confirmation", n)
	}
	from = mark(m)
	textFromPhone(t, m, phoneBob, "START")
	nextSMS(t, m, phoneBob, from, contains("STOP"))
	must(t, alice.Send(ctxT(t), chat(bob, "s2", "welcome back", false)), "send")
	nextSMS(t, m, phoneBob, from, contains("welcome back"))
}

// TestIntegrationRelayBuddiesAndBlock: ADD asks an XMPP user to share
// presence, WHO and LIST report it; BLOCK stops an SMS user and an XMPP
// user from reaching the phone.
func TestIntegrationRelayBuddiesAndBlock(t *testing.T) {
	p := startProsody(t)
	m := startMpimis(t, p, nil)
	must(t, m.sim.WaitBinds(ctxT(t), 1), "SMPP bind")
	bob := register(t, m, phoneBob, "bob")
	alice := login(t, p, "alice")

	from := mark(m)
	textFromPhone(t, m, phoneBob, "ADD alice@localhost")
	nextSMS(t, m, phoneBob, from, contains("alice@localhost"))
	sub, err := alice.Expect(ctxT(t), func(e *component.Element) bool {
		return e.Name.Local == "presence" && e.Get("type") == "subscribe" && strings.HasPrefix(e.Get("from"), bob)
	})
	must(t, err, "subscription request from bob's JID")
	_ = sub
	must(t, alice.Send(ctxT(t), component.NewElement(component.NSComponent, "presence", "to", bob, "type", "subscribed")), "approve")
	must(t, alice.Send(ctxT(t), component.NewElement(component.NSComponent, "presence").Add(
		component.NewElement(component.NSComponent, "show").WithText("away"),
		component.NewElement(component.NSComponent, "status").WithText("in a meeting"))), "presence")
	var who string
	// Presence reaches the relay asynchronously; each WHO round trip
	// paces the next question.
	for i := 0; i < 50 && !strings.Contains(who, "away"); i++ {
		from = mark(m)
		textFromPhone(t, m, phoneBob, "WHO alice@localhost")
		who = nextSMS(t, m, phoneBob, from, contains("alice@localhost:"))
	}
	if !strings.Contains(who, "away") || !strings.Contains(who, "in a meeting") {
		t.Errorf("WHO answered %q", who)
	}
	from = mark(m)
	textFromPhone(t, m, phoneBob, "LIST")
	if list := nextSMS(t, m, phoneBob, from, contains("alice@localhost")); !strings.Contains(list, "away") {
		t.Errorf("LIST answered %q", list)
	}

	carol := register(t, m, phoneCarol, "carol")
	carolID := strings.SplitN(carol, "@", 2)[0]
	from = mark(m)
	textFromPhone(t, m, phoneBob, "BLOCK "+carolID)
	nextSMS(t, m, phoneBob, from, contains("Blocked"))
	textFromPhone(t, m, phoneBob, "BLOCK alice@localhost")
	nextSMS(t, m, phoneBob, from, contains("Blocked alice@localhost"))
	from = mark(m)
	textFromPhone(t, m, phoneCarol, "@bob let me in")
	nextSMS(t, m, phoneCarol, from, contains("does not accept"))
	must(t, alice.Send(ctxT(t), chat(bob, "b1", "blocked?", false)), "send")
	expectError(t, alice, "b1", component.CondForbidden)
	if n := smsCountTo(m, phoneBob, from); n != 0 {
		t.Errorf("%d SMS reached bob from blocked senders", n)
	}
}

// TestIntegrationRelayRateLimit: an XMPP sender over limits.sms_per_minute
// gets resource-constraint errors; what was within the limit went out.
func TestIntegrationRelayRateLimit(t *testing.T) {
	p := startProsody(t)
	m := startMpimis(t, p, func(c *conf.Config) { c.Limits.SMSPerMinute = 3 })
	must(t, m.sim.WaitBinds(ctxT(t), 1), "SMPP bind")
	bob := register(t, m, phoneBob, "bob")
	alice := login(t, p, "alice")
	from := mark(m)
	for i := 0; i < 5; i++ {
		must(t, alice.Send(ctxT(t), chat(bob, fmt.Sprint("r", i), fmt.Sprint("burst ", i), false)), "send %d", i)
	}
	expectError(t, alice, "r3", component.CondResourceConstraint)
	expectError(t, alice, "r4", component.CondResourceConstraint)
	for i := 0; i < 3; i++ {
		nextSMS(t, m, phoneBob, from, contains(fmt.Sprint("burst ", i)))
	}
}
