package rooms

import (
	"errors"
	"fmt"

	"github.com/mpimis/mpimis/component"
)

// Sentinel errors.
var (
	// ErrClosed is returned once the service has been closed.
	ErrClosed = errors.New("rooms: service closed")
	// ErrNoDomain is returned by New when Config.Domain is empty.
	ErrNoDomain = errors.New("rooms: Config.Domain (the rooms domain) is required")
	// ErrNoStore is returned by New without a Store.
	ErrNoStore = errors.New("rooms: a Store is required")
	// ErrUnknownRoom is returned by Store.LoadRoom and Store.PageStats for
	// a room key the store has never seen.
	ErrUnknownRoom = errors.New("rooms: unknown room")
)

// This file is also the one place where failures become XMPP stanza errors:
// every error a client can receive from a room is built here.

func stanzaErr(typ, cond, text string) *component.StanzaError {
	return &component.StanzaError{Type: typ, Condition: cond, Text: text}
}

var (
	errNoSuchRoom = stanzaErr(component.ErrTypeCancel, component.CondItemNotFound,
		"rooms on this service are web pages: the room name is the page's room key; get it with `mpimis room URL` or the room lookup")
	errRoomNotLive = stanzaErr(component.ErrTypeCancel, component.CondItemNotFound,
		"nobody is on this page right now; join it to open the room")
	errNotOccupant = stanzaErr(component.ErrTypeCancel, component.CondNotAcceptable,
		"you are not currently in this room")
	errNotJoined = stanzaErr(component.ErrTypeCancel, component.CondItemNotFound,
		"you are not currently in this room: join with <x xmlns='http://jabber.org/protocol/muc'/>")
	errNoNick = stanzaErr(component.ErrTypeModify, component.CondJIDMalformed,
		"a nickname is required: send the presence to room@domain/nickname")
	errNickInvisible = stanzaErr(component.ErrTypeModify, component.CondNotAllowed,
		"invisible nicknames are not allowed")
	errNickMalformed = stanzaErr(component.ErrTypeModify, component.CondJIDMalformed,
		"the nickname has a control character or is not UTF-8")
	errNickConflict = stanzaErr(component.ErrTypeCancel, component.CondConflict,
		"that nickname is already in use in this room")
	errRoomFull = stanzaErr(component.ErrTypeWait, component.CondServiceUnavailable,
		"this room has reached its maximum number of occupants")
	errPageMismatch = stanzaErr(component.ErrTypeModify, component.CondBadRequest,
		"the page url does not belong to this room")
	errRecipientGone = stanzaErr(component.ErrTypeCancel, component.CondItemNotFound,
		"recipient not in room")
	errGroupchatToOccupant = stanzaErr(component.ErrTypeModify, component.CondBadRequest,
		"groupchat messages go to the room, not to an occupant")
	errSubjectFixed = stanzaErr(component.ErrTypeAuth, component.CondForbidden,
		"the subject of a page room is the page title; it cannot be changed")
	errUnsupported = stanzaErr(component.ErrTypeCancel, component.CondServiceUnavailable, "")
	errBadPresence = stanzaErr(component.ErrTypeModify, component.CondBadRequest,
		"presence type not supported by rooms")
	errBusy = stanzaErr(component.ErrTypeWait, component.CondResourceConstraint,
		"this room is too busy right now; try again shortly")
	errShuttingDown = stanzaErr(component.ErrTypeWait, component.CondServiceUnavailable,
		"the rooms service is shutting down")
	errNoOwners = stanzaErr(component.ErrTypeAuth, component.CondForbidden,
		"page rooms have no owners: they are configured by the service")
)

func errNickTooLong(max int) *component.StanzaError {
	return stanzaErr(component.ErrTypeModify, component.CondNotAcceptable,
		fmt.Sprintf("nicknames are at most %d characters", max))
}

func errBodyTooLong(max int) *component.StanzaError {
	return stanzaErr(component.ErrTypeModify, component.CondNotAcceptable,
		fmt.Sprintf("messages are at most %d characters", max))
}

func errFlood(perMinute int) *component.StanzaError {
	return stanzaErr(component.ErrTypeWait, component.CondPolicyViolation,
		fmt.Sprintf("too many messages: at most %d per minute in a room", perMinute))
}

// Ad-hoc command (XEP-0050) refusals; see adhoc.go.
var (
	errCmdNotHere = stanzaErr(component.ErrTypeCancel, component.CondServiceUnavailable,
		"commands are run on the rooms domain itself")
	errCmdNoNode    = stanzaErr(component.ErrTypeModify, component.CondBadRequest, "the command has no node")
	errCmdNoSuch    = stanzaErr(component.ErrTypeCancel, component.CondItemNotFound, "no such command")
	errCmdNotAdmin  = stanzaErr(component.ErrTypeAuth, component.CondForbidden, "this command is for administrators")
	errCmdBadAction = stanzaErr(component.ErrTypeModify, component.CondBadRequest, "bad-action: use execute, complete or cancel")
	errCmdSession   = stanzaErr(component.ErrTypeModify, component.CondBadRequest, "bad-sessionid: unknown command session")
	errCmdNoForm    = stanzaErr(component.ErrTypeModify, component.CondBadRequest, "bad-payload: submit the command's form")
)
