package smscsim

import (
	"context"
	"sync"
	"time"

	"github.com/mpimis/mpimis/smsbridge"
)

// Submitted is one submit_sm as the simulator received it, with what it
// answered.
type Submitted struct {
	// At is when the PDU was read.
	At time.Time
	// Session numbers the TCP session it came on (1 for the first
	// accepted connection); SystemID is the system_id that session bound
	// with.
	Session  uint64
	SystemID string
	// Seq is the PDU's sequence_number.
	Seq uint32
	// Status is the command_status answered (or that would have been
	// answered, when Dropped); MessageID is the id given, "" when Status
	// is not zero.
	Status    uint32
	MessageID string
	// Dropped says the response was swallowed (Server.DropResponses): the
	// ESME never learns the id, and no receipt is sent.
	Dropped bool

	ServiceType          string
	SourceTON, SourceNPI byte
	Source               string
	DestTON, DestNPI     byte
	Dest                 string
	ESMClass, ProtocolID byte
	PriorityFlag         byte
	RegisteredDelivery   byte
	DataCoding           byte
	ScheduleDeliveryTime string
	ValidityPeriod       string
	ShortMessage         []byte            // as received, UDH included
	TLVs                 map[uint16][]byte // optional parameters by tag; nil if none
	Text                 string            // decoded text, UDH stripped, from short_message or message_payload
	Concat               *smsbridge.Concat // from the UDH or the sar_* TLVs; nil for a single message
	DecodeErr            string            // why Text or Concat could not be decoded, "" if they could
	Completes            *Message          // set on the part that completed a message: that message
}

// Message is what a handset shows: the accepted submits reassembled per
// (source, destination, reference, total), or one single submit.
type Message struct {
	// At is when the first part arrived; SystemID is the submitting bind's.
	At       time.Time
	SystemID string
	Source   string
	Dest     string
	// Text is the decoded text of the parts received, in part order (each
	// part decoded on its own, as many handsets do, so a character split
	// across parts shows up as replacement characters).
	Text       string
	DataCoding byte
	// Parts is the number of parts the message has (1 when single),
	// Received how many distinct parts arrived; Complete when all did.
	Parts, Received int
	Complete        bool
	// MessageIDs are the ids given to the parts received, in arrival order.
	MessageIDs []string
}

// msgKey groups the parts of one concatenated message.
type msgKey struct {
	source, dest string
	ref          uint16
	total        uint8
}

// assembly is a message being reassembled.
type assembly struct {
	msg   Message
	key   msgKey
	texts []string // by part number - 1
	have  []bool
}

func (a *assembly) snapshot() Message {
	m := a.msg
	m.MessageIDs = append([]string(nil), a.msg.MessageIDs...)
	return m
}

// notifier wakes waiters when something changed. Its methods are called
// with the owner's mutex held; the channel is only made when someone
// waits, so changes nobody waits for cost nothing.
type notifier struct{ ch chan struct{} }

func (n *notifier) wait() <-chan struct{} {
	if n.ch == nil {
		n.ch = make(chan struct{})
	}
	return n.ch
}

func (n *notifier) ring() {
	if n.ch != nil {
		close(n.ch)
		n.ch = nil
	}
}

// store keeps what was submitted and the reassembled messages.
type store struct {
	max int // <0: unlimited

	mu       sync.Mutex
	subs     []Submitted
	subBase  int // absolute index of subs[0]
	msgs     []*assembly
	open     map[msgKey]*assembly
	complete int // complete messages ever
	closed   bool
	bell     notifier
}

func newStore(max int) *store {
	return &store{max: max, open: make(map[msgKey]*assembly)}
}

// add records one submit. Accepted submits (status 0, not dropped) are
// reassembled into messages.
func (st *store) add(rec Submitted) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if rec.Status == smsbridge.StatusOK && !rec.Dropped {
		st.assemble(&rec)
	}
	st.subs = append(st.subs, rec)
	if st.max > 0 && len(st.subs) > st.max {
		half := len(st.subs) / 2
		st.subs = append([]Submitted(nil), st.subs[half:]...)
		st.subBase += half
	}
	st.bell.ring()
}

func (st *store) assemble(rec *Submitted) {
	c := rec.Concat
	if c == nil {
		a := &assembly{msg: Message{
			At: rec.At, SystemID: rec.SystemID, Source: rec.Source, Dest: rec.Dest,
			Text: rec.Text, DataCoding: rec.DataCoding, Parts: 1, Received: 1, Complete: true,
			MessageIDs: []string{rec.MessageID},
		}}
		st.pushMsg(a)
		st.complete++
		m := a.snapshot()
		rec.Completes = &m
		return
	}
	key := msgKey{source: rec.Source, dest: rec.Dest, ref: c.Ref, total: c.Total}
	a, ok := st.open[key]
	if !ok {
		a = &assembly{key: key, msg: Message{
			At: rec.At, SystemID: rec.SystemID, Source: rec.Source, Dest: rec.Dest,
			DataCoding: rec.DataCoding, Parts: int(c.Total),
		}, texts: make([]string, c.Total), have: make([]bool, c.Total)}
		st.open[key] = a
		st.pushMsg(a)
	}
	i := int(c.Seq) - 1
	if a.have[i] {
		return // a duplicate part: the handset already has it
	}
	a.have[i], a.texts[i] = true, rec.Text
	a.msg.Received++
	a.msg.MessageIDs = append(a.msg.MessageIDs, rec.MessageID)
	text := make([]byte, 0, len(a.msg.Text)+len(rec.Text))
	for j, t := range a.texts {
		if a.have[j] {
			text = append(text, t...)
		}
	}
	a.msg.Text = string(text)
	if a.msg.Received == a.msg.Parts {
		a.msg.Complete = true
		delete(st.open, key)
		st.complete++
		m := a.snapshot()
		rec.Completes = &m
	}
}

func (st *store) pushMsg(a *assembly) {
	st.msgs = append(st.msgs, a)
	if st.max > 0 && len(st.msgs) > st.max {
		half := len(st.msgs) / 2
		for _, old := range st.msgs[:half] {
			if !old.msg.Complete && st.open[old.key] == old {
				delete(st.open, old.key)
			}
		}
		st.msgs = append([]*assembly(nil), st.msgs[half:]...)
	}
}

// close wakes every waiter for good.
func (st *store) close() {
	st.mu.Lock()
	st.closed = true
	st.bell.ring()
	st.mu.Unlock()
}

// wait calls ready with the mutex held until it returns true, sleeping on
// the notifier in between.
func (st *store) wait(ctx context.Context, ready func() bool) error {
	for {
		st.mu.Lock()
		if ready() {
			st.mu.Unlock()
			return nil
		}
		if st.closed {
			st.mu.Unlock()
			return ErrClosed
		}
		ch := st.bell.wait()
		st.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// submittedLocked copies the kept records from absolute index from on.
func (st *store) submittedLocked(from int) []Submitted {
	from = max(from-st.subBase, 0)
	if from >= len(st.subs) {
		return nil
	}
	return append([]Submitted(nil), st.subs[from:]...)
}

func (st *store) messagesLocked() []Message {
	out := make([]Message, len(st.msgs))
	for i, a := range st.msgs {
		out[i] = a.snapshot()
	}
	return out
}

// Submitted returns the submit_sm PDUs received so far, oldest first (at
// most Config.MaxKept of the newest). The records share their byte slices
// and maps with the simulator's: read them, do not modify them.
func (s *Server) Submitted() []Submitted {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	return s.rec.submittedLocked(0)
}

// WaitSubmitted waits until at least n submit_sm PDUs have been received
// since Start (whatever was answered) and returns the kept records, as
// Submitted does. It returns ctx's error when ctx ends first, ErrClosed
// when the server closes first.
func (s *Server) WaitSubmitted(ctx context.Context, n int) ([]Submitted, error) {
	var out []Submitted
	err := s.rec.wait(ctx, func() bool {
		if s.rec.subBase+len(s.rec.subs) < n {
			return false
		}
		out = s.rec.submittedLocked(0)
		return true
	})
	return out, err
}

// WaitSubmittedAfter waits until more than from submit_sm PDUs have been
// received since Start, then returns the records with index from onwards
// (records already dropped by MaxKept are skipped) and the index to pass
// next time. Following a stream of submits with it loses nothing that is
// kept.
func (s *Server) WaitSubmittedAfter(ctx context.Context, from int) ([]Submitted, int, error) {
	var out []Submitted
	next := from
	err := s.rec.wait(ctx, func() bool {
		total := s.rec.subBase + len(s.rec.subs)
		if total <= from {
			return false
		}
		out, next = s.rec.submittedLocked(from), total
		return true
	})
	return out, next, err
}

// SubmittedCount returns how many submit_sm PDUs have been received since
// Start.
func (s *Server) SubmittedCount() int {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	return s.rec.subBase + len(s.rec.subs)
}

// Messages returns the accepted submits reassembled, oldest first,
// including messages still missing parts (Complete false).
func (s *Server) Messages() []Message {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	return s.rec.messagesLocked()
}

// WaitMessages waits until at least n messages are complete since Start
// and returns Messages. It returns ctx's error when ctx ends first,
// ErrClosed when the server closes first.
func (s *Server) WaitMessages(ctx context.Context, n int) ([]Message, error) {
	var out []Message
	err := s.rec.wait(ctx, func() bool {
		if s.rec.complete < n {
			return false
		}
		out = s.rec.messagesLocked()
		return true
	})
	return out, err
}
