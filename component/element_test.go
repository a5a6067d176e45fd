package component

import (
	"encoding/xml"
	"errors"
	"strings"
	"testing"
)

// decodeString decodes the first element of s.
func decodeString(s string) (*Element, error) {
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		if st, ok := tok.(xml.StartElement); ok {
			return DecodeElement(d, st)
		}
	}
}

func TestElementRoundTrip(t *testing.T) {
	cases := []string{
		`<message xmlns="jabber:component:accept" to="1@sms.example.org" type="chat"><body>hi &amp; &lt;bye&gt;</body></message>`,
		`<iq xmlns="jabber:component:accept" type="get" id="a"><query xmlns="http://jabber.org/protocol/disco#info" node="n"></query></iq>`,
		`<presence xmlns="jabber:component:accept"><x xmlns="http://jabber.org/protocol/muc"><history maxstanzas="5"></history></x></presence>`,
	}
	for i, c := range cases {
		el, err := decodeString(c)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		again, err := decodeString(el.String())
		if err != nil {
			t.Fatalf("case %d: re-decoding %s: %v", i, el, err)
		}
		if el.String() != again.String() {
			t.Errorf("case %d: round trip changed\n%s\n%s", i, el, again)
		}
	}
	el, _ := decodeString(cases[1])
	if q := Payload(el); q == nil || q.Name.Space != NSDiscoInfo || q.Get("node") != "n" {
		t.Errorf("payload not decoded with its namespace: %s", el)
	}
	if el.Get("xmlns") != "" {
		t.Errorf("namespace declaration kept as attribute")
	}
}

func TestElementTokensInheritStreamNamespace(t *testing.T) {
	el := NewElement(NSComponent, KindMessage, "to", "a@b").Add(NewElement(NSComponent, "body").WithText("x"), NewElement(NSReceipts, "request"))
	var b strings.Builder
	enc := xml.NewEncoder(&b)
	r := el.TokenReader()
	for {
		tok, err := r.Token()
		if err != nil {
			break
		}
		if err := enc.EncodeToken(tok); err != nil {
			t.Fatal(err)
		}
	}
	enc.Flush()
	want := `<message to="a@b"><body>x</body><request xmlns="urn:xmpp:receipts"></request></message>`
	if b.String() != want {
		t.Errorf("got  %s\nwant %s", b.String(), want)
	}
}

func TestDecodeLimits(t *testing.T) {
	deep := strings.Repeat("<a>", maxDepth+5) + strings.Repeat("</a>", maxDepth+5)
	wide := "<m>" + strings.Repeat("<b/>", maxTokens) + "</m><next/>"
	big := "<m>" + strings.Repeat("x", maxText+10) + "</m>"
	for i, c := range []string{deep, wide, big} {
		d := xml.NewDecoder(strings.NewReader(c))
		tok, _ := d.Token()
		_, err := DecodeElement(d, tok.(xml.StartElement))
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("case %d: err %v, want ErrTooLarge", i, err)
		}
		if i == 1 { // the stream stays in step: the next element is intact
			tok, err := d.Token()
			if st, ok := tok.(xml.StartElement); err != nil || !ok || st.Name.Local != "next" {
				t.Errorf("stream out of step after oversized stanza: %v %v", tok, err)
			}
		}
	}
	if _, err := decodeString("<a><b></a>"); err == nil {
		t.Errorf("malformed XML accepted")
	}
}

func TestStanzaErrors(t *testing.T) {
	msg := NewElement(NSComponent, KindMessage, "id", "1", "from", "a@b/c", "to", "1@gw", "type", "chat")
	r := ErrorReply(msg, &StanzaError{Type: ErrTypeCancel, Condition: CondItemNotFound, Text: "no such user"})
	if r.Get("from") != "1@gw" || r.Get("to") != "a@b/c" || r.Get("type") != TypeError || r.Get("id") != "1" {
		t.Fatalf("addressing wrong: %s", r)
	}
	se := ParseStanzaError(r)
	if se == nil || se.Condition != CondItemNotFound || se.Type != ErrTypeCancel || se.Text != "no such user" {
		t.Fatalf("parsed %+v from %s", se, r)
	}
	for i, st := range []*Element{
		NewElement(NSComponent, KindMessage, "type", TypeError),
		NewElement(NSComponent, KindIQ, "type", TypeResult),
		NewElement(NSComponent, KindPresence, "type", TypeError),
	} {
		if ErrorReply(st, &StanzaError{Type: ErrTypeCancel, Condition: CondBadRequest}) != nil {
			t.Errorf("case %d: answered an unanswerable stanza %s", i, st)
		}
	}
}

// FuzzDecodeElement: any bytes from the server decode to an element or an
// error, never a panic; what decodes renders to XML that decodes to the
// same rendering.
func FuzzDecodeElement(f *testing.F) {
	for _, s := range []string{
		`<message to="a@b"><body>hi</body></message>`,
		`<iq type="get"><query xmlns="http://jabber.org/protocol/disco#info"/></iq>`,
		`<a xmlns:p="urn:x"><p:b p:c="d">t</p:b></a>`,
		`<a><b></a>`, `<a xml:lang="en">x</a>`, ``,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		el, err := decodeString(s)
		if err != nil || el == nil {
			return
		}
		out := el.String()
		again, err := decodeString(out)
		if err != nil {
			t.Fatalf("rendering %q does not decode: %v", out, err)
		}
		if again.String() != out {
			t.Fatalf("unstable rendering:\n%s\n%s", out, again)
		}
	})
}
