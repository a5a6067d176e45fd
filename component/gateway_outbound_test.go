package component

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/relay"
)

// gwFailSender fails every send.
type gwFailSender struct{ err error }

func (s gwFailSender) Domain() string                                     { return testDomain }
func (s gwFailSender) Send(context.Context, *Element) error               { return s.err }
func (s gwFailSender) SendIQ(context.Context, *Element) (*Element, error) { return nil, s.err }

func TestGatewayOutboundRendering(t *testing.T) {
	bob := "bob@example.org"
	cases := []struct {
		name string
		send func(x *GatewayXMPP) error
		want string // golden; a generated id is written as "*"
	}{
		{"message with nick", func(x *GatewayXMPP) error {
			return x.Message(context.Background(), relay.OutMessage{From: gwUser, Nick: "bob", To: bob + "/pc", ID: "mo-17", Body: "hi <there> & you"})
		}, `<message type="chat" from="45678901@sms.example.org" to="bob@example.org/pc" id="mo-17">` +
			`<body>hi &lt;there&gt; &amp; you</body><origin-id xmlns="urn:xmpp:sid:0" id="mo-17"/>` +
			`<nick xmlns="http://jabber.org/protocol/nick">bob</nick></message>`},
		{"message without nick", func(x *GatewayXMPP) error {
			return x.Message(context.Background(), relay.OutMessage{From: gwUser, To: bob, ID: "mo-18", Body: "x"})
		}, `<message type="chat" from="45678901@sms.example.org" to="bob@example.org" id="mo-18">` +
			`<body>x</body><origin-id xmlns="urn:xmpp:sid:0" id="mo-18"/></message>`},
		{"available presence", func(x *GatewayXMPP) error {
			return x.Presence(context.Background(), relay.OutPresence{From: gwUser, To: bob, Status: "via SMS", Nick: "bob"})
		}, `<presence from="45678901@sms.example.org" to="bob@example.org"><status>via SMS</status>` +
			`<nick xmlns="http://jabber.org/protocol/nick">bob</nick></presence>`},
		{"subscribe", func(x *GatewayXMPP) error {
			return x.Presence(context.Background(), relay.OutPresence{From: gwUser, To: bob, Type: "subscribe", Nick: "bob"})
		}, `<presence type="subscribe" from="45678901@sms.example.org" to="bob@example.org">` +
			`<nick xmlns="http://jabber.org/protocol/nick">bob</nick></presence>`},
		{"unavailable", func(x *GatewayXMPP) error {
			return x.Presence(context.Background(), relay.OutPresence{From: gwUser, To: bob, Type: "unavailable"})
		}, `<presence type="unavailable" from="45678901@sms.example.org" to="bob@example.org"/>`},
		{"receipt", func(x *GatewayXMPP) error {
			return x.Receipt(context.Background(), gwUser, bob+"/pc", "their-id")
		}, `<message from="45678901@sms.example.org" to="bob@example.org/pc" id="*">` +
			`<received xmlns="urn:xmpp:receipts" id="their-id"/></message>`},
		{"message error", func(x *GatewayXMPP) error {
			return x.MessageError(context.Background(), gwUser, bob+"/pc", "their-id",
				&relay.Error{Kind: relay.KindUnavailable, Text: "delivery failed", Err: errors.New("stat UNDELIV")})
		}, `<message type="error" from="45678901@sms.example.org" to="bob@example.org/pc" id="their-id">` +
			`<error type="wait"><recipient-unavailable xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/>` +
			`<text xmlns="urn:ietf:params:xml:ns:xmpp-stanzas" xml:lang="en">delivery failed</text></error></message>`},
		{"message error without error", func(x *GatewayXMPP) error {
			return x.MessageError(context.Background(), gwUser, bob, "i", nil)
		}, `<message type="error" from="45678901@sms.example.org" to="bob@example.org" id="i">` +
			`<error type="wait"><internal-server-error xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></message>`},
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%d_%s", i, c.name), func(t *testing.T) {
			out := &recSender{domain: testDomain}
			if err := c.send(NewGatewayXMPP(out)); err != nil {
				t.Fatal(err)
			}
			st := gwOne(t, out.sent)
			if strings.Contains(c.want, `id="*"`) {
				if st.Get("id") == "" {
					t.Fatalf("no id: %s", st)
				}
				st.SetAttr("id", "*")
			}
			gwSameXML(t, st, c.want)
		})
	}
}

// A message without an id gets one, used for the origin-id too.
func TestGatewayOutboundMessageGetsID(t *testing.T) {
	out := &recSender{domain: testDomain}
	if err := NewGatewayXMPP(out).Message(context.Background(), relay.OutMessage{From: gwUser, To: "bob@example.org", Body: "x"}); err != nil {
		t.Fatal(err)
	}
	st := gwOne(t, out.sent)
	if id := st.Get("id"); id == "" || st.Child(NSSID, "origin-id").Get("id") != id {
		t.Errorf("ids: %s", st)
	}
}

func TestGatewayOutboundErrors(t *testing.T) {
	ctx := context.Background()
	bad := ident.IMID("+4915123456789")
	cases := []struct {
		name    string
		sender  Sender
		send    func(x *GatewayXMPP) error
		wantErr error // nil: any error
	}{
		{"no sender", nil, func(x *GatewayXMPP) error {
			return x.Message(ctx, relay.OutMessage{From: gwUser, To: "a@b", Body: "x"})
		}, ErrNotConnected},
		{"link down", gwFailSender{ErrNotConnected}, func(x *GatewayXMPP) error {
			return x.Presence(ctx, relay.OutPresence{From: gwUser, To: "a@b"})
		}, ErrNotConnected},
		{"link down on receipt", gwFailSender{ErrNotConnected}, func(x *GatewayXMPP) error {
			return x.Receipt(ctx, gwUser, "a@b", "i")
		}, ErrNotConnected},
		{"link down on error", gwFailSender{ErrNotConnected}, func(x *GatewayXMPP) error {
			return x.MessageError(ctx, gwUser, "a@b", "i", &relay.Error{Kind: relay.KindTooLong, Text: "long"})
		}, ErrNotConnected},
		{"sender not an imid", &recSender{domain: testDomain}, func(x *GatewayXMPP) error {
			return x.Message(ctx, relay.OutMessage{From: bad, To: "a@b", Body: "x"})
		}, ident.ErrIMIDSyntax},
		{"no recipient", &recSender{domain: testDomain}, func(x *GatewayXMPP) error {
			return x.Message(ctx, relay.OutMessage{From: gwUser, Body: "x"})
		}, nil},
		{"bad recipient", &recSender{domain: testDomain}, func(x *GatewayXMPP) error {
			return x.Presence(ctx, relay.OutPresence{From: gwUser, To: "@@"})
		}, nil},
		{"unknown presence type", &recSender{domain: testDomain}, func(x *GatewayXMPP) error {
			return x.Presence(ctx, relay.OutPresence{From: gwUser, To: "a@b", Type: "error"})
		}, nil},
		{"receipt without id", &recSender{domain: testDomain}, func(x *GatewayXMPP) error {
			return x.Receipt(ctx, gwUser, "a@b", "")
		}, nil},
		{"error from a bad sender", &recSender{domain: testDomain}, func(x *GatewayXMPP) error {
			return x.MessageError(ctx, "", "a@b", "i", nil)
		}, ident.ErrIMIDSyntax},
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%d_%s", i, c.name), func(t *testing.T) {
			x := NewGatewayXMPP(c.sender)
			err := c.send(x)
			if err == nil || (c.wantErr != nil && !errors.Is(err, c.wantErr)) {
				t.Fatalf("err = %v, want %v", err, c.wantErr)
			}
			if strings.Contains(err.Error(), "4915123456789") {
				t.Errorf("the error repeats the bad input: %v", err)
			}
			if rs, ok := c.sender.(*recSender); ok && len(rs.sent) != 0 {
				t.Errorf("sent %v", rs.sent)
			}
		})
	}
}

func TestGatewayOutboundSetSender(t *testing.T) {
	x := NewGatewayXMPP(nil)
	if err := x.Receipt(context.Background(), gwUser, "a@b", "i"); !errors.Is(err, ErrNotConnected) {
		t.Fatalf("before SetSender: %v", err)
	}
	out := &recSender{domain: testDomain}
	x.SetSender(out)
	if err := x.Receipt(context.Background(), gwUser, "a@b", "i"); err != nil || len(out.sent) != 1 {
		t.Fatalf("after SetSender: %v, %v", err, out.sent)
	}
}

// Privacy: every attribute value and text of an outbound stanza is either
// something the relay gave, the SMS user's JID built from the imid, a fixed
// protocol word, or a generated stanza id. The renderers add no data.
func TestGatewayOutboundAddsNothing(t *testing.T) {
	m := relay.OutMessage{From: gwUser, Nick: "bob", To: "carol@example.org/x", ID: "mo-1", Body: "text"}
	p := relay.OutPresence{From: gwUser, To: "carol@example.org", Type: "subscribe", Status: "via SMS", Nick: "bob"}
	re := &relay.Error{Kind: relay.KindForbidden, Text: "blocked", Err: errors.New("cause with +4915123456789")}
	fixed := []string{gwUserJID, "chat", "error", "en", ErrTypeAuth}
	cases := []struct {
		name    string
		send    func(x *GatewayXMPP) error
		allowed []string
	}{
		{"message", func(x *GatewayXMPP) error { return x.Message(context.Background(), m) },
			[]string{m.Nick, m.To, m.ID, m.Body}},
		{"presence", func(x *GatewayXMPP) error { return x.Presence(context.Background(), p) },
			[]string{p.To, p.Type, p.Status, p.Nick}},
		{"receipt", func(x *GatewayXMPP) error {
			return x.Receipt(context.Background(), gwUser, "carol@example.org/x", "st-1")
		},
			[]string{"carol@example.org/x", "st-1"}},
		{"message error", func(x *GatewayXMPP) error {
			return x.MessageError(context.Background(), gwUser, "carol@example.org/x", "st-2", re)
		}, []string{"carol@example.org/x", "st-2", re.Text}},
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%d_%s", i, c.name), func(t *testing.T) {
			out := &recSender{domain: testDomain}
			if err := c.send(NewGatewayXMPP(out)); err != nil {
				t.Fatal(err)
			}
			st := gwOne(t, out.sent)
			ok := map[string]bool{"": true}
			for _, s := range append(c.allowed, fixed...) {
				ok[s] = true
			}
			var walk func(e *Element)
			walk = func(e *Element) {
				for _, a := range e.Attr {
					if a.Name.Local == "id" && e == st && strings.HasPrefix(a.Value, "rcpt-") {
						continue // a fresh stanza id
					}
					if !ok[a.Value] {
						t.Errorf("attribute %s=%q was not given by the relay", a.Name.Local, a.Value)
					}
				}
				if !ok[e.Text] {
					t.Errorf("text %q of <%s> was not given by the relay", e.Text, e.Name.Local)
				}
				for _, ch := range e.Children {
					walk(ch)
				}
			}
			walk(st)
			if strings.Contains(st.String(), "4915") {
				t.Errorf("a number leaked: %s", st)
			}
		})
	}
}
