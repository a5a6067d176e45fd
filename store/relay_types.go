package store

import (
	"fmt"
	"strings"
	"time"
)

// The relay state (migration 4) hangs off a binding's imid: suspensions,
// blocks, the buddy list, the sticky correspondent, the registering MO and
// the daily send counters. None of it holds a phone number.
//
// A peer is the other party of a relation: an XMPP bare JID
// ("alice@example.org", which always contains '@') or an SMS user written
// as [IMIDPeer] ("imid:45678901", which never does). The same form names a
// sender in the daily counters. [Store.UnbindAll] removes every row that
// names a retired imid, on either side.

// imidPeerPrefix starts a peer that is an SMS user.
const imidPeerPrefix = "imid:"

// IMIDPeer returns the peer form of an SMS user's imid ("imid:45678901").
func IMIDPeer(imid string) string { return imidPeerPrefix + imid }

// PeerIMID returns the imid of a peer written by [IMIDPeer], and false for
// any other peer (an XMPP bare JID).
func PeerIMID(peer string) (string, bool) {
	if !strings.HasPrefix(peer, imidPeerPrefix) {
		return "", false
	}
	return peer[len(imidPeerPrefix):], true
}

// SubState is the state of an SMS user's subscription to a buddy's
// presence (the "to" half of a roster item).
type SubState string

// Subscription states.
const (
	// SubNone: the user does not get the buddy's presence.
	SubNone SubState = "none"
	// SubPending: a subscribe went out, no answer yet.
	SubPending SubState = "pending"
	// SubSubscribed: the buddy approved; their presence is tracked.
	SubSubscribed SubState = "subscribed"
)

// PresenceState is the last presence known of a buddy.
type PresenceState string

// Presence states.
const (
	// PresenceUnknown: nothing received (not shared, or not yet).
	PresenceUnknown PresenceState = "unknown"
	// PresenceAvailable: online, with Show and Status.
	PresenceAvailable PresenceState = "available"
	// PresenceUnavailable: offline.
	PresenceUnavailable PresenceState = "unavailable"
)

// Buddy is one row of an SMS user's buddy list, roster style: whether the
// user listed the peer (ADD), the user's subscription to the peer's
// presence, whether the peer is subscribed to the user's presence, and the
// peer's last presence.
type Buddy struct {
	// Owner is the SMS user's imid.
	Owner string
	// Peer is a bare JID or an [IMIDPeer].
	Peer string
	// Listed: the user added the peer (ADD) and LIST shows it.
	Listed bool
	// To is the user's subscription to the peer's presence.
	To SubState
	// From: the peer is subscribed to the user's presence.
	From bool
	// Presence, Show and Status are the peer's last presence.
	Presence     PresenceState
	Show, Status string
	// UpdatedAt has millisecond precision, in UTC.
	UpdatedAt time.Time
}

// String describes the row (it holds no phone number).
func (b Buddy) String() string {
	return fmt.Sprintf("buddy owner=%s peer=%s listed=%t to=%s from=%t presence=%s",
		b.Owner, b.Peer, b.Listed, b.To, b.From, b.Presence)
}

// empty reports whether the row carries nothing worth keeping.
func (b Buddy) empty() bool { return !b.Listed && !b.From }

// valid reports whether the enumerated fields hold known values.
func (b Buddy) valid() bool {
	switch b.To {
	case SubNone, SubPending, SubSubscribed:
	default:
		return false
	}
	switch b.Presence {
	case PresenceUnknown, PresenceAvailable, PresenceUnavailable:
	default:
		return false
	}
	return true
}

// Sticky is the last correspondent of an SMS user, for replies without an
// address (DESIGN.md, sticky reply).
type Sticky struct {
	// Owner is the SMS user's imid.
	Owner string
	// Peer is a bare JID or an [IMIDPeer].
	Peer string
	// At is when the two last exchanged a message (millisecond precision).
	At time.Time
}
