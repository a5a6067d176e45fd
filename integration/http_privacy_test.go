package integration

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/smsbridge"
)

// TestIntegrationHTTPPrivacy: after messages between known phones and an
// XMPP user went through in every direction (and a refusal), no HTTP
// answer holds a phone number, an SMS user's JID or the XMPP user's JID.
func TestIntegrationHTTPPrivacy(t *testing.T) {
	p := startProsody(t)
	m, base := startMpimisHTTP(t, p)
	m.waitBind(t, func(s smsbridge.BindStatus) bool { return s.State == smsbridge.BindBound }, "bound")
	bobJID := registerPhone(t, m, phoneBob, "bob")
	carolJID := registerPhone(t, m, phoneCarol, "carol")
	alice := login(t, p, "alice")

	must(t, alice.Send(ctxT(t), chat(bobJID, "p1", "xmpp to sms", true)), "send")
	smsTo(t, m, phoneBob, contains("xmpp to sms"))
	textFromPhone(t, m, phoneBob, "alice@localhost sms to xmpp")
	_, err := alice.Expect(ctxT(t), isMessageFrom(bobJID))
	must(t, err, "SMS -> XMPP")
	textFromPhone(t, m, phoneCarol, "@bob sms to sms")
	smsTo(t, m, phoneBob, contains("sms to sms"))
	must(t, alice.Send(ctxT(t), chat("99999999@"+gwDomain, "p2", "nobody", false)), "send")
	_, err = alice.Expect(ctxT(t), func(e *component.Element) bool { return e.Get("id") == "p2" && e.Get("type") == "error" })
	must(t, err, "refusal")

	page := "https://example.org/privacy-test"
	secrets := []string{
		strings.TrimPrefix(phoneBob, "+"), strings.TrimPrefix(phoneCarol, "+"),
		strings.TrimPrefix(phoneBob, "+49"), strings.TrimPrefix(phoneCarol, "+49"),
		bobJID, carolJID, strings.Split(bobJID, "@")[0], strings.Split(carolJID, "@")[0], "alice@localhost",
	}
	targets := []string{"/healthz", "/metrics", "/api/status", "/api/rooms/live", "/api/stats/pages?period=all",
		"/api/rooms?url=" + url.QueryEscape(page), "/api/stats/pages?url=" + url.QueryEscape(page), "/"}
	for i, target := range targets {
		code, body := httpGet(t, base, target)
		if code >= http.StatusInternalServerError {
			t.Errorf("%d %s: %d %s", i, target, code, body)
		}
		for _, s := range secrets {
			if strings.Contains(body, s) {
				t.Errorf("%d %s: the answer holds %q", i, target, s)
			}
		}
	}
}
