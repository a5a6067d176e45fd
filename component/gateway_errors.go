package component

import (
	"errors"

	"github.com/mpimis/mpimis/relay"
)

// gwStanzaError is the one place where relay errors become stanza errors,
// for answers to inbound stanzas and for MessageError alike. The mapping is
// relay.ErrorKind's (DESIGN.md "XMPP interface"); the error types follow
// RFC 6120 8.3.3:
//
//	KindNotFound     item-not-found          cancel
//	KindUnavailable  recipient-unavailable   wait    (the SMS user may opt in again)
//	KindForbidden    forbidden               auth
//	KindTooLong      not-acceptable          modify
//	KindRateLimited  resource-constraint     wait
//	KindBadRequest   bad-request             modify
//	KindInternal     internal-server-error   wait    (store failure: retry later)
//
// A *relay.Error's Text becomes the <text/> (the relay guarantees it holds
// no phone number); a *StanzaError is passed through; any other error (and
// nil) is internal-server-error (wait) without text, since its message was
// not written for XMPP users.
func gwStanzaError(err error) *StanzaError {
	var se *StanzaError
	if errors.As(err, &se) {
		return se
	}
	var re *relay.Error
	if !errors.As(err, &re) {
		return &StanzaError{Type: ErrTypeWait, Condition: CondInternalServerError}
	}
	out := &StanzaError{Type: ErrTypeWait, Condition: CondInternalServerError, Text: re.Text}
	switch re.Kind {
	case relay.KindNotFound:
		out.Type, out.Condition = ErrTypeCancel, CondItemNotFound
	case relay.KindUnavailable:
		out.Type, out.Condition = ErrTypeWait, CondRecipientUnavailable
	case relay.KindForbidden:
		out.Type, out.Condition = ErrTypeAuth, CondForbidden
	case relay.KindTooLong:
		out.Type, out.Condition = ErrTypeModify, CondNotAcceptable
	case relay.KindRateLimited:
		out.Type, out.Condition = ErrTypeWait, CondResourceConstraint
	case relay.KindBadRequest:
		out.Type, out.Condition = ErrTypeModify, CondBadRequest
	}
	return out
}

// gwIsInternal reports whether err is a failure on our side (worth a log
// line) rather than a refusal the relay decided.
func gwIsInternal(err error) bool {
	var se *StanzaError
	if errors.As(err, &se) {
		return false
	}
	var re *relay.Error
	return !errors.As(err, &re) || re.Kind == relay.KindInternal
}

// Stanza errors the gateway glue answers with on its own.
var (
	gwErrNoSuchUser   = &StanzaError{Type: ErrTypeCancel, Condition: CondItemNotFound, Text: "no SMS user has this ID"}
	gwErrNotHere      = &StanzaError{Type: ErrTypeCancel, Condition: CondServiceUnavailable}
	gwErrNotAdmin     = &StanzaError{Type: ErrTypeCancel, Condition: CondForbidden, Text: "commands are for administrators of this gateway"}
	gwErrNoSuchNode   = &StanzaError{Type: ErrTypeCancel, Condition: CondItemNotFound, Text: "no such node"}
	gwErrEmptyPrompt  = &StanzaError{Type: ErrTypeModify, Condition: CondBadRequest, Text: "the prompt is empty"}
	gwErrRegisterSMS  = &StanzaError{Type: ErrTypeCancel, Condition: CondNotAllowed, Text: gwRegisterText}
	gwErrDomainMsg    = &StanzaError{Type: ErrTypeCancel, Condition: CondServiceUnavailable, Text: "write to an SMS user's JID (<ID>@this domain) instead"}
	gwErrNoGroupchat  = &StanzaError{Type: ErrTypeCancel, Condition: CondServiceUnavailable, Text: "SMS users do not take groupchat messages"}
	gwErrTooManyCmds  = &StanzaError{Type: ErrTypeWait, Condition: CondResourceConstraint, Text: "too many command sessions open; finish or cancel some"}
	gwErrBadSession   = &StanzaError{Type: ErrTypeModify, Condition: CondBadRequest, Text: "bad-sessionid: this session belongs to another command or requester"}
	gwErrExpired      = &StanzaError{Type: ErrTypeCancel, Condition: CondNotAllowed, Text: "session-expired: the command session is unknown, finished or expired"}
	gwErrBadAction    = &StanzaError{Type: ErrTypeModify, Condition: CondBadRequest, Text: "bad-action: these commands have a single stage (use complete or cancel)"}
	gwErrMalformedAct = &StanzaError{Type: ErrTypeModify, Condition: CondBadRequest, Text: "malformed-action: unknown action"}
	gwErrNoNode       = &StanzaError{Type: ErrTypeModify, Condition: CondBadRequest, Text: "the command has no node"}
	gwErrNoForm       = &StanzaError{Type: ErrTypeModify, Condition: CondBadRequest, Text: "bad-payload: submit the command's form"}
)
