package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/rooms"
	"github.com/mpimis/mpimis/smsbridge"
)

// TestPrivacy: with phone numbers planted wherever free text reaches the
// HTTP side (link errors, page titles and URLs, an odd counter name, the
// version), no endpoint answers with a phone number, a room JID or a page
// path.
func TestPrivacy(t *testing.T) {
	const phone = "4915112345678"
	e := newEnv(t, func(d *Deps) { d.Version = "v1 +" + phone })
	e.gw.set(component.StateDown, "stream error for +"+phone)
	e.bind.set(smsbridge.BindDown, "deliver_sm from "+phone+" refused")
	e.rooms.live = append(e.rooms.live, rooms.LiveRoom{Key: "k9", JID: "k9@rooms.localhost",
		URL: "https://+" + phone + "@example.org/call/" + phone, Title: "Call +" + phone + " now", Occupants: 1})
	e.rooms.top = append(e.rooms.top, rooms.PageStats{Key: "k9", URL: "https://example.org/u/" + phone,
		Title: "Profile of " + phone, Visits: 1})
	e.srv.Metrics().ObserveDeliveryReport(1, phone)
	e.srv.Metrics().ObserveSubmit(1, phone)

	digits := regexp.MustCompile(`[0-9]{7,}`)
	targets := []string{"/healthz", "/metrics", "/api/status", "/api/rooms/live", "/api/stats/pages?period=all",
		"/api/stats/pages?url=" + url.QueryEscape("https://example.org/u/"+phone),
		"/api/rooms?url=" + url.QueryEscape("https://example.org/u/"+phone),
		"/api/rooms?url=" + url.QueryEscape(phone), "/api/nope/" + phone}
	for i, target := range targets {
		code, body := e.get(target)
		if code == http.StatusInternalServerError {
			t.Errorf("%d %s: status %d", i, target, code)
		}
		// /metrics has long numbers of its own (process start time, memory).
		check := body
		if target == "/metrics" {
			check = mpimisLines(body)
		}
		if m := digits.FindString(check); m != "" {
			t.Errorf("%d %s: answer holds the digit run %q:\n%s", i, target, m, check)
		}
		if strings.Contains(body, "/call/") || strings.Contains(body, "/u/") {
			t.Errorf("%d %s: a page path leaked: %s", i, target, body)
		}
		if target != "/api/rooms?url="+url.QueryEscape("https://example.org/u/"+phone) && strings.Contains(body, "@rooms.localhost") {
			t.Errorf("%d %s: a room JID leaked: %s", i, target, body)
		}
	}
}

// leLabel matches a histogram bucket bound, whose digits are no secret.
var leLabel = regexp.MustCompile(`le="[^"]*"`)

// mpimisLines returns the label sets and help texts of the mpimis_
// metrics of a scrape (sample values and bucket bounds left out).
func mpimisLines(body string) string {
	var b strings.Builder
	for _, l := range strings.Split(body, "\n") {
		if !strings.Contains(l, "mpimis_") {
			continue
		}
		if strings.HasPrefix(l, "#") {
			b.WriteString(l + "\n")
			continue
		}
		if i, j := strings.IndexByte(l, '{'), strings.LastIndexByte(l, '}'); i >= 0 && j > i {
			b.WriteString(leLabel.ReplaceAllString(l[i:j+1], "") + "\n")
		}
	}
	return b.String()
}
