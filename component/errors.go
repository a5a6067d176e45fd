package component

import (
	"errors"
	"fmt"
)

// Sentinel errors.
var (
	// ErrTooLarge: a received stanza exceeded the decoding limits.
	ErrTooLarge = errors.New("component: stanza too large")
	// ErrNotConnected: the link is down; the caller keeps what it wanted to
	// send and retries later.
	ErrNotConnected = errors.New("component: link is not connected")
	// ErrClosed: the link has been shut down for good.
	ErrClosed = errors.New("component: link closed")
	// ErrIQTimeout: no answer to an iq within its deadline.
	ErrIQTimeout = errors.New("component: iq timed out")
)

// Stanza error types (RFC 6120 8.3.2).
const (
	ErrTypeAuth     = "auth"
	ErrTypeCancel   = "cancel"
	ErrTypeContinue = "continue"
	ErrTypeModify   = "modify"
	ErrTypeWait     = "wait"
)

// Stanza error conditions used by mpimis (RFC 6120 8.3.3).
const (
	CondBadRequest            = "bad-request"
	CondConflict              = "conflict"
	CondFeatureNotImplemented = "feature-not-implemented"
	CondForbidden             = "forbidden"
	CondInternalServerError   = "internal-server-error"
	CondItemNotFound          = "item-not-found"
	CondJIDMalformed          = "jid-malformed"
	CondNotAcceptable         = "not-acceptable"
	CondNotAllowed            = "not-allowed"
	CondPolicyViolation       = "policy-violation"
	CondRecipientUnavailable  = "recipient-unavailable"
	CondRegistrationRequired  = "registration-required"
	CondResourceConstraint    = "resource-constraint"
	CondServiceUnavailable    = "service-unavailable"
	CondUndefinedCondition    = "undefined-condition"
)

// StanzaError is an XMPP stanza error: the one place where failures become
// <error/> elements (see ErrorReply).
type StanzaError struct {
	Type      string // one of the ErrType constants
	Condition string // one of the Cond constants
	Text      string // human-readable, optional; never holds a phone number
}

func (e *StanzaError) Error() string {
	if e.Text == "" {
		return fmt.Sprintf("component: %s (%s)", e.Condition, e.Type)
	}
	return fmt.Sprintf("component: %s (%s): %s", e.Condition, e.Type, e.Text)
}

// Element renders the <error/> child.
func (e *StanzaError) Element() *Element {
	el := NewElement(NSComponent, "error", "type", e.Type)
	el.Add(NewElement(NSStanzas, e.Condition))
	if e.Text != "" {
		el.Add(NewElement(NSStanzas, "text", "xml:lang", "en").WithText(e.Text))
	}
	return el
}

// ParseStanzaError extracts the error of an error-type stanza, or nil.
func ParseStanzaError(st *Element) *StanzaError {
	el := st.Child("", "error")
	if el == nil {
		return nil
	}
	se := &StanzaError{Type: el.Get("type"), Condition: CondUndefinedCondition}
	for _, c := range el.Children {
		if c.Name.Space != NSStanzas {
			continue
		}
		if c.Name.Local == "text" {
			se.Text = c.Text
		} else {
			se.Condition = c.Name.Local
		}
	}
	return se
}

// ErrorReply builds the error answer to st: same kind and id, from and to
// swapped, type error, with the error child. It returns nil when st must not
// be answered (it is itself an error or an iq result), as RFC 6120 8.3.1
// requires.
func ErrorReply(st *Element, se *StanzaError) *Element {
	typ := st.Get("type")
	if typ == TypeError || (st.Name.Local == KindIQ && typ == TypeResult) {
		return nil
	}
	r := NewElement(NSComponent, st.Name.Local,
		"type", TypeError, "id", st.Get("id"),
		"from", st.Get("to"), "to", st.Get("from"))
	return r.Add(se.Element())
}
