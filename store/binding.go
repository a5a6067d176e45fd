package store

import (
	"fmt"
	"log/slog"
	"time"
)

// BindingState is the life-cycle state of a binding.
type BindingState string

// Binding states. A binding is created active (or opted out); it moves
// between active and optout with STOP/START; UNREG retires it for good.
const (
	// StateActive: messages flow in both directions.
	StateActive BindingState = "active"
	// StateOptOut: the phone asked not to receive SMS; the binding and its
	// imid stay.
	StateOptOut BindingState = "optout"
	// StateRetired: the binding was removed (UNREG). Phone and nick are
	// cleared; the row only keeps the imid from being issued again.
	StateRetired BindingState = "retired"
)

// Binding ties a phone number to an instant-messaging identity.
//
// Its String, GoString and LogValue methods omit Phone, so printing or
// logging a Binding never discloses the number; code that really needs it
// must read the field explicitly.
type Binding struct {
	// IMID is the numeric local part of the user's JID; unique forever.
	IMID string
	// Phone is the E.164 number; empty once retired.
	Phone string
	// Nick is the optional display nick, stored lowercase; empty if none.
	Nick string
	// State is the binding's life-cycle state.
	State BindingState
	// CreatedAt and UpdatedAt have millisecond precision, in UTC.
	CreatedAt, UpdatedAt time.Time
}

// String describes b without its phone number.
func (b Binding) String() string {
	return fmt.Sprintf("binding imid=%s nick=%q state=%s", b.IMID, b.Nick, b.State)
}

// GoString is like String, so %#v does not print the phone number either.
func (b Binding) GoString() string {
	return fmt.Sprintf("store.Binding{IMID:%q, Nick:%q, State:%q}", b.IMID, b.Nick, b.State)
}

// LogValue implements slog.LogValuer: a logged binding is a group of imid,
// nick and state, never the phone number.
func (b Binding) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("imid", b.IMID),
		slog.String("nick", b.Nick),
		slog.String("state", string(b.State)),
	)
}
