package integration

import (
	"regexp"
	"strings"
	"testing"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/internal/smscsim"
	"github.com/mpimis/mpimis/internal/xmpptest"
)

const (
	phoneBob   = "+4915112345001"
	phoneCarol = "+4915112345002"
)

var jidRe = regexp.MustCompile(`(\d{8})@` + regexp.QuoteMeta(gwDomain))

// textFromPhone injects an MO as if phone texted the gateway number.
func textFromPhone(t *testing.T, m *mpimis, phone, text string) {
	t.Helper()
	must(t, m.sim.SendMO(ctxT(t), smscsim.MO{Source: phone, Dest: "12345", Text: text}), "MO %q", text)
}

// smsTo waits for an SMS mpimis sends to phone whose text satisfies match,
// looking at every SMS since the start of the test.
func smsTo(t *testing.T, m *mpimis, phone string, match func(string) bool) string {
	t.Helper()
	return nextSMS(t, m, phone, 0, match)
}

func contains(s string) func(string) bool {
	return func(x string) bool { return strings.Contains(x, s) }
}

func chat(to, id, body string, receipt bool) *component.Element {
	m := component.NewElement(component.NSComponent, "message", "type", "chat", "to", to, "id", id).
		Add(component.NewElement(component.NSComponent, "body").WithText(body))
	if receipt {
		m.Add(component.NewElement(component.NSReceipts, "request"))
	}
	return m
}

func isMessageFrom(from string) func(*component.Element) bool {
	return func(e *component.Element) bool {
		return e.Name.Local == "message" && strings.HasPrefix(e.Get("from"), from)
	}
}

// TestIntegrationRelay runs the inter-working scenario against Prosody and
// ejabberd: a phone registers, XMPP and SMS users talk through the
// identity with receipts, sticky replies work, unknown identities and
// opted-out users are refused with the right errors.
func TestIntegrationRelay(t *testing.T) {
	eachServer(t, testRelay)
}

func testRelay(t *testing.T, srv xmppServer) {
	m := startMpimis(t, srv, nil)
	must(t, m.sim.WaitBinds(ctxT(t), 1), "SMPP bind")
	alice := login(t, srv, "alice")

	// Registration: the reply names the JID and never the number.
	textFromPhone(t, m, phoneBob, "REG bob")
	reply := smsTo(t, m, phoneBob, contains("@"+gwDomain))
	sub := jidRe.FindStringSubmatch(reply)
	if sub == nil {
		t.Fatalf("registration reply names no JID: %q", reply)
	}
	bobJID := sub[0]
	if strings.Contains(reply, "4915112345001") {
		t.Fatalf("reply echoes the number: %q", reply)
	}

	// XMPP -> SMS with a receipt once the SMSC reports delivery.
	must(t, alice.Send(ctxT(t), chat(bobJID, "m1", "hello bob", true)), "send")
	if got := smsTo(t, m, phoneBob, contains("hello bob")); got != "alice@localhost: hello bob" {
		t.Errorf("MT text %q", got)
	}
	rcpt, err := alice.Expect(ctxT(t), func(e *component.Element) bool {
		r := e.Child(component.NSReceipts, "received")
		return isMessageFrom(bobJID)(e) && r != nil && r.Get("id") == "m1"
	})
	must(t, err, "receipt for m1")
	if rcpt.Get("type") == "error" {
		t.Fatalf("receipt is an error: %s", rcpt)
	}

	// SMS -> XMPP, then a sticky reply to the last correspondent.
	textFromPhone(t, m, phoneBob, "alice@localhost hi alice")
	in, err := alice.Expect(ctxT(t), isMessageFrom(bobJID))
	must(t, err, "message from bob")
	if in.ChildText("", "body") != "hi alice" || in.Get("type") != "chat" || in.Get("id") == "" {
		t.Errorf("SMS -> XMPP message %s", in)
	}
	if o := in.Child(component.NSSID, "origin-id"); o == nil || o.Get("id") != in.Get("id") {
		t.Errorf("no origin-id matching the stable id: %s", in)
	}
	textFromPhone(t, m, phoneBob, "how are you?")
	in, err = alice.Expect(ctxT(t), isMessageFrom(bobJID))
	must(t, err, "sticky reply")
	if in.ChildText("", "body") != "how are you?" {
		t.Errorf("sticky reply %s", in)
	}

	// Unknown identity.
	must(t, alice.Send(ctxT(t), chat("99999999@"+gwDomain, "m2", "anyone?", false)), "send")
	e, err := alice.Expect(ctxT(t), func(e *component.Element) bool { return e.Get("id") == "m2" && e.Get("type") == "error" })
	must(t, err, "error for unknown imid")
	if se := component.ParseStanzaError(e); se == nil || se.Condition != component.CondItemNotFound {
		t.Errorf("unknown imid: %s", e)
	}

	// Opt-out: confirmation first, then XMPP senders are refused.
	textFromPhone(t, m, phoneBob, "STOP")
	smsTo(t, m, phoneBob, contains("START"))
	must(t, alice.Send(ctxT(t), chat(bobJID, "m3", "still there?", false)), "send")
	e, err = alice.Expect(ctxT(t), func(e *component.Element) bool { return e.Get("id") == "m3" && e.Get("type") == "error" })
	must(t, err, "error for opted-out user")
	if se := component.ParseStanzaError(e); se == nil || se.Condition != component.CondRecipientUnavailable {
		t.Errorf("opted-out user: %s", e)
	}
}

// TestIntegrationSMSToSMS: two phones talk through their identities; each
// sees the other's imid and nick, never the number.
func TestIntegrationSMSToSMS(t *testing.T) {
	p := startProsody(t)
	m := startMpimis(t, p, nil)
	must(t, m.sim.WaitBinds(ctxT(t), 1), "SMPP bind")
	textFromPhone(t, m, phoneBob, "REG bob")
	smsTo(t, m, phoneBob, contains("@"+gwDomain))
	textFromPhone(t, m, phoneCarol, "@bob hi from carol")
	got := smsTo(t, m, phoneBob, contains("hi from carol"))
	if strings.Contains(got, "4915112345002") || !regexp.MustCompile(`^\d{8}: hi from carol$`).MatchString(got) {
		t.Errorf("SMS -> SMS text %q", got)
	}
	// carol was auto-registered on first use and told her JID once.
	smsTo(t, m, phoneCarol, contains("@"+gwDomain))
}

// TestIntegrationGatewayQueries: XEP-0100 resolves a nick, vcard-temp shows
// the nick and no number.
func TestIntegrationGatewayQueries(t *testing.T) {
	p := startProsody(t)
	m := startMpimis(t, p, nil)
	must(t, m.sim.WaitBinds(ctxT(t), 1), "SMPP bind")
	textFromPhone(t, m, phoneBob, "REG bob")
	bobJID := jidRe.FindString(smsTo(t, m, phoneBob, contains("@"+gwDomain)))
	alice := login(t, p, "alice")

	q := component.NewElement("jabber:iq:gateway", "query").Add(component.NewElement("jabber:iq:gateway", "prompt").WithText("@bob"))
	res, err := alice.IQ(ctxT(t), xmpptest.NewIQ("set", gwDomain, q))
	must(t, err, "iq:gateway")
	if got := res.Child("jabber:iq:gateway", "query").ChildText("jabber:iq:gateway", "jid"); got != bobJID {
		t.Errorf("resolved @bob to %q, want %q (%s)", got, bobJID, res)
	}
	q = component.NewElement("jabber:iq:gateway", "query").Add(component.NewElement("jabber:iq:gateway", "prompt").WithText(phoneBob))
	res, err = alice.IQ(ctxT(t), xmpptest.NewIQ("set", gwDomain, q))
	must(t, err, "iq:gateway with a number")
	if res.Get("type") != "error" || strings.Contains(res.String(), "4915112345001") {
		t.Errorf("a phone number was resolved or echoed: %s", res)
	}
	res, err = alice.IQ(ctxT(t), xmpptest.NewIQ("get", bobJID, component.NewElement("vcard-temp", "vCard")))
	must(t, err, "vcard")
	v := res.Child("vcard-temp", "vCard")
	if v == nil || v.ChildText("vcard-temp", "NICKNAME") != "bob" || strings.Contains(res.String(), "4915112345001") {
		t.Errorf("vcard %s", res)
	}
}
