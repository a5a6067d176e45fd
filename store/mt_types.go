package store

import (
	"fmt"
	"log/slog"
	"time"
)

// MTState is the life-cycle state of an MT (XMPP -> SMS) message.
type MTState string

// MT states. A message is enqueued [MTQueued]; a worker leases it
// ([MTSending]); when the SMSC has accepted every part it is [MTSent]; the
// delivery reports make it [MTDelivered] or [MTFailed]. A permanent submit
// error fails it directly; a transient one puts it back to [MTQueued].
const (
	// MTQueued: waiting for its next attempt (next_attempt_at).
	MTQueued MTState = "queued"
	// MTSending: leased by a worker until its lease runs out.
	MTSending MTState = "sending"
	// MTSent: the SMSC accepted every part; delivery reports pending.
	MTSent MTState = "sent"
	// MTDelivered: every part has a final DELIVRD report.
	MTDelivered MTState = "delivered"
	// MTFailed: a permanent submit error or a final report other than
	// DELIVRD; LastError says which.
	MTFailed MTState = "failed"
)

// mtStates lists every MTState, for statistics.
var mtStates = []string{string(MTQueued), string(MTSending), string(MTSent), string(MTDelivered), string(MTFailed)}

// MT is an MT message: text from an XMPP user (or an SMS user, by imid) to
// a phone.
//
// Its String, GoString and LogValue methods omit Dest and the text, so
// printing or logging an MT discloses neither the phone number nor the
// message.
type MT struct {
	// ID is assigned by [Store.EnqueueMT]; ids are never reused.
	ID int64
	// Dest is the destination phone number in E.164.
	Dest string
	// Source is who sent the message, opaque to the store (an XMPP bare JID
	// or an imid): the relay uses it for the "<sender>: <text>" body and for
	// receipts and errors.
	Source string
	// Text is the full body as it is to be submitted.
	Text string
	// OriginID is the id of the XMPP stanza the message came in, for
	// receipts and errors ("" if none).
	OriginID string
	// ReplyTo is the full JID that receives the receipt or error of the
	// message ("" for none); FromIMID the SMS identity it was written to,
	// which the receipt comes from. Both are opaque to the store.
	ReplyTo, FromIMID string
	// Ref is the concatenation reference chosen at enqueue, so that a
	// retry sends identical parts.
	Ref uint16
	// WantReceipt is set when the XMPP sender asked for a delivery receipt.
	WantReceipt bool
	// Parts is the number of segments, 0 until the first part is recorded
	// as sent (or if the caller did not know it at enqueue).
	Parts int
	// Attempts counts the leases so far.
	Attempts int
	// Sent lists, in ascending order, the part numbers (1-based) the SMSC
	// has already accepted: a retry submits only the others.
	Sent []int
	// State is the message's life-cycle state.
	State MTState
	// LastError is the reason of the last retry or of the failure: a
	// worker's reason or a delivery report's stat.
	LastError string
	// CreatedAt is the enqueue time, with millisecond precision, in UTC.
	CreatedAt time.Time
}

// String describes m without its destination or text.
func (m MT) String() string {
	return fmt.Sprintf("mt id=%d source=%q origin_id=%q ref=%d parts=%d sent=%v attempts=%d state=%s text_len=%d",
		m.ID, m.Source, m.OriginID, m.Ref, m.Parts, m.Sent, m.Attempts, m.State, len(m.Text))
}

// GoString is like String, so %#v does not print the destination either.
func (m MT) GoString() string {
	return fmt.Sprintf("store.MT{ID:%d, Source:%q, OriginID:%q, Ref:%d, Parts:%d, Sent:%#v, Attempts:%d, State:%q}",
		m.ID, m.Source, m.OriginID, m.Ref, m.Parts, m.Sent, m.Attempts, m.State)
}

// LogValue implements slog.LogValuer: a logged MT is a group of its id,
// source, origin id, parts, attempts and state, never the destination or
// the text.
func (m MT) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Int64("id", m.ID),
		slog.String("source", m.Source),
		slog.String("origin_id", m.OriginID),
		slog.Int("parts", m.Parts),
		slog.Int("attempts", m.Attempts),
		slog.String("state", string(m.State)),
	)
}

// DLROutcome is what [Store.RecordDLR] did with a delivery report.
type DLROutcome struct {
	// MT is the message the report is about, as it is after the report.
	MT MT
	// Seq is the part (1-based) the report is about.
	Seq int
	// AllDelivered is set when this report completed the delivery: every
	// part now has a final DELIVRD report and the message became
	// [MTDelivered]. It is true for at most one report per message, so the
	// relay may send the XEP-0184 receipt when it sees it.
	AllDelivered bool
	// Failed is set when this report failed the message: it is final and
	// not DELIVRD, and the message became [MTFailed] with the stat as
	// LastError. It is true for at most one report per message (a second
	// failing part does not fail it again).
	Failed bool
	// FirstTime is false when the report changed nothing: the part already
	// had this report, or already had a final one (the first final report
	// of a part is kept). A duplicate report never sets AllDelivered or
	// Failed.
	FirstTime bool
}

// String describes o without the message's destination or text.
func (o DLROutcome) String() string {
	return fmt.Sprintf("dlr outcome seq=%d all_delivered=%t failed=%t first_time=%t %s",
		o.Seq, o.AllDelivered, o.Failed, o.FirstTime, o.MT)
}

// GoString is String, so %#v does not print the destination either.
func (o DLROutcome) GoString() string { return o.String() }

// LogValue implements slog.LogValuer: the message is logged through
// [MT.LogValue], without its destination or text.
func (o DLROutcome) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Any("mt", o.MT),
		slog.Int("seq", o.Seq),
		slog.Bool("all_delivered", o.AllDelivered),
		slog.Bool("failed", o.Failed),
		slog.Bool("first_time", o.FirstTime),
	)
}
