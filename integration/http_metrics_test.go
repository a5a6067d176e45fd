package integration

import (
	"testing"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/smsbridge"
)

// registerPhone binds phone with REG and returns its JID.
func registerPhone(t *testing.T, m *mpimis, phone, nick string) string {
	t.Helper()
	textFromPhone(t, m, phone, "REG "+nick)
	jid := jidRe.FindString(smsTo(t, m, phone, contains("@"+gwDomain)))
	if jid == "" {
		t.Fatalf("registration of %s named no JID", nick)
	}
	return jid
}

// TestIntegrationHTTPMetrics: a message relayed from XMPP to SMS shows in
// /metrics: the relayed counter goes up by one, the submit and delivery
// report latency histograms get their observations, the links are up and
// counted.
func TestIntegrationHTTPMetrics(t *testing.T) {
	p := startProsody(t)
	m, base := startMpimisHTTP(t, p)
	m.waitBind(t, func(s smsbridge.BindStatus) bool { return s.State == smsbridge.BindBound }, "bound")
	bobJID := registerPhone(t, m, phoneBob, "bob")
	alice := login(t, p, "alice")

	before := scrapeMetrics(t, base)
	relayed0, _ := metricValue(before, "mpimis_messages_relayed_total", "direction", "xmpp_to_sms")
	submits0, _ := metricValue(before, "mpimis_smpp_submit_duration_seconds", "result", "ok")
	reports0, _ := metricValue(before, "mpimis_smpp_delivery_report_latency_seconds", "stat", "delivrd")

	must(t, alice.Send(ctxT(t), chat(bobJID, "hm1", "hello from the metrics test", true)), "send")
	smsTo(t, m, phoneBob, contains("hello from the metrics test"))
	_, err := alice.Expect(ctxT(t), func(e *component.Element) bool {
		r := e.Child(component.NSReceipts, "received")
		return isMessageFrom(bobJID)(e) && r != nil && r.Get("id") == "hm1"
	})
	must(t, err, "receipt for hm1")

	after := scrapeMetrics(t, base)
	cases := []struct {
		name   string
		labels []string
		min    float64
	}{
		{"mpimis_messages_relayed_total", []string{"direction", "xmpp_to_sms"}, relayed0 + 1},
		{"mpimis_smpp_submit_duration_seconds", []string{"result", "ok"}, submits0 + 1},
		{"mpimis_smpp_delivery_report_latency_seconds", []string{"stat", "delivrd"}, reports0 + 1},
		{"mpimis_delivery_outcomes_total", []string{"outcome", "delivered"}, 1},
		{"mpimis_identity_events_total", []string{"event", "register"}, 1},
		{"mpimis_bindings", []string{"state", "active"}, 1},
		{"mpimis_link_up", []string{"link", "gateway"}, 1},
		{"mpimis_link_up", []string{"link", "rooms"}, 1},
		{"mpimis_link_up", []string{"link", "smpp"}, 1},
		{"mpimis_link_connects_total", []string{"link", "smpp"}, 1},
		{"mpimis_queue_messages", []string{"queue", "mt", "state", "delivered"}, 1},
		{"mpimis_metrics_source_ok", []string{"source", "queues"}, 1},
		{"mpimis_metrics_source_ok", []string{"source", "counters"}, 1},
	}
	for i, tc := range cases {
		got, ok := metricValue(after, tc.name, tc.labels...)
		if !ok || got < tc.min {
			t.Errorf("%d %s%v = %v (present %v), want at least %v", i, tc.name, tc.labels, got, ok, tc.min)
		}
	}
	if got, _ := metricValue(after, "mpimis_messages_relayed_total", "direction", "xmpp_to_sms"); got != relayed0+1 {
		t.Errorf("relayed xmpp_to_sms went from %v to %v, want +1", relayed0, got)
	}
}
