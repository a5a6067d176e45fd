package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/smsbridge"
)

func TestHealth(t *testing.T) {
	cases := []struct {
		name   string
		gw, rm component.LinkState
		bind   smsbridge.BindState
		want   int
	}{
		{"all up", component.StateUp, component.StateUp, smsbridge.BindBound, http.StatusOK},
		{"gateway down", component.StateDown, component.StateUp, smsbridge.BindBound, http.StatusServiceUnavailable},
		{"rooms connecting", component.StateUp, component.StateConnecting, smsbridge.BindBound, http.StatusServiceUnavailable},
		{"smpp binding", component.StateUp, component.StateUp, smsbridge.BindBinding, http.StatusServiceUnavailable},
		{"smpp down", component.StateUp, component.StateUp, smsbridge.BindDown, http.StatusServiceUnavailable},
		{"all down", component.StateDown, component.StateDown, smsbridge.BindDown, http.StatusServiceUnavailable},
	}
	for _, tc := range cases {
		e := newEnv(t, nil)
		e.gw.set(tc.gw, "")
		e.rm.set(tc.rm, "")
		e.bind.set(tc.bind, "bind refused: ESME_RBINDFAIL")
		code, hdr, body := e.do(http.MethodGet, "/healthz")
		if code != tc.want {
			t.Errorf("%s: status %d, want %d: %s", tc.name, code, tc.want, body)
		}
		if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s: content type %q", tc.name, ct)
		}
		var h Health
		decode(t, tc.name, body, &h)
		wantStatus := statusOK
		if tc.want != http.StatusOK {
			wantStatus = statusUnavailable
		}
		if h.Status != wantStatus || len(h.XMPP) != 2 || h.XMPP[0].Role != "gateway" || h.XMPP[0].State != tc.gw ||
			h.XMPP[1].Role != "rooms" || h.XMPP[1].State != tc.rm || h.XMPP[0].Domain != "sms.localhost" ||
			h.SMPP.State != tc.bind || h.SMPP.LastError != "bind refused: ESME_RBINDFAIL" || h.SMPP.Since.IsZero() {
			t.Errorf("%s: body %s", tc.name, body)
		}
	}
}

// TestHealthRedactsErrors: a last error that (by someone's mistake)
// carries a phone number is redacted; addresses stay readable.
func TestHealthRedactsErrors(t *testing.T) {
	e := newEnv(t, nil)
	e.gw.set(component.StateDown, "dial tcp 127.0.0.1:5347: connection refused")
	e.bind.set(smsbridge.BindDown, "submit to +4915112345678 failed")
	code, body := e.get("/healthz")
	if code != http.StatusServiceUnavailable {
		t.Fatalf("status %d", code)
	}
	if strings.Contains(body, "4915112345678") || !strings.Contains(body, "submit to [redacted] failed") ||
		!strings.Contains(body, "dial tcp 127.0.0.1:5347: connection refused") {
		t.Errorf("body %s", body)
	}
}

func TestNewChecksDeps(t *testing.T) {
	link := &fakeLink{}
	bind := &fakeBind{}
	cases := []struct {
		name string
		d    Deps
		want error
	}{
		{"no smpp", Deps{Links: []Link{{Role: "gateway", Source: link}}}, ErrNoSMPP},
		{"no links", Deps{SMPP: bind}, ErrNoLinks},
		{"bad role", Deps{SMPP: bind, Links: []Link{{Role: "sms.localhost", Source: link}}}, ErrLinkRole},
		{"no source", Deps{SMPP: bind, Links: []Link{{Role: "gateway"}}}, ErrLinkRole},
		{"minimal", Deps{SMPP: bind, Links: []Link{{Role: "gateway", Source: link}}}, nil},
	}
	for _, tc := range cases {
		_, err := New(tc.d)
		if err != tc.want {
			t.Errorf("%s: New error %v, want %v", tc.name, err, tc.want)
		}
	}
}
