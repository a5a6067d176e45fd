package smscsim

import (
	"errors"
	"fmt"
)

// Sentinel errors. Returned errors wrap them with detail; test them with
// errors.Is.
var (
	// ErrClosed reports a call on a closed Server.
	ErrClosed = errors.New("smscsim: server closed")
	// ErrConfig reports an invalid Config value.
	ErrConfig = errors.New("smscsim: bad config")
	// ErrNoSession reports that no bound session can receive a deliver_sm
	// (none bound as receiver or transceiver, or none with the system_id
	// asked for).
	ErrNoSession = errors.New("smscsim: no bound receiving session")
	// ErrSessionClosed reports that a session closed while a request sent
	// on it waited for its response.
	ErrSessionClosed = errors.New("smscsim: session closed")
	// ErrBadPDU reports a malformed PDU: a command_length out of range, or
	// a body whose mandatory fields do not decode.
	ErrBadPDU = errors.New("smscsim: malformed PDU")
	// ErrBadMO reports an MO that cannot be built: empty text, unknown
	// encoding or long mode, text not representable in the encoding asked
	// for, a part order naming a part that does not exist, a short_message
	// over 255 octets.
	ErrBadMO = errors.New("smscsim: bad MO")
	// ErrSeqInUse reports a chosen sequence number that an outstanding
	// request of the simulator already uses on that session.
	ErrSeqInUse = errors.New("smscsim: sequence number in use")
	// ErrStatus is wrapped by [StatusError]: the peer answered with a
	// non-zero command_status.
	ErrStatus = errors.New("smscsim: non-zero command_status")
)

// StatusError is the error SendMO returns when the ESME answers a deliver_sm
// with a non-zero command_status. errors.Is(err, ErrStatus) holds.
type StatusError struct {
	// Status is the command_status of the deliver_sm_resp (or generic_nack).
	Status uint32
	// Part is the 1-based number of the part that was refused, in the
	// order the parts were sent.
	Part int
}

// Error implements error.
func (e *StatusError) Error() string {
	return fmt.Sprintf("smscsim: deliver_sm part %d answered with command_status 0x%08X", e.Part, e.Status)
}

// Unwrap returns ErrStatus.
func (e *StatusError) Unwrap() error { return ErrStatus }
