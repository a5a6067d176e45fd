package relay

import (
	"slices"
	"testing"
	"time"

	"github.com/mpimis/mpimis/conf"
)

func TestConfigFrom(t *testing.T) {
	c := conf.Defaults()
	c.XMPP.GatewayDomain = "sms.example.org"
	c.XMPP.Admins = []string{"admin@example.org"}
	c.Gateway.AllowedDomains = []string{"partner.example"}
	c.Gateway.StickyWindow = conf.Duration{Duration: 2 * time.Hour}
	got := ConfigFrom(c)
	want := Config{
		GatewayDomain: "sms.example.org", Admins: []string{"admin@example.org"},
		AllowedDomains: []string{"partner.example"}, AutoRegister: true, IMIDDigits: 8,
		StickyWindow: 2 * time.Hour, SMSPerMinute: 20, SMSPerDay: 500, MaxSegments: 6,
	}
	if got.GatewayDomain != want.GatewayDomain || !slices.Equal(got.Admins, want.Admins) ||
		!slices.Equal(got.AllowedDomains, want.AllowedDomains) || got.AutoRegister != want.AutoRegister ||
		got.IMIDDigits != want.IMIDDigits || got.StickyWindow != want.StickyWindow ||
		got.SMSPerMinute != want.SMSPerMinute || got.SMSPerDay != want.SMSPerDay || got.MaxSegments != want.MaxSegments {
		t.Errorf("ConfigFrom = %+v, want %+v", got, want)
	}
	// The copy does not alias the configuration's slices.
	c.XMPP.Admins[0] = "changed@example.org"
	if got.Admins[0] != "admin@example.org" {
		t.Error("ConfigFrom aliases xmpp.admins")
	}
	d, err := got.withDefaults()
	if err != nil || d.LoopRepeats != DefaultLoopRepeats || d.LoopWindow != DefaultLoopWindow {
		t.Errorf("withDefaults = %+v, %v", d, err)
	}
}
