package component

import (
	"encoding/xml"
	"errors"
	"strings"
	"testing"

	"github.com/mpimis/mpimis/relay"
)

// gwDecodeAll decodes up to max top-level elements of s.
func gwDecodeAll(s string, max int) []*Element {
	d := xml.NewDecoder(strings.NewReader(s))
	var out []*Element
	for len(out) < max {
		tok, err := d.Token()
		if err != nil {
			return out
		}
		if st, ok := tok.(xml.StartElement); ok {
			el, err := DecodeElement(d, st)
			if err != nil {
				return out
			}
			out = append(out, el)
		}
	}
	return out
}

// gwFuzzErrors are the relay behaviours a fuzz case can pick.
var gwFuzzErrors = []error{
	nil,
	&relay.Error{Kind: relay.KindNotFound, Text: "not found"},
	&relay.Error{Kind: relay.KindUnavailable, Text: "opted out"},
	&relay.Error{Kind: relay.KindForbidden, Text: "blocked"},
	&relay.Error{Kind: relay.KindTooLong, Text: "too long"},
	&relay.Error{Kind: relay.KindRateLimited, Text: "slow down"},
	&relay.Error{Kind: relay.KindBadRequest, Text: "bad"},
	&relay.Error{Kind: relay.KindInternal, Text: "later"},
	errors.New("plain failure"),
}

// FuzzGatewayInbound feeds decoded stanzas (a few per input, handled in
// order by one gateway; "$SID" in an attribute stands for the last command
// session id seen) through the gateway glue: it never panics, every iq get
// or set gets exactly one answer addressed back to its sender, nothing else
// that must not be answered is, and a bodyless message never reaches the
// relay.
func FuzzGatewayInbound(f *testing.F) {
	const c = `xmlns="jabber:component:accept"`
	const a = `from="root@example.org/laptop"`
	seeds := []string{
		`<message ` + c + ` type="chat" id="1" from="a@b/c" to="45678901@sms.example.org"><body>hi</body><request xmlns="urn:xmpp:receipts"/><origin-id xmlns="urn:xmpp:sid:0" id="o"/></message>`,
		`<message ` + c + ` type="chat" id="2" from="a@b/c" to="45678901@sms.example.org"><composing xmlns="http://jabber.org/protocol/chatstates"/></message>`,
		`<message ` + c + ` type="groupchat" from="a@b/c" to="x@sms.example.org"><body>x</body></message>`,
		`<message ` + c + ` type="error" from="a@b/c" to="45678901@sms.example.org"><error type="cancel"><item-not-found xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></message>`,
		`<presence ` + c + ` type="subscribe" from="a@b/c" to="sms.example.org"/>`,
		`<presence ` + c + ` type="probe" from="a@b/c" to="nobody@sms.example.org"/>`,
		`<presence ` + c + ` from="a@b/c" to="45678901@sms.example.org"><show>away</show><status>x</status></presence>`,
		`<iq ` + c + ` type="get" id="g" from="a@b/c" to="sms.example.org"><query xmlns="jabber:iq:gateway"/></iq>`,
		`<iq ` + c + ` type="set" id="s" from="a@b/c" to="sms.example.org"><query xmlns="jabber:iq:gateway"><prompt>@bob</prompt></query></iq>`,
		`<iq ` + c + ` type="get" id="v" from="a@b/c" to="45678901@sms.example.org"><vCard xmlns="vcard-temp"/></iq>`,
		`<iq ` + c + ` type="get" id="d" from="a@b/c" to="45678901@sms.example.org"><query xmlns="http://jabber.org/protocol/disco#info"/></iq>`,
		`<iq ` + c + ` type="get" id="i" ` + a + ` to="sms.example.org"><query xmlns="http://jabber.org/protocol/disco#items" node="http://jabber.org/protocol/commands"/></iq>`,
		`<iq ` + c + ` type="get" id="r" from="a@b/c" to="sms.example.org"><query xmlns="jabber:iq:register"/></iq>`,
		`<iq ` + c + ` type="set" id="x1" ` + a + ` to="sms.example.org"><command xmlns="http://jabber.org/protocol/commands" node="unbind" action="execute"/></iq>` +
			`<iq ` + c + ` type="set" id="x2" ` + a + ` to="sms.example.org"><command xmlns="http://jabber.org/protocol/commands" node="unbind" sessionid="$SID" action="complete"><x xmlns="jabber:x:data" type="submit"><field var="imid"><value>45678901</value></field><field var="confirm"><value>1</value></field></x></command></iq>`,
		`<iq ` + c + ` type="set" id="y" ` + a + ` to="sms.example.org"><command xmlns="http://jabber.org/protocol/commands" node="stats"/></iq>`,
		`<iq ` + c + ` type="set" id="z" ` + a + ` to="sms.example.org"><command xmlns="http://jabber.org/protocol/commands" node="find" sessionid="$SID" action="cancel"/></iq>`,
		`<iq ` + c + ` type="result" id="q" from="a@b" to="sms.example.org"/>`,
		`<iq ` + c + ` type="get" id="w" from="a@b" to="@@"><ping xmlns="urn:xmpp:ping"/></iq>`,
	}
	for i, s := range seeds {
		f.Add(s, uint8(i))
	}
	f.Fuzz(func(t *testing.T, s string, pick uint8) {
		fx := newGWFixture()
		fx.gw.err = gwFuzzErrors[int(pick)%len(gwFuzzErrors)]
		sid := ""
		for _, st := range gwDecodeAll(s, 8) {
			if !IsStanza(st) {
				continue
			}
			gwSetSID(st, sid)
			relayedBefore := len(fx.gw.messages)
			out := fx.handle(st)
			for _, o := range out {
				if cmd := o.Child(gwNSCommands, "command"); cmd != nil && cmd.Get("sessionid") != "" {
					sid = cmd.Get("sessionid")
				}
			}
			gwCheckAnswers(t, st, out)
			if st.Name.Local == KindMessage {
				b := st.Child("", "body")
				if (b == nil || strings.TrimSpace(b.Text) == "") && len(fx.gw.messages) != relayedBefore {
					t.Fatalf("a bodyless message was relayed: %s", st)
				}
			}
		}
	})
}

// gwSetSID replaces "$SID" in the sessionid of a command payload.
func gwSetSID(st *Element, sid string) {
	for _, p := range st.Children {
		if p.Name.Space == gwNSCommands && p.Get("sessionid") == "$SID" {
			p.SetAttr("sessionid", sid)
		}
	}
}

// gwCheckAnswers asserts the answering rules for one inbound stanza.
func gwCheckAnswers(t *testing.T, st *Element, out []*Element) {
	t.Helper()
	typ := st.Get("type")
	switch st.Name.Local {
	case KindIQ:
		if typ != TypeGet && typ != TypeSet {
			if len(out) != 0 {
				t.Fatalf("iq %s answered: %v", typ, out)
			}
			return
		}
		if len(out) != 1 {
			t.Fatalf("iq %s got %d answers: %v\nin: %s", typ, len(out), out, st)
		}
		a := out[0]
		if a.Name.Local != KindIQ || a.Get("id") != st.Get("id") || a.Get("to") != st.Get("from") ||
			(a.Get("type") != TypeResult && a.Get("type") != TypeError) {
			t.Fatalf("bad iq answer %s\nto %s", a, st)
		}
	case KindMessage:
		for _, a := range out {
			if typ == TypeError || a.Name.Local != KindMessage || a.Get("type") != TypeError || a.Get("id") != st.Get("id") {
				t.Fatalf("bad message answer %s\nto %s", a, st)
			}
		}
		if len(out) > 1 {
			t.Fatalf("message answered %d times", len(out))
		}
	case KindPresence:
		if typ == TypeError && len(out) != 0 {
			t.Fatalf("presence error answered: %v", out)
		}
		for _, a := range out {
			if a.Name.Local != KindPresence {
				t.Fatalf("presence answered with %s", a)
			}
			switch a.Get("type") {
			case "", gwPresSubscribed, gwPresUnsubscribed:
			default:
				t.Fatalf("presence answered with %s", a)
			}
		}
	}
}
