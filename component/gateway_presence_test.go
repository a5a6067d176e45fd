package component

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/mpimis/mpimis/relay"
)

func gwPres(typ, to string, children ...*Element) *Element {
	return NewElement(NSComponent, KindPresence, "type", typ, "from", gwAlice, "to", to).Add(children...)
}

func TestGatewayPresenceToUsers(t *testing.T) {
	show := NewElement(NSComponent, "show").WithText("away")
	status := NewElement(NSComponent, "status").WithText("at lunch")
	cases := []struct {
		name string
		in   *Element
		want *relay.InPresence // nil: not relayed
	}{
		{"available with show and status", gwPres("", gwUserJID, show, status),
			&relay.InPresence{From: gwAlice, To: gwUser, Show: "away", Status: "at lunch"}},
		{"unavailable", gwPres("unavailable", gwUserJID), &relay.InPresence{From: gwAlice, To: gwUser, Type: "unavailable"}},
		{"probe", gwPres("probe", gwUserJID), &relay.InPresence{From: gwAlice, To: gwUser, Type: "probe"}},
		{"subscribe", gwPres("subscribe", gwUserJID), &relay.InPresence{From: gwAlice, To: gwUser, Type: "subscribe"}},
		{"subscribed", gwPres("subscribed", gwUserJID), &relay.InPresence{From: gwAlice, To: gwUser, Type: "subscribed"}},
		{"unsubscribe", gwPres("unsubscribe", gwUserJID), &relay.InPresence{From: gwAlice, To: gwUser, Type: "unsubscribe"}},
		{"unsubscribed", gwPres("unsubscribed", gwUserJID), &relay.InPresence{From: gwAlice, To: gwUser, Type: "unsubscribed"}},
		{"to a full JID", gwPres("probe", gwUserJID+"/x"), &relay.InPresence{From: gwAlice, To: gwUser, Type: "probe"}},
		{"error", gwPres("error", gwUserJID), nil},
		{"unknown type", gwPres("bogus", gwUserJID), nil},
		{"no from", NewElement(NSComponent, KindPresence, "to", gwUserJID), nil},
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%d_%s", i, c.name), func(t *testing.T) {
			f := newGWFixture()
			if out := f.handle(c.in); len(out) != 0 {
				t.Errorf("presence to a user answered by the glue: %v", out)
			}
			switch {
			case c.want == nil && len(f.gw.presences) != 0:
				t.Errorf("relayed %+v", f.gw.presences)
			case c.want != nil && (len(f.gw.presences) != 1 || !reflect.DeepEqual(f.gw.presences[0], *c.want)):
				t.Errorf("relayed %+v, want %+v", f.gw.presences, *c.want)
			}
		})
	}
}

// A relay failure on presence is logged, never answered.
func TestGatewayPresenceRelayErrorNotAnswered(t *testing.T) {
	f := newGWFixture()
	f.gw.err = &relay.Error{Kind: relay.KindInternal, Text: "store down"}
	if out := f.handle(gwPres("subscribe", gwUserJID)); len(out) != 0 {
		t.Fatalf("answered: %v", out)
	}
	if len(f.gw.presences) != 1 {
		t.Fatalf("not handed to the relay")
	}
}

func TestGatewayPresenceAnswers(t *testing.T) {
	cases := []struct {
		name string
		in   *Element
		want []string
	}{
		{"subscribe to the gateway", gwPres("subscribe", testDomain), []string{
			`<presence type="subscribed" from="sms.example.org" to="alice@example.org"/>`,
			`<presence from="sms.example.org" to="alice@example.org"/>`,
		}},
		{"probe of the gateway", gwPres("probe", testDomain), []string{
			`<presence from="sms.example.org" to="alice@example.org/phone"/>`,
		}},
		{"available to the gateway", gwPres("", testDomain), nil},
		{"unavailable to the gateway", gwPres("unavailable", testDomain), nil},
		{"unsubscribe from the gateway", gwPres("unsubscribe", testDomain), nil},
		{"subscribed to the gateway", gwPres("subscribed", testDomain), nil},
		{"error to the gateway", gwPres("error", testDomain), nil},
		{"subscribe to a bad localpart", gwPres("subscribe", "Nobody@"+testDomain), []string{
			`<presence type="unsubscribed" from="nobody@sms.example.org" to="alice@example.org"/>`,
		}},
		{"probe of a bad localpart", gwPres("probe", "012345678@"+testDomain+"/r"), []string{
			`<presence type="unsubscribed" from="012345678@sms.example.org" to="alice@example.org"/>`,
		}},
		{"available to a bad localpart", gwPres("", "nobody@"+testDomain), nil},
		{"unsubscribe to a bad localpart", gwPres("unsubscribe", "nobody@"+testDomain), nil},
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%d_%s", i, c.name), func(t *testing.T) {
			f := newGWFixture()
			out := f.handle(c.in)
			if len(out) != len(c.want) {
				t.Fatalf("got %d stanzas, want %d: %v", len(out), len(c.want), out)
			}
			for j, w := range c.want {
				gwSameXML(t, out[j], w)
			}
			if n := len(f.gw.callNames()); n != 0 {
				t.Errorf("the relay was called: %v", f.gw.callNames())
			}
		})
	}
}
