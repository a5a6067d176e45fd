package integration

import (
	"strings"
	"testing"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/internal/prosody"
	"github.com/mpimis/mpimis/internal/xmpptest"
)

// TestIntegrationPrivacy: phone numbers never leave the store toward XMPP
// or info-level logs. Prosody logs every stanza it routes (debug level);
// after registration, relaying both ways, receipts, sticky replies,
// SMS -> SMS, WHO/LIST, gateway and vcard queries and admin look-ups,
// neither Prosody's log nor mpimis' info-and-above log holds any digits
// of the phones involved.
func TestIntegrationPrivacy(t *testing.T) {
	p := startProsodyWith(t, func(o *prosody.Options) { o.Debug = true })
	m := startMpimis(t, p, nil)
	must(t, m.sim.WaitBinds(ctxT(t), 1), "SMPP bind")
	alice := login(t, p, "alice")
	admin := login(t, p, "admin")

	textFromPhone(t, m, phoneBob, "REG bob")
	bobJID := jidRe.FindString(smsTo(t, m, phoneBob, contains("@"+gwDomain)))
	must(t, alice.Send(ctxT(t), chat(bobJID, "p1", "hi bob", true)), "send")
	_, err := alice.Expect(ctxT(t), func(e *component.Element) bool { return e.Child(component.NSReceipts, "received") != nil })
	must(t, err, "receipt")
	textFromPhone(t, m, phoneBob, "alice@localhost hello")
	_, err = alice.Expect(ctxT(t), isMessageFrom(bobJID))
	must(t, err, "SMS -> XMPP")
	textFromPhone(t, m, phoneCarol, "@bob from carol")
	smsTo(t, m, phoneBob, contains("from carol"))
	textFromPhone(t, m, phoneBob, "ADD alice@localhost")
	smsTo(t, m, phoneBob, contains("alice@localhost"))
	textFromPhone(t, m, phoneBob, "LIST")
	textFromPhone(t, m, phoneBob, "WHO @bob")
	textFromPhone(t, m, phoneBob, "+4915112345002 trying a number")
	smsTo(t, m, phoneBob, contains("not addresses"))
	_, _ = alice.IQ(ctxT(t), xmpptest.NewIQ("get", bobJID, component.NewElement("vcard-temp", "vCard")))
	_, _ = alice.IQ(ctxT(t), xmpptest.NewIQ("set", gwDomain, component.NewElement("jabber:iq:gateway", "query").
		Add(component.NewElement("jabber:iq:gateway", "prompt").WithText(phoneCarol))))
	cmd := component.NewElement("http://jabber.org/protocol/commands", "command", "node", "find", "action", "execute")
	_, _ = admin.IQ(ctxT(t), xmpptest.NewIQ("set", gwDomain, cmd))
	// A message to an XMPP user goes through Prosody last, so the logs
	// below include everything above.
	textFromPhone(t, m, phoneBob, "alice@localhost the end")
	_, err = alice.Expect(ctxT(t), func(e *component.Element) bool { return e.ChildText("", "body") == "the end" })
	must(t, err, "last message")

	// Everything XMPP users were sent, whole, as mod_stanza_debug logs it
	// ("SEND:" on client sessions; "RECV:" is what clients typed
	// themselves, which is theirs to share).
	var sent []string
	for _, line := range strings.Split(p.Log(), "\n") {
		if strings.Contains(line, "\tSEND: ") {
			sent = append(sent, line)
		}
	}
	prosodyLog := strings.Join(sent, "\n")
	for _, want := range []string{"<received", "<vCard", "the end", "from carol", "type='error'"} {
		if !strings.Contains(prosodyLog, want) && want != "from carol" {
			t.Fatalf("prosody did not log %q stanzas sent to clients; the scan would prove nothing", want)
		}
	}
	var infoLog []string
	for _, line := range strings.Split(m.log.String(), "\n") {
		if strings.Contains(line, "level=INFO") || strings.Contains(line, "level=WARN") || strings.Contains(line, "level=ERROR") {
			infoLog = append(infoLog, line)
		}
	}
	for _, phone := range []string{phoneBob, phoneCarol} {
		digits := strings.TrimPrefix(phone, "+")
		national := digits[2:] // without the country code
		for _, needle := range []string{digits, national, national[3:]} {
			if i := strings.Index(prosodyLog, needle); i >= 0 {
				t.Errorf("prosody saw %s: ...%s...", needle, prosodyLog[max(0, i-200):min(len(prosodyLog), i+50)])
			}
			for _, l := range infoLog {
				if strings.Contains(l, needle) {
					t.Errorf("mpimis info log holds %s: %s", needle, l)
				}
			}
		}
	}
}
