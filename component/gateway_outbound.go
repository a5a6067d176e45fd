package component

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"mellium.im/xmpp/jid"

	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/relay"
)

// GatewayXMPP is relay.XMPP on the gateway link: it renders what the relay
// sends from SMS users' identities and writes it through a Sender (the
// gateway domain's Link). Each call sends at once or returns the Sender's
// error (ErrNotConnected while the link is down), so the relay can keep the
// message and retry; it never waits for an answer. Stanzas carry only what
// the relay gave, plus fixed protocol elements and fresh stanza ids.
//
// Its methods are safe for concurrent use.
type GatewayXMPP struct {
	mu sync.RWMutex
	s  Sender
}

var _ relay.XMPP = (*GatewayXMPP)(nil)

// NewGatewayXMPP returns the relay's XMPP side sending through s, which
// may be nil until SetSender is called (sends fail with ErrNotConnected
// meanwhile).
func NewGatewayXMPP(s Sender) *GatewayXMPP {
	return &GatewayXMPP{s: s}
}

// SetSender sets (or replaces) the Sender used from now on.
func (x *GatewayXMPP) SetSender(s Sender) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.s = s
}

func (x *GatewayXMPP) sender() (Sender, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.s == nil {
		return nil, ErrNotConnected
	}
	return x.s, nil
}

// Flush returns once the server has taken what was sent before, when the
// Sender can tell (a Link); otherwise at once. The SMS flow uses it to
// confirm relayed MOs (smsflow.Flusher).
func (x *GatewayXMPP) Flush(ctx context.Context) error {
	s, err := x.sender()
	if err != nil {
		return err
	}
	if f, ok := s.(Flusher); ok {
		return f.Flush(ctx)
	}
	return nil
}

// send renders with the link's domain and sends.
func (x *GatewayXMPP) send(ctx context.Context, render func(domain string) (*Element, error)) error {
	s, err := x.sender()
	if err != nil {
		return err
	}
	st, err := render(s.Domain())
	if err != nil {
		return err
	}
	return s.Send(ctx, st)
}

// Message sends a chat message from an SMS user's JID, with the relay's
// stable id as stanza id and XEP-0359 origin-id, and the XEP-0172 nick
// when there is one. No receipt is requested: receipts from XMPP clients
// are not processed.
func (x *GatewayXMPP) Message(ctx context.Context, m relay.OutMessage) error {
	return x.send(ctx, func(domain string) (*Element, error) { return gwRenderMessage(domain, m) })
}

// Presence sends a presence from an SMS user's JID.
func (x *GatewayXMPP) Presence(ctx context.Context, p relay.OutPresence) error {
	return x.send(ctx, func(domain string) (*Element, error) { return gwRenderPresence(domain, p) })
}

// Receipt sends a XEP-0184 <received id=.../> from an SMS user's JID.
func (x *GatewayXMPP) Receipt(ctx context.Context, from ident.IMID, to, id string) error {
	return x.send(ctx, func(domain string) (*Element, error) { return gwRenderReceipt(domain, from, to, id) })
}

// MessageError sends a message error about the stanza id to "to", from an
// SMS user's JID, with the condition mapped from err's kind (as for answers
// to inbound messages) and err's text.
func (x *GatewayXMPP) MessageError(ctx context.Context, from ident.IMID, to, id string, err *relay.Error) error {
	return x.send(ctx, func(domain string) (*Element, error) { return gwRenderMessageError(domain, from, to, id, err) })
}

// gwAddrs checks the sending imid and the recipient JID and returns the
// sender's JID.
func gwAddrs(what, domain string, from ident.IMID, to string) (string, error) {
	if _, err := ident.ParseIMID(from.String()); err != nil {
		return "", fmt.Errorf("component: %s: sender: %w", what, err)
	}
	if to == "" {
		return "", fmt.Errorf("component: %s: no recipient", what)
	}
	if _, err := jid.Parse(to); err != nil {
		return "", fmt.Errorf("component: %s: recipient: %w", what, err)
	}
	return from.String() + "@" + domain, nil
}

func gwRenderMessage(domain string, m relay.OutMessage) (*Element, error) {
	from, err := gwAddrs("message", domain, m.From, m.To)
	if err != nil {
		return nil, err
	}
	id := m.ID
	if id == "" {
		id = NewID("sms-")
	}
	st := NewElement(NSComponent, KindMessage, "type", gwMsgChat, "from", from, "to", m.To, "id", id).Add(
		NewElement(NSComponent, "body").WithText(m.Body),
		NewElement(NSSID, "origin-id", "id", id),
	)
	if m.Nick != "" {
		st.Add(NewElement(gwNSNick, "nick").WithText(m.Nick))
	}
	return st, nil
}

func gwRenderPresence(domain string, p relay.OutPresence) (*Element, error) {
	from, err := gwAddrs("presence", domain, p.From, p.To)
	if err != nil {
		return nil, err
	}
	if !gwPresenceTypes[p.Type] {
		return nil, fmt.Errorf("component: presence: unknown type %q", p.Type)
	}
	st := NewElement(NSComponent, KindPresence, "from", from, "to", p.To, "type", p.Type)
	if p.Status != "" {
		st.Add(NewElement(NSComponent, "status").WithText(p.Status))
	}
	if p.Nick != "" {
		st.Add(NewElement(gwNSNick, "nick").WithText(p.Nick))
	}
	return st, nil
}

func gwRenderReceipt(domain string, fromID ident.IMID, to, id string) (*Element, error) {
	from, err := gwAddrs("receipt", domain, fromID, to)
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, errors.New("component: receipt: no stanza id to acknowledge")
	}
	return NewElement(NSComponent, KindMessage, "from", from, "to", to, "id", NewID("rcpt-")).Add(
		NewElement(NSReceipts, "received", "id", id),
	), nil
}

func gwRenderMessageError(domain string, fromID ident.IMID, to, id string, rerr *relay.Error) (*Element, error) {
	from, err := gwAddrs("message error", domain, fromID, to)
	if err != nil {
		return nil, err
	}
	se := &StanzaError{Type: ErrTypeWait, Condition: CondInternalServerError}
	if rerr != nil {
		se = gwStanzaError(rerr)
	}
	return NewElement(NSComponent, KindMessage, "type", TypeError, "from", from, "to", to, "id", id).Add(
		se.Element(),
	), nil
}
