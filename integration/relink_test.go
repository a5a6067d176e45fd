package integration

import (
	"context"
	"testing"
	"time"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/conf"
	"github.com/mpimis/mpimis/internal/xmpptest"
)

// TestIntegrationRelinkAfterServerRestart: when the server restarts, both
// links come back by themselves and answer again.
func TestIntegrationRelinkAfterServerRestart(t *testing.T) {
	eachServer(t, testRelinkAfterRestart)
}

func testRelinkAfterRestart(t *testing.T, p xmppServer) {
	m := startMpimis(t, p, nil)

	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	must(t, p.Restart(ctx), "restart the server")
	m.waitLinks(t, func(s component.LinkStatus) bool {
		return s.State == component.StateUp && s.Connects >= 2
	}, "up again after the restart")

	alice := login(t, p, "alice")
	for i, d := range []string{gwDomain, roomsDomain} {
		res, err := alice.IQ(ctxT(t), xmpptest.NewIQ("get", d, component.NewElement(component.NSPing, "ping")))
		must(t, err, "case %d: ping %s after restart", i, d)
		if res.Get("type") != "result" {
			t.Errorf("case %d: %s answered %s after the restart", i, d, res)
		}
	}
}

// TestIntegrationKeepaliveThroughServer: the keepalive round trip (a ping
// from the component to itself, routed by the server) works with a real
// Prosody and a real ejabberd, so a healthy link is never declared dead.
func TestIntegrationKeepaliveThroughServer(t *testing.T) {
	eachServer(t, testKeepalive)
}

func testKeepalive(t *testing.T, p xmppServer) {
	m := startMpimis(t, p, func(c *conf.Config) {
		c.XMPP.Keepalive = conf.Duration{Duration: time.Second}
		c.XMPP.KeepaliveTimeout = conf.Duration{Duration: time.Second}
	})
	m.waitLinks(t, func(s component.LinkStatus) bool { return s.Keepalives >= 3 }, "3 keepalives answered")
	for _, l := range m.Links() {
		if s := l.Status(); s.Stalls != 0 || s.Connects != 1 {
			t.Errorf("%s: healthy link flapped: %+v", l.Domain(), s)
		}
	}
}
