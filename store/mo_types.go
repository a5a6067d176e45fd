package store

import (
	"fmt"
	"log/slog"
	"time"
)

// MOState is the life-cycle state of an MO (SMS -> XMPP) message.
type MOState string

// MO states. A message is stored [MOQueued]; a worker leases it
// ([MOProcessing]) and marks it [MODone] once it has been handled, or gives
// it back to the queue for a later attempt.
const (
	// MOQueued: waiting for its next attempt (next_attempt_at).
	MOQueued MOState = "queued"
	// MOProcessing: leased by a worker until its lease runs out.
	MOProcessing MOState = "processing"
	// MODone: handled; kept until pruned.
	MODone MOState = "done"
)

// moStates lists every MOState, for statistics.
var moStates = []string{string(MOQueued), string(MOProcessing), string(MODone)}

// MO is an MO message from a phone, stored before the SMSC is answered.
//
// Payload is the raw short message data of the parts, concatenated in part
// order (UDH removed by the caller) and still encoded per DataCoding: a
// character split across two parts, such as a UTF-16 surrogate pair, is
// whole again once decoded.
//
// Its String, GoString and LogValue methods omit Source, Dest and Payload,
// so printing or logging an MO discloses neither a phone number nor the
// message.
type MO struct {
	// ID is assigned by the store; ids are never reused, so a message
	// redelivered after a crash keeps its id.
	ID int64
	// Source is the sending phone number; Dest the number it was sent to.
	Source, Dest string
	// DataCoding is the SMPP data_coding of the payload (of the first part
	// that arrived, for a concatenated message).
	DataCoding byte
	// Payload is the message data; see the type's documentation.
	Payload []byte
	// Parts is the number of parts the message had (1 if not
	// concatenated).
	Parts int
	// Missing lists, in ascending order, the parts that never arrived: a
	// concatenated message is delivered without them after the reassembly
	// timeout (see [Store.ExpireMOParts]), and the relay marks the gap.
	Missing []int
	// State is the message's life-cycle state.
	State MOState
	// Attempts counts the leases so far.
	Attempts int
	// ReceivedAt is when the (first part of the) message arrived, with
	// millisecond precision, in UTC.
	ReceivedAt time.Time
}

// String describes m without its addresses or payload.
func (m MO) String() string {
	return fmt.Sprintf("mo id=%d data_coding=0x%02X parts=%d missing=%v attempts=%d state=%s payload_len=%d",
		m.ID, m.DataCoding, m.Parts, m.Missing, m.Attempts, m.State, len(m.Payload))
}

// GoString is like String, so %#v does not print the addresses either.
func (m MO) GoString() string {
	return fmt.Sprintf("store.MO{ID:%d, DataCoding:0x%02X, Parts:%d, Missing:%#v, Attempts:%d, State:%q}",
		m.ID, m.DataCoding, m.Parts, m.Missing, m.Attempts, m.State)
}

// LogValue implements slog.LogValuer: a logged MO is a group of its id,
// parts, attempts and state, never an address or the payload.
func (m MO) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Int64("id", m.ID),
		slog.Int("parts", m.Parts),
		slog.Int("missing", len(m.Missing)),
		slog.Int("attempts", m.Attempts),
		slog.String("state", string(m.State)),
	)
}

// MOPart is one part of a concatenated MO message. Parts belong together
// when Source, Dest, Ref and Total are equal; Seq is 1-based. Payload is
// the part's data without its UDH.
//
// Its String, GoString and LogValue methods omit Source, Dest and Payload.
type MOPart struct {
	Source, Dest string
	Ref          uint16
	Total, Seq   uint8
	DataCoding   byte
	Payload      []byte
}

// String describes p without its addresses or payload.
func (p MOPart) String() string {
	return fmt.Sprintf("mo part ref=%d seq=%d/%d data_coding=0x%02X payload_len=%d",
		p.Ref, p.Seq, p.Total, p.DataCoding, len(p.Payload))
}

// GoString is String, so %#v does not print the addresses either.
func (p MOPart) GoString() string { return p.String() }

// LogValue implements slog.LogValuer without the addresses or payload.
func (p MOPart) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Int("ref", int(p.Ref)),
		slog.Int("seq", int(p.Seq)),
		slog.Int("total", int(p.Total)),
	)
}

// AddPartResult is what [Store.AddMOPart] did with a part.
type AddPartResult struct {
	// Duplicate is set when the part was already stored (or belonged to a
	// message completed shortly before) and was ignored.
	Duplicate bool
	// Completed is the id of the MO message this part completed, 0 if the
	// message still lacks parts (or the part was a duplicate).
	Completed int64
}
