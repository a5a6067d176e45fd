package component

import (
	"encoding/xml"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/mpimis/mpimis/relay"
)

func TestGatewayIQ(t *testing.T) {
	gwQuery := func(children ...*Element) *Element { return NewElement(gwNSGateway, "query").Add(children...) }
	prompt := func(s string) *Element { return NewElement(gwNSGateway, "prompt").WithText(s) }
	vcard := func() *Element { return NewElement(gwNSVCard, "vCard") }
	info := func(node string) *Element { return NewElement(NSDiscoInfo, "query", "node", node) }
	items := func(node string) *Element { return NewElement(NSDiscoItem, "query", "node", node) }
	reg := func() *Element { return NewElement(gwNSRegister, "query") }

	cases := []struct {
		name  string
		setup func(*gwFakeRelay)
		in    *Element
		want  string // the whole answer, or "error:<condition>"
		calls []string
	}{
		{"gateway prompt", nil, gwIQGet("1", gwAlice, testDomain, gwQuery()),
			`<iq type="result" id="1" from="sms.example.org" to="alice@example.org/phone"><query xmlns="jabber:iq:gateway">` +
				`<desc>Enter an SMS user's ID or @nick</desc><prompt>ID or nick</prompt></query></iq>`, nil},
		{"gateway prompt on a user", nil, gwIQGet("2", gwAlice, gwUserJID, gwQuery()), "error:" + CondServiceUnavailable, nil},
		{"resolve a nick", nil, gwIQSet("3", gwAlice, testDomain, gwQuery(prompt("@bob"))),
			`<iq type="result" id="3" from="sms.example.org" to="alice@example.org/phone"><query xmlns="jabber:iq:gateway">` +
				`<jid>45678901@sms.example.org</jid></query></iq>`, []string{"Resolve"}},
		{"resolve on a user", nil, gwIQSet("4", gwAlice, gwUserJID, gwQuery(prompt("@bob"))), "error:" + CondServiceUnavailable, nil},
		{"empty prompt", nil, gwIQSet("5", gwAlice, testDomain, gwQuery(prompt("  "))), "error:" + CondBadRequest, nil},
		{"no prompt", nil, gwIQSet("6", gwAlice, testDomain, gwQuery()), "error:" + CondBadRequest, nil},
		{"relay refuses a phone number", func(g *gwFakeRelay) {
			g.err = &relay.Error{Kind: relay.KindBadRequest, Text: "phone numbers are not resolved"}
		}, gwIQSet("7", gwAlice, testDomain, gwQuery(prompt("+4915123456789"))), "error:" + CondBadRequest, []string{"Resolve"}},
		{"relay resolves nothing", func(g *gwFakeRelay) {
			g.err = &relay.Error{Kind: relay.KindNotFound, Text: "no such user"}
		}, gwIQSet("8", gwAlice, testDomain, gwQuery(prompt("@nobody"))), "error:" + CondItemNotFound, []string{"Resolve"}},
		{"relay resolves to garbage", func(g *gwFakeRelay) { g.resolved = "bob" },
			gwIQSet("9", gwAlice, testDomain, gwQuery(prompt("@bob"))), "error:" + CondInternalServerError, []string{"Resolve"}},

		{"vcard of a user with a nick", nil, gwIQGet("10", gwAlice, gwUserJID, vcard()),
			`<iq type="result" id="10" from="45678901@sms.example.org" to="alice@example.org/phone">` +
				`<vCard xmlns="vcard-temp"><FN>bob</FN><NICKNAME>bob</NICKNAME></vCard></iq>`, []string{"Profile"}},
		{"vcard of a user without a nick", func(g *gwFakeRelay) { g.profiles[gwUser] = relay.Profile{IMID: gwUser} },
			gwIQGet("11", gwAlice, gwUserJID, vcard()),
			`<iq type="result" id="11" from="45678901@sms.example.org" to="alice@example.org/phone">` +
				`<vCard xmlns="vcard-temp"><FN>45678901</FN></vCard></iq>`, []string{"Profile"}},
		{"vcard of an unknown user", nil, gwIQGet("12", gwAlice, "99999999@"+testDomain, vcard()), "error:" + CondItemNotFound, []string{"Profile"}},
		{"vcard of a bad localpart", nil, gwIQGet("13", gwAlice, "bob@"+testDomain, vcard()), "error:" + CondItemNotFound, nil},
		{"vcard when the store fails", func(g *gwFakeRelay) { g.err = &relay.Error{Kind: relay.KindInternal, Text: "later"} },
			gwIQGet("14", gwAlice, gwUserJID, vcard()), "error:" + CondInternalServerError, []string{"Profile"}},
		{"vcard of the gateway", nil, gwIQGet("15", gwAlice, testDomain, vcard()),
			`<iq type="result" id="15" from="sms.example.org" to="alice@example.org/phone">` +
				`<vCard xmlns="vcard-temp"><FN>mpimis SMS gateway</FN></vCard></iq>`, nil},

		{"disco#info of a user", nil, gwIQGet("16", gwAlice, gwUserJID, info("")),
			`<iq type="result" id="16" from="45678901@sms.example.org" to="alice@example.org/phone">` +
				`<query xmlns="http://jabber.org/protocol/disco#info"><identity category="client" type="sms" name="bob"/>` +
				`<feature var="http://jabber.org/protocol/disco#info"/><feature var="urn:xmpp:receipts"/>` +
				`<feature var="vcard-temp"/></query></iq>`, []string{"Profile"}},
		{"disco#info of an unknown user", nil, gwIQGet("17", gwAlice, "99999999@"+testDomain, info("")), "error:" + CondItemNotFound, []string{"Profile"}},
		{"disco#info of a bad localpart", nil, gwIQGet("18", gwAlice, "x@"+testDomain, info("")), "error:" + CondItemNotFound, nil},
		{"disco#info of a user's node", nil, gwIQGet("19", gwAlice, gwUserJID, info("n")), "error:" + CondItemNotFound, nil},
		{"disco#items of a user", nil, gwIQGet("20", gwAlice, gwUserJID, items("")),
			`<iq type="result" id="20" from="45678901@sms.example.org" to="alice@example.org/phone">` +
				`<query xmlns="http://jabber.org/protocol/disco#items"/></iq>`, []string{"Profile"}},
		{"disco#items of an unknown user", nil, gwIQGet("21", gwAlice, "99999999@"+testDomain, items("")), "error:" + CondItemNotFound, []string{"Profile"}},
		{"disco#items of the domain", nil, gwIQGet("22", gwAlice, testDomain, items("")),
			`<iq type="result" id="22" from="sms.example.org" to="alice@example.org/phone">` +
				`<query xmlns="http://jabber.org/protocol/disco#items"/></iq>`, nil},
		{"disco#items of an unknown node", nil, gwIQGet("23", gwAlice, testDomain, items("x")), "error:" + CondItemNotFound, nil},
		{"disco#info of an unknown node", nil, gwIQGet("24", gwAlice, testDomain, info("x")), "error:" + CondItemNotFound, nil},

		{"register form", nil, gwIQGet("25", gwAlice, testDomain, reg()),
			`<iq type="result" id="25" from="sms.example.org" to="alice@example.org/phone"><query xmlns="jabber:iq:register">` +
				`<instructions>` + gwEscape(gwRegisterText) + `</instructions>` +
				`<x xmlns="jabber:x:data" type="form"><title>Registration</title><instructions>` + gwEscape(gwRegisterText) + `</instructions>` +
				`<field var="FORM_TYPE" type="hidden"><value>jabber:iq:register</value></field></x></query></iq>`, nil},
		{"register", nil, gwIQSet("26", gwAlice, testDomain, reg().Add(NewElement(gwNSRegister, "username").WithText("x"))),
			"error:" + CondNotAllowed, nil},
		{"register on a user", nil, gwIQGet("27", gwAlice, gwUserJID, reg()), "error:" + CondServiceUnavailable, nil},
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%d_%s", i, c.name), func(t *testing.T) {
			f := newGWFixture()
			if c.setup != nil {
				c.setup(f.gw)
			}
			ans := gwOne(t, f.handle(c.in))
			if ans.Get("id") != c.in.Get("id") {
				t.Fatalf("answer to the wrong id: %s", ans)
			}
			if cond, ok := strings.CutPrefix(c.want, "error:"); ok {
				gwWantError(t, ans, cond, "")
			} else {
				gwSameXML(t, ans, c.want)
			}
			if got := f.gw.callNames(); strings.Join(got, ",") != strings.Join(c.calls, ",") {
				t.Errorf("relay calls %v, want %v", got, c.calls)
			}
		})
	}
}

// The prompt handed to Resolve is trimmed; it never comes back in an error.
func TestGatewayResolvePromptHandling(t *testing.T) {
	f := newGWFixture()
	f.gw.err = &relay.Error{Kind: relay.KindBadRequest, Text: "phone numbers are not resolved"}
	const phone = "+49 151 23456789"
	ans := gwOne(t, f.handle(gwIQSet("p", gwAlice, testDomain,
		NewElement(gwNSGateway, "query").Add(NewElement(gwNSGateway, "prompt").WithText("  "+phone+"\n")))))
	if len(f.gw.prompts) != 1 || f.gw.prompts[0] != phone {
		t.Errorf("prompts %q", f.gw.prompts)
	}
	if strings.Contains(ans.String(), "151") {
		t.Errorf("the prompt was echoed: %s", ans)
	}
}

func TestGatewayDomainDiscoAdvertises(t *testing.T) {
	f := newGWFixture()
	AttachGateway(f.svc, f.gw, nil) // attaching twice does not duplicate features
	ans := gwOne(t, f.handle(gwIQGet("d", gwAlice, testDomain, NewElement(NSDiscoInfo, "query"))))
	q := ans.Child(NSDiscoInfo, "query")
	if q == nil {
		t.Fatalf("no disco#info: %s", ans)
	}
	var feats []string
	for _, c := range q.Children {
		if c.Name.Local == "feature" {
			feats = append(feats, c.Get("var"))
		}
	}
	want := []string{NSDiscoInfo, NSDiscoItem, NSPing, NSVersion, NSReceipts, gwNSGateway,
		gwNSRegister, gwNSCommands, gwNSVCard}
	sort.Strings(want)
	if strings.Join(feats, " ") != strings.Join(want, " ") {
		t.Errorf("features\n got %v\nwant %v", feats, want)
	}
	if id := q.Child(NSDiscoInfo, "identity"); id == nil || id.Get("category") != "gateway" || id.Get("type") != "sms" {
		t.Errorf("identity: %s", ans)
	}
}

// The canonical comparison used by the golden tests does see differences.
func TestGatewayGoldenComparison(t *testing.T) {
	base := `<message a="1" b="2"><body>x</body></message>`
	cases := []struct {
		other string
		same  bool
	}{
		{`<message b="2" a="1"><body>x</body></message>`, true},
		{`<message xmlns="jabber:component:accept" a="1" b="2"><body>x</body></message>`, true},
		{`<message a="1" b="3"><body>x</body></message>`, false},
		{`<message a="1"><body>x</body></message>`, false},
		{`<message a="1" b="2"><body>y</body></message>`, false},
		{`<message a="1" b="2"><body xmlns="urn:other">x</body></message>`, false},
		{`<message a="1" b="2"><body>x</body><x/></message>`, false},
	}
	for i, c := range cases {
		a, b := gwCanonical(gwDecode(t, base)), gwCanonical(gwDecode(t, c.other))
		if (a == b) != c.same {
			t.Errorf("case %d: same=%v, want %v", i, a == b, c.same)
		}
	}
}

// gwEscape escapes s as XML character data.
func gwEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
