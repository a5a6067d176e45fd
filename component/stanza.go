package component

import (
	"strconv"
	"sync/atomic"
)

// Namespaces used by this package.
const (
	NSComponent = "jabber:component:accept"
	NSStanzas   = "urn:ietf:params:xml:ns:xmpp-stanzas"
	NSStreams   = "http://etherx.jabber.org/streams"
	NSDiscoInfo = "http://jabber.org/protocol/disco#info"
	NSDiscoItem = "http://jabber.org/protocol/disco#items"
	NSPing      = "urn:xmpp:ping"
	NSVersion   = "jabber:iq:version"
	NSMUC       = "http://jabber.org/protocol/muc"
	NSReceipts  = "urn:xmpp:receipts"
	NSSID       = "urn:xmpp:sid:0"
	NSDataForms = "jabber:x:data"
)

// Stanza kinds and types, as they appear on the wire.
const (
	KindIQ       = "iq"
	KindMessage  = "message"
	KindPresence = "presence"

	TypeGet    = "get"
	TypeSet    = "set"
	TypeResult = "result"
	TypeError  = "error"
)

// IsStanza reports whether e is an iq, message or presence in the component
// namespace.
func IsStanza(e *Element) bool {
	if e.Name.Space != NSComponent && e.Name.Space != "" {
		return false
	}
	switch e.Name.Local {
	case KindIQ, KindMessage, KindPresence:
		return true
	}
	return false
}

// Payload returns the first child of an iq (its query element), or nil.
func Payload(iq *Element) *Element {
	if len(iq.Children) == 0 {
		return nil
	}
	return iq.Children[0]
}

// ResultFor returns an empty iq result answering iq, with from and to swapped.
func ResultFor(iq *Element) *Element {
	return NewElement(NSComponent, KindIQ,
		"type", TypeResult, "id", iq.Get("id"),
		"from", iq.Get("to"), "to", iq.Get("from"))
}

var idCounter atomic.Uint64

// NewID returns a process-unique stanza id with the given prefix. It is
// unique only within this process lifetime; ids that must survive restarts
// are derived from store keys by their owners.
func NewID(prefix string) string {
	return prefix + strconv.FormatUint(idCounter.Add(1), 36)
}
