package smsbridge

import (
	"errors"
	"fmt"
)

// Sentinel errors of the SMPP session. Callers test them with errors.Is;
// returned errors wrap them with the detail.
var (
	// ErrSessionClosed reports a Submit on a session whose Run has returned.
	ErrSessionClosed = errors.New("smsbridge: session closed")
	// ErrAlreadyRunning reports a second call of Session.Run (concurrent or
	// after the first returned): a Session runs once.
	ErrAlreadyRunning = errors.New("smsbridge: Session.Run called more than once")
	// ErrBadConfig reports an unusable SessionConfig.
	ErrBadConfig = errors.New("smsbridge: bad session config")
	// ErrDisconnected reports a connection that ended while a request was
	// outstanding or about to be sent.
	ErrDisconnected = errors.New("smsbridge: SMPP connection lost")
	// ErrResponseTimeout reports a request the SMSC did not answer within
	// SessionConfig.ResponseTimeout.
	ErrResponseTimeout = errors.New("smsbridge: no response from SMSC")
	// ErrRejected reports a response with a non-zero command_status.
	ErrRejected = errors.New("smsbridge: SMSC rejected the request")
	// ErrGenericNack reports a generic_nack sent by the SMSC for one of our
	// requests.
	ErrGenericNack = errors.New("smsbridge: SMSC answered with generic_nack")
	// ErrBindRefused reports a bind_transceiver_resp with a non-zero status.
	ErrBindRefused = errors.New("smsbridge: SMSC refused the bind")
	// ErrStalled reports a link declared dead because the SMSC did not
	// answer our enquire_link in time.
	ErrStalled = errors.New("smsbridge: SMSC stopped answering enquire_link")
	// ErrUnbound reports an unbind sent by the SMSC.
	ErrUnbound = errors.New("smsbridge: SMSC sent unbind")
	// ErrProtocol reports a byte stream from the SMSC that cannot be framed
	// into PDUs (command_length under 16 or over 64 KiB); the connection is
	// dropped because the stream cannot be resynchronised.
	ErrProtocol = errors.New("smsbridge: SMPP protocol error")
	// ErrBadPDU reports a PDU whose body does not match its command.
	ErrBadPDU = errors.New("smsbridge: malformed PDU")
	// ErrInvalidSubmit reports a Submit that cannot be encoded (an address
	// too long or containing NUL, a short_message over 254 octets, a TLV
	// over 65535 octets, a PDU over 64 KiB).
	ErrInvalidSubmit = errors.New("smsbridge: invalid submit_sm")
)

// SubmitError is the error type of Session.Submit.
//
// Temporary errors are worth retrying later from the caller's durable queue:
// ESME_RTHROTTLED (0x58), ESME_RMSGQFUL (0x14), ESME_RINVBNDSTS (0x04),
// response timeouts, a session that is not bound or a connection lost while
// the submit_sm was outstanding, and a cancelled context. Other non-zero
// statuses and invalid messages are permanent.
type SubmitError struct {
	// Status is the command_status of the submit_sm_resp or generic_nack,
	// 0 when the SMSC did not answer.
	Status uint32
	// Temporary says whether the same message may succeed later.
	Temporary bool
	// Err is the cause; it wraps one of the sentinel errors.
	Err error
}

// Error describes the failure; it never contains an address.
func (e *SubmitError) Error() string {
	kind := "permanent"
	if e.Temporary {
		kind = "temporary"
	}
	if e.Err == nil {
		return fmt.Sprintf("smsbridge: submit_sm failed (%s): %s", kind, StatusText(e.Status))
	}
	return fmt.Sprintf("smsbridge: submit_sm failed (%s): %v", kind, e.Err)
}

// Unwrap returns the cause.
func (e *SubmitError) Unwrap() error { return e.Err }

// temporarySubmit wraps err as a temporary SubmitError.
func temporarySubmit(status uint32, err error) *SubmitError {
	return &SubmitError{Status: status, Temporary: true, Err: err}
}
