package integration

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/smsbridge"
)

// healthBody is what the test reads of /healthz.
type healthBody struct {
	Status string `json:"status"`
	XMPP   []struct {
		Role      string    `json:"role"`
		Domain    string    `json:"domain"`
		State     string    `json:"state"`
		Since     time.Time `json:"since"`
		LastError string    `json:"last_error"`
	} `json:"xmpp"`
	SMPP struct {
		State     string    `json:"state"`
		Since     time.Time `json:"since"`
		LastError string    `json:"last_error"`
	} `json:"smpp"`
}

// readHealth fetches /healthz.
func readHealth(t *testing.T, base string) (int, healthBody, string) {
	t.Helper()
	code, body := httpGet(t, base, "/healthz")
	var h healthBody
	if err := json.Unmarshal([]byte(body), &h); err != nil {
		t.Fatalf("/healthz is not JSON: %v: %s", err, body)
	}
	if len(h.XMPP) != 2 || h.SMPP.Since.IsZero() || h.XMPP[0].Since.IsZero() || h.XMPP[1].Since.IsZero() {
		t.Fatalf("/healthz lacks links or times: %s", body)
	}
	return code, h, body
}

// checkAllUp asserts /healthz is 200 with everything up.
func checkAllUp(t *testing.T, step, base string) healthBody {
	t.Helper()
	code, h, body := readHealth(t, base)
	if code != http.StatusOK || h.Status != "ok" || h.XMPP[0].State != "up" || h.XMPP[1].State != "up" || h.SMPP.State != "bound" {
		t.Fatalf("%s: /healthz %d %s", step, code, body)
	}
	return h
}

// TestIntegrationHTTPHealth: /healthz is 200 while Prosody's two
// component links and the SMPP bind are up, 503 while the SMSC is gone
// and 200 again once it is back on the same port, 503 while Prosody is
// stopped and 200 again after it restarts.
func TestIntegrationHTTPHealth(t *testing.T) {
	p := startProsody(t)
	m, base := startMpimisHTTP(t, p)
	m.waitBind(t, func(s smsbridge.BindStatus) bool { return s.State == smsbridge.BindBound }, "bound")
	h := checkAllUp(t, "all up", base)
	if h.XMPP[0].Role != "gateway" || h.XMPP[0].Domain != gwDomain || h.XMPP[1].Role != "rooms" || h.XMPP[1].Domain != roomsDomain {
		t.Errorf("all up: %+v", h)
	}

	// The SMSC goes away: the bind is lost and cannot come back. (The
	// session keeps trying, so its state may be down or binding.)
	m.restartSMSC(t, func() {
		m.waitBind(t, func(s smsbridge.BindStatus) bool { return s.State != smsbridge.BindBound }, "unbound")
		code, h, body := readHealth(t, base)
		if code != http.StatusServiceUnavailable || h.Status != "unavailable" || h.SMPP.State == "bound" ||
			h.SMPP.LastError == "" || h.XMPP[0].State != "up" || h.XMPP[1].State != "up" {
			t.Fatalf("SMSC gone: /healthz %d %s", code, body)
		}
	})
	m.waitBind(t, func(s smsbridge.BindStatus) bool { return s.State == smsbridge.BindBound }, "bound again")
	checkAllUp(t, "SMSC back", base)

	// Prosody stops: both links drop (and keep trying).
	must(t, p.Stop(), "stop Prosody")
	m.waitLinks(t, func(s component.LinkStatus) bool { return s.State != component.StateUp }, "down")
	code, h, body := readHealth(t, base)
	if code != http.StatusServiceUnavailable || h.Status != "unavailable" || h.XMPP[0].State == "up" ||
		h.XMPP[1].State == "up" || h.XMPP[0].LastError == "" || h.SMPP.State != "bound" {
		t.Fatalf("Prosody stopped: /healthz %d %s", code, body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	must(t, p.Start(ctx), "start Prosody again")
	m.waitLinks(t, func(s component.LinkStatus) bool { return s.State == component.StateUp }, "up again")
	checkAllUp(t, "Prosody back", base)
}
