package component

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/mpimis/mpimis/relay"
)

func TestGatewayInboundMessage(t *testing.T) {
	receipt := func() *Element { return NewElement(NSReceipts, "request") }
	origin := func(id string) *Element { return NewElement(NSSID, "origin-id", "id", id) }
	cases := []struct {
		name    string
		in      *Element
		relayed *relay.XMPPMessage // nil: the relay must not be called
		answer  string             // "" no answer, else the error condition
	}{
		{"chat with receipt request and origin-id",
			gwMsg("m1", "chat", gwUserJID, gwBody("hello"), receipt(), origin("o-1")),
			&relay.XMPPMessage{From: gwAlice, To: gwUser, ID: "m1", OriginID: "o-1", Type: "chat", Body: "hello", WantReceipt: true}, ""},
		{"normal without extras",
			gwMsg("m2", "normal", gwUserJID, gwBody("hi")),
			&relay.XMPPMessage{From: gwAlice, To: gwUser, ID: "m2", Type: "normal", Body: "hi"}, ""},
		{"no type is normal",
			gwMsg("m3", "", gwUserJID, gwBody("x")),
			&relay.XMPPMessage{From: gwAlice, To: gwUser, ID: "m3", Type: "normal", Body: "x"}, ""},
		{"unknown type is normal",
			gwMsg("m4", "weird", gwUserJID, gwBody("x")),
			&relay.XMPPMessage{From: gwAlice, To: gwUser, ID: "m4", Type: "normal", Body: "x"}, ""},
		{"to a full JID of the user",
			gwMsg("m5", "chat", gwUserJID+"/res", gwBody(" spaced ")),
			&relay.XMPPMessage{From: gwAlice, To: gwUser, ID: "m5", Type: "chat", Body: " spaced "}, ""},
		{"no id",
			gwMsg("", "chat", gwUserJID, gwBody("x"), origin("o-2")),
			&relay.XMPPMessage{From: gwAlice, To: gwUser, OriginID: "o-2", Type: "chat", Body: "x"}, ""},
		{"chat state only", gwMsg("b1", "chat", gwUserJID, NewElement("http://jabber.org/protocol/chatstates", "composing")), nil, ""},
		{"marker only", gwMsg("b2", "chat", gwUserJID, NewElement("urn:xmpp:chat-markers:0", "displayed", "id", "x")), nil, ""},
		{"receipt ack only", gwMsg("b3", "chat", gwUserJID, NewElement(NSReceipts, "received", "id", "x")), nil, ""},
		{"empty body", gwMsg("b4", "chat", gwUserJID, gwBody("")), nil, ""},
		{"white-space body", gwMsg("b5", "chat", gwUserJID, gwBody(" \n\t")), nil, ""},
		{"bodyless to a bad localpart", gwMsg("b6", "chat", "nobody@"+testDomain), nil, ""},
		{"bodyless groupchat", gwMsg("b7", "groupchat", gwUserJID), nil, ""},
		{"headline", gwMsg("h1", "headline", gwUserJID, gwBody("news")), nil, ""},
		{"error bounce", gwMsg("e1", "error", gwUserJID, gwBody("x"),
			(&StanzaError{Type: ErrTypeCancel, Condition: CondItemNotFound}).Element()), nil, ""},
		{"groupchat", gwMsg("g1", "groupchat", gwUserJID, gwBody("x")), nil, CondServiceUnavailable},
		{"letters in localpart", gwMsg("l1", "chat", "alice@"+testDomain, gwBody("x")), nil, CondItemNotFound},
		{"leading zero", gwMsg("l2", "chat", "04567890@"+testDomain, gwBody("x")), nil, CondItemNotFound},
		{"too short", gwMsg("l3", "chat", "12345@"+testDomain, gwBody("x")), nil, CondItemNotFound},
		{"to the domain", gwMsg("d1", "chat", testDomain, gwBody("x")), nil, CondServiceUnavailable},
		{"no from", NewElement(NSComponent, KindMessage, "id", "f1", "type", "chat", "to", gwUserJID).Add(gwBody("x")), nil, ""},
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%d_%s", i, c.name), func(t *testing.T) {
			f := newGWFixture()
			out := f.handle(c.in)
			switch {
			case c.relayed == nil && len(f.gw.messages) != 0:
				t.Errorf("relayed %+v", f.gw.messages)
			case c.relayed != nil && (len(f.gw.messages) != 1 || !reflect.DeepEqual(f.gw.messages[0], *c.relayed)):
				t.Errorf("relayed %+v, want %+v", f.gw.messages, *c.relayed)
			}
			if c.answer == "" {
				if len(out) != 0 {
					t.Fatalf("unexpected answer %v", out)
				}
				return
			}
			ans := gwOne(t, out)
			gwWantError(t, ans, c.answer, ErrTypeCancel)
			if ans.Name.Local != KindMessage || ans.Get("id") != c.in.Get("id") ||
				ans.Get("to") != gwAlice || ans.Get("from") != c.in.Get("to") {
				t.Errorf("bad error envelope: %s", ans)
			}
		})
	}
}

// Every relay error kind becomes its stanza error, with the relay's text.
func TestGatewayErrorMapping(t *testing.T) {
	cases := []struct {
		err        error
		cond, typ  string
		text       string
		textOnWire bool
	}{
		{&relay.Error{Kind: relay.KindNotFound, Text: "unknown ID"}, CondItemNotFound, ErrTypeCancel, "unknown ID", true},
		{&relay.Error{Kind: relay.KindUnavailable, Text: "opted out"}, CondRecipientUnavailable, ErrTypeWait, "opted out", true},
		{&relay.Error{Kind: relay.KindForbidden, Text: "blocked"}, CondForbidden, ErrTypeAuth, "blocked", true},
		{&relay.Error{Kind: relay.KindTooLong, Text: "too long"}, CondNotAcceptable, ErrTypeModify, "too long", true},
		{&relay.Error{Kind: relay.KindRateLimited, Text: "slow down"}, CondResourceConstraint, ErrTypeWait, "slow down", true},
		{&relay.Error{Kind: relay.KindBadRequest, Text: "bad"}, CondBadRequest, ErrTypeModify, "bad", true},
		{&relay.Error{Kind: relay.KindInternal, Text: "try later", Err: errors.New("disk full")}, CondInternalServerError, ErrTypeWait, "try later", true},
		{&relay.Error{Kind: relay.ErrorKind(99), Text: "odd"}, CondInternalServerError, ErrTypeWait, "odd", true},
		{fmt.Errorf("relay: wrapped: %w", &relay.Error{Kind: relay.KindForbidden, Text: "blocked"}), CondForbidden, ErrTypeAuth, "blocked", true},
		{errors.New("store: secret detail"), CondInternalServerError, ErrTypeWait, "", false},
		{&StanzaError{Type: ErrTypeCancel, Condition: CondPolicyViolation, Text: "as is"}, CondPolicyViolation, ErrTypeCancel, "as is", true},
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%d_%s", i, c.cond), func(t *testing.T) {
			f := newGWFixture()
			f.gw.err = c.err
			ans := gwOne(t, f.handle(gwMsg("x1", "chat", gwUserJID, gwBody("hi"))))
			se := gwWantError(t, ans, c.cond, c.typ)
			if se.Text != c.text {
				t.Errorf("text %q, want %q", se.Text, c.text)
			}
			if !c.textOnWire && ans.Child("", "error").Child(NSStanzas, "text") != nil {
				t.Errorf("an internal error's message reached the wire: %s", ans)
			}
			// The same mapping serves outbound message errors.
			var re *relay.Error
			if errors.As(c.err, &re) {
				st, err := gwRenderMessageError(testDomain, gwUser, gwAlice, "x1", re)
				if err != nil {
					t.Fatal(err)
				}
				if got := ParseStanzaError(st); *got != *se {
					t.Errorf("outbound mapping %+v, inbound %+v", got, se)
				}
			}
		})
	}
}
