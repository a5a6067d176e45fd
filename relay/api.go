package relay

import (
	"context"
	"fmt"
	"time"

	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/store"
)

// This file is the boundary of the relay core: what the XMPP side and the
// SMS side hand to it, and what it needs from them. The XMPP side
// (component's gateway glue) parses stanzas into these types and renders
// the outgoing ones; the SMS side (internal/smsflow) moves SMS between the
// SMPP session and the durable queues. Neither library is visible here.

// XMPPMessage is a message with a body sent by an XMPP user to an SMS
// user's JID (<imid>@<gateway_domain>). Bodyless messages (chat states,
// markers) never reach the relay: the XMPP side drops them.
type XMPPMessage struct {
	From        string     // sender's full JID, as stamped by the server
	To          ident.IMID // localpart of the gateway JID
	ID          string     // stanza id ("" if none)
	OriginID    string     // XEP-0359 origin-id, if any
	Type        string     // "chat" or "normal"
	Body        string
	WantReceipt bool // XEP-0184 <request/>
}

// SMSMessage is a decoded MO SMS taken from the durable MO queue. The
// same ID is handed again after a crash (delivery is at least once), so
// whatever the relay derives from it (XMPP stanza ids) must be stable.
type SMSMessage struct {
	ID         int64       // MO queue id
	From       ident.Phone // the phone that texted smpp.source_addr
	Text       string
	Incomplete bool // parts of a long SMS never arrived; Text has a marker
	ReceivedAt time.Time
	// Settle, if not nil, takes over the end of an MO relayed to XMPP:
	// the relay calls it (at most once, before FromSMS returns nil) with
	// what it records about the relayed message, and the SMS side
	// commits that with the MO's end once the XMPP server has confirmed
	// it took the message (XMPP.Flush). Without Settle the relay records
	// at once.
	Settle func(record func(*store.Tx) error)
}

// SMSMeta travels with an MT SMS through the queue and comes back with its
// delivery report, so that the relay can answer the XMPP sender.
type SMSMeta struct {
	Source      string // who sent it: an XMPP bare JID, or an imid for SMS -> SMS
	ReplyTo     string // full JID to receive XEP-0184 receipts and errors ("" for none)
	OriginID    string // the stanza id the receipt or error refers to
	WantReceipt bool
	FromIMID    ident.IMID // the SMS user's identity the XMPP sender wrote to (receipts come from it)
}

// DeliveryReport is the final fate of an MT SMS: every segment delivered,
// or a failure (a failed delivery report, or submission given up).
type DeliveryReport struct {
	Meta      SMSMeta
	Delivered bool
	Reason    string // for failures: the SMSC's stat or the submit error, never a number
}

// OutMessage is a chat message from an SMS user's identity to an XMPP user.
type OutMessage struct {
	From ident.IMID
	Nick string // display name (XEP-0172), "" if none
	To   string // recipient's bare or full JID
	ID   string // stable: derived from the MO queue id, also used as origin-id
	Body string
}

// OutPresence is a presence from an SMS user's identity.
type OutPresence struct {
	From   ident.IMID
	To     string // bare JID
	Type   string // "" (available), "unavailable", "subscribe", "subscribed", "unsubscribe", "unsubscribed", "probe"
	Status string // e.g. "via SMS"
	Nick   string
}

// XMPP is what the relay needs from the XMPP side. Implementations send
// at once or return an error (the link is down); they never block for
// long. The relay never passes a phone number to any of these.
type XMPP interface {
	Message(ctx context.Context, m OutMessage) error
	Presence(ctx context.Context, p OutPresence) error
	// Receipt sends a XEP-0184 <received id=.../> from an SMS user's JID.
	Receipt(ctx context.Context, from ident.IMID, to, id string) error
	// MessageError sends a message error about the stanza id to "to".
	MessageError(ctx context.Context, from ident.IMID, to, id string, err *Error) error
}

// SMS is what the relay needs from the SMS side.
type SMS interface {
	// Segments says how many SMS segments body takes (for the
	// limits.max_segments check before anything is queued).
	Segments(body string) (int, error)
	// Send queues an SMS for to durably; it returns once the message is in
	// the store. The SMS side adds nothing to body. with, if not nil, runs
	// in the transaction that stores the message, before it: what the
	// relay records about the message commits with it, and an error from
	// with queues nothing and is returned as is.
	Send(ctx context.Context, to ident.Phone, body string, meta SMSMeta, with func(*store.Tx) error) error
}

// ErrorKind classifies what the relay refuses; the XMPP side maps each
// kind to a stanza error in one place (DESIGN.md "XMPP interface"):
//
//	KindNotFound     item-not-found          unknown imid
//	KindUnavailable  recipient-unavailable   the SMS user opted out
//	KindForbidden    forbidden               blocked, or sender's domain not allowed
//	KindTooLong      not-acceptable          over limits.max_segments
//	KindRateLimited  resource-constraint     per-sender rate or daily cap
//	KindBadRequest   bad-request             malformed input
//	KindInternal     internal-server-error   store failure (retry later)
type ErrorKind int

// Error kinds.
const (
	KindInternal ErrorKind = iota
	KindNotFound
	KindUnavailable
	KindForbidden
	KindTooLong
	KindRateLimited
	KindBadRequest
)

// Error is a refusal with a short human-readable text (English, no phone
// number, no secret), shown to the XMPP sender.
type Error struct {
	Kind ErrorKind
	Text string
	Err  error // cause, for logs; not shown
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("relay: %s: %v", e.Text, e.Err)
	}
	return "relay: " + e.Text
}

func (e *Error) Unwrap() error { return e.Err }

// InPresence is a presence stanza from an XMPP user to an SMS user's JID.
type InPresence struct {
	From   string     // full JID
	To     ident.IMID // localpart of the gateway JID
	Type   string     // "", "unavailable", "probe", "subscribe", "subscribed", "unsubscribe", "unsubscribed"
	Show   string     // away, chat, dnd, xa, or ""
	Status string
}

// Profile is what XMPP users may learn about an SMS user (vcard-temp,
// XEP-0172 nick, presence): never the phone number.
type Profile struct {
	IMID      ident.IMID
	Nick      string
	Available bool // bound and opted in
}

// BindingInfo is a binding as an administrator sees it: no phone number.
type BindingInfo struct {
	IMID      ident.IMID
	Nick      string
	State     string // active, optout, suspended
	CreatedAt time.Time
	Buddies   int
	Blocks    int
}

// Gateway is the relay as the XMPP side sees it; *Core implements it.
// Methods are called on the gateway link's dispatch goroutine: they do
// store look-ups and queue writes (milliseconds) and never wait on the
// network.
type Gateway interface {
	// FromXMPP relays a message to an SMS user. nil means it is queued (a
	// receipt or an error follows later); an *Error is sent back to the
	// sender as a message error.
	FromXMPP(ctx context.Context, m XMPPMessage) error
	// Presence handles presence, probes and subscriptions addressed to an
	// SMS user; answers go out through XMPP.Presence.
	Presence(ctx context.Context, p InPresence) error
	// Profile returns the public profile of an SMS user (KindNotFound).
	Profile(ctx context.Context, imid ident.IMID) (Profile, error)
	// Resolve implements XEP-0100 jabber:iq:gateway: an imid or a nick
	// (with or without '@') to the imid; a phone number is refused with
	// KindBadRequest, never resolved.
	Resolve(ctx context.Context, prompt string) (ident.IMID, error)

	// IsAdmin reports whether the bare JID is in xmpp.admins.
	IsAdmin(bareJID string) bool
	// FindBinding looks a binding up by imid or nick (KindNotFound).
	FindBinding(ctx context.Context, query string) (BindingInfo, error)
	// Unbind retires a binding as UNREG would, without SMS to the phone.
	Unbind(ctx context.Context, imid ident.IMID) error
	// Suspend blocks a binding: no SMS to or from it until Resume.
	Suspend(ctx context.Context, imid ident.IMID) error
	Resume(ctx context.Context, imid ident.IMID) error
	// Counters returns named counters for the admin "stats" command
	// (bindings by state, messages relayed by direction, refusals by kind).
	Counters(ctx context.Context) (map[string]int64, error)
}

// Inbound is the relay as the SMS side sees it; *Core implements it.
type Inbound interface {
	// FromSMS handles one MO SMS (a command, or text to relay). A non-nil
	// error means "try again later" (the MO stays queued); everything the
	// relay decides, including refusals answered by SMS, returns nil.
	FromSMS(ctx context.Context, m SMSMessage) error
	// Report hands the final fate of an MT SMS back (receipt or error to
	// the XMPP sender; nothing is ever texted back about receipts).
	Report(ctx context.Context, r DeliveryReport) error
}
