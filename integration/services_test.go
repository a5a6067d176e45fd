package integration

import (
	"strings"
	"testing"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/internal/xmpptest"
)

func features(q *component.Element) []string {
	var out []string
	for _, c := range q.Children {
		if c.Name.Local == "feature" {
			out = append(out, c.Get("var"))
		}
	}
	return out
}

// TestIntegrationServiceDiscovery: a standard client sees both domains'
// identities and features through a real Prosody and a real ejabberd.
func TestIntegrationServiceDiscovery(t *testing.T) {
	eachServer(t, testServiceDiscovery)
}

func testServiceDiscovery(t *testing.T, p xmppServer) {
	startMpimis(t, p, nil)
	alice := login(t, p, "alice")

	cases := []struct {
		domain, category, typ string
		feature               string
	}{
		{gwDomain, "gateway", "sms", component.NSPing},
		{roomsDomain, "conference", "text", component.NSMUC},
	}
	for i, c := range cases {
		res, err := alice.IQ(ctxT(t), xmpptest.NewIQ("get", c.domain, component.NewElement(component.NSDiscoInfo, "query")))
		must(t, err, "case %d: disco#info %s", i, c.domain)
		q := res.Child(component.NSDiscoInfo, "query")
		if res.Get("type") != "result" || q == nil {
			t.Fatalf("case %d: disco#info %s answered %s", i, c.domain, res)
		}
		id := q.Child(component.NSDiscoInfo, "identity")
		if id == nil || id.Get("category") != c.category || id.Get("type") != c.typ {
			t.Errorf("case %d: %s identity %v, want %s/%s", i, c.domain, id, c.category, c.typ)
		}
		if f := strings.Join(features(q), " "); !strings.Contains(f, c.feature) || !strings.Contains(f, component.NSVersion) {
			t.Errorf("case %d: %s features %q lack %s or version", i, c.domain, f, c.feature)
		}
		items, err := alice.IQ(ctxT(t), xmpptest.NewIQ("get", c.domain, component.NewElement(component.NSDiscoItem, "query")))
		must(t, err, "case %d: disco#items", i)
		if items.Get("type") != "result" || items.Child(component.NSDiscoItem, "query") == nil {
			t.Errorf("case %d: disco#items %s answered %s", i, c.domain, items)
		}
	}
}

// TestIntegrationPingVersionUnknown: ping and version answer on both
// domains; a payload nobody handles gets service-unavailable.
func TestIntegrationPingVersionUnknown(t *testing.T) {
	eachServer(t, testPingVersionUnknown)
}

func testPingVersionUnknown(t *testing.T, p xmppServer) {
	startMpimis(t, p, nil)
	alice := login(t, p, "alice")
	for i, d := range []string{gwDomain, roomsDomain} {
		res, err := alice.IQ(ctxT(t), xmpptest.NewIQ("get", d, component.NewElement(component.NSPing, "ping")))
		must(t, err, "case %d: ping %s", i, d)
		if res.Get("type") != "result" || res.Get("from") != d {
			t.Errorf("case %d: ping %s answered %s", i, d, res)
		}
		res, err = alice.IQ(ctxT(t), xmpptest.NewIQ("get", d, component.NewElement(component.NSVersion, "query")))
		must(t, err, "case %d: version %s", i, d)
		q := res.Child(component.NSVersion, "query")
		if q == nil || q.ChildText(component.NSVersion, "name") != "mpimis" || q.ChildText(component.NSVersion, "version") != "itest" {
			t.Errorf("case %d: version %s answered %s", i, d, res)
		}
		res, err = alice.IQ(ctxT(t), xmpptest.NewIQ("get", d, component.NewElement("urn:example:unknown", "query")))
		must(t, err, "case %d: unknown iq %s", i, d)
		if se := component.ParseStanzaError(res); se == nil || se.Condition != component.CondServiceUnavailable {
			t.Errorf("case %d: unknown payload on %s answered %s", i, d, res)
		}
	}
}
