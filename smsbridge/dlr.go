package smsbridge

import (
	"bytes"
	"fmt"
	"strings"
	"time"
)

// Delivery report states as they appear in the Appendix B "stat:" field.
const (
	// StatDelivered: the message reached the handset (final).
	StatDelivered = "DELIVRD"
	// StatExpired: the validity period ran out (final).
	StatExpired = "EXPIRED"
	// StatDeleted: the message was cancelled or deleted (final).
	StatDeleted = "DELETED"
	// StatUndeliverable: permanently undeliverable (final).
	StatUndeliverable = "UNDELIV"
	// StatAccepted: read on the subscriber's behalf, e.g. by customer
	// service (final, not delivered).
	StatAccepted = "ACCEPTD"
	// StatUnknown: the message is in an invalid state (final).
	StatUnknown = "UNKNOWN"
	// StatRejected: the SMSC or network rejected it (final).
	StatRejected = "REJECTD"
	// StatEnroute: still in transit (intermediate).
	StatEnroute = "ENROUTE"
	// StatSkipped: accepted but not transmitted (SMPP 5, final).
	StatSkipped = "SKIPPED"
)

// DLR is a delivery report from the SMSC about a message this ESME
// submitted.
type DLR struct {
	// ID is the message id as the SMSC printed it; match it with
	// [MessageIDCandidates].
	ID string
	// Sub and Dlvrd are the submitted and delivered counters (0 if absent
	// or not numeric).
	Sub, Dlvrd int
	// SubmitDate and DoneDate are in UTC, since the SMSC's time zone is
	// unknown; zero if absent or unparsable.
	SubmitDate, DoneDate time.Time
	// Stat is the upper-case state: DELIVRD, EXPIRED, DELETED, UNDELIV,
	// ACCEPTD, UNKNOWN, REJECTD, ENROUTE, or whatever else the SMSC sent.
	Stat string
	// Err is the network-specific error code as sent ("" if absent).
	Err string
	// Text is the start of the original message, as sent (may be cut).
	Text string
}

// Final reports whether no further report about the message will follow:
// true for the final SMPP message states (DELIVRD, EXPIRED, DELETED,
// UNDELIV, ACCEPTD, UNKNOWN, REJECTD, and SMPP 5's SKIPPED), false for
// ENROUTE and for states this package does not know.
func (d DLR) Final() bool {
	switch d.Stat {
	case StatDelivered, StatExpired, StatDeleted, StatUndeliverable,
		StatAccepted, StatUnknown, StatRejected, StatSkipped:
		return true
	}
	return false
}

// Delivered reports whether the message reached the handset (DELIVRD).
func (d DLR) Delivered() bool { return d.Stat == StatDelivered }

// StatFromMessageState maps the value of the SMPP message_state TLV to the
// Appendix B stat spelling: 1 ENROUTE, 2 DELIVRD, 3 EXPIRED, 4 DELETED,
// 5 UNDELIV, 6 ACCEPTD, 7 UNKNOWN, 8 REJECTD, 9 SKIPPED (SMPP 5); any other
// value is UNKNOWN.
func StatFromMessageState(state byte) string {
	switch state {
	case 1:
		return StatEnroute
	case 2:
		return StatDelivered
	case 3:
		return StatExpired
	case 4:
		return StatDeleted
	case 5:
		return StatUndeliverable
	case 6:
		return StatAccepted
	case 8:
		return StatRejected
	case 9:
		return StatSkipped
	}
	return StatUnknown
}

// esm_class message type values (bits 5-2) of a deliver_sm.
const (
	esmTypeMask         = 0x3C
	esmTypeReceipt      = 0x04 // SMSC delivery receipt
	esmTypeIntermediate = 0x20 // intermediate delivery notification
)

// IsDeliveryReceipt reports whether a deliver_sm with this esm_class is a
// delivery report rather than an MO message: message type (bits 5-2) 0x04,
// SMSC delivery receipt, or 0x20, intermediate delivery notification (see
// [IsIntermediateNotification]). SME delivery and manual/user
// acknowledgements (0x08, 0x10) are messages from the handset's user, not
// reports about our submission, and are not receipts here.
func IsDeliveryReceipt(esmClass byte) bool {
	t := esmClass & esmTypeMask
	return t == esmTypeReceipt || t == esmTypeIntermediate
}

// IsIntermediateNotification reports whether esm_class marks an
// intermediate delivery notification (message type 0x20): a report on the
// way, never the final outcome whatever its stat says.
func IsIntermediateNotification(esmClass byte) bool {
	return esmClass&esmTypeMask == esmTypeIntermediate
}

// DLRFromTLVs builds a report from the receipted_message_id and
// message_state TLVs of a deliver_sm. If text (the short_message) also
// parses as an Appendix B receipt, its counters, dates, err and text fill
// in; the TLV values win for ID and Stat. An empty receipted_message_id
// (NUL terminators and spaces ignored) is an error wrapping [ErrBadDLR].
func DLRFromTLVs(receiptedMessageID []byte, messageState byte, text []byte) (*DLR, error) {
	id := strings.ToValidUTF8(string(bytes.Trim(receiptedMessageID, " \t\r\n\x00")), "\uFFFD")
	if id == "" {
		return nil, fmt.Errorf("%w: empty receipted_message_id", ErrBadDLR)
	}
	d := &DLR{}
	if len(text) > 0 {
		if parsed, err := ParseDLRText(text); err == nil {
			d = parsed
		}
	}
	d.ID, d.Stat = id, StatFromMessageState(messageState)
	return d, nil
}
