package smsflow

import (
	"errors"
	"sync"
	"time"

	"github.com/mpimis/mpimis/smsbridge"
)

// Observer is told how submits and delivery reports went, for metrics
// (package internal/web implements it). Its methods are called from the
// MT workers and from the session's deliver_sm handler: they must return
// quickly, never block and never call back into the flow.
type Observer interface {
	// ObserveSubmit is called once per submit_sm attempt that ended
	// (not for attempts cut short by shutdown): d is how long
	// Submitter.Submit took, including the session's wait for a bind, a
	// window slot and the TPS cap; status is one of the Submit* values.
	ObserveSubmit(d time.Duration, status string)
	// ObserveDeliveryReport is called for the first final delivery report
	// of a part whose acceptance this process saw: d is the time from the
	// SMSC accepting the part (submit_sm_resp) to the report, stat the
	// report's stat as the SMSC sent it (DELIVRD, UNDELIV, ...; arbitrary
	// text from the SMSC, so an implementation must map unknown values to
	// a fixed set before using them as labels).
	ObserveDeliveryReport(d time.Duration, stat string)
}

// Outcomes of one submit_sm attempt, as passed to Observer.ObserveSubmit.
const (
	// SubmitOK: the SMSC accepted the part.
	SubmitOK = "ok"
	// SubmitThrottled: the SMSC answered ESME_RTHROTTLED; the message is
	// retried later.
	SubmitThrottled = "throttled"
	// SubmitTemporary: any other temporary failure (no bind, timeout,
	// connection lost, queue full); the message is retried later.
	SubmitTemporary = "temporary"
	// SubmitRejected: a permanent refusal; the message failed.
	SubmitRejected = "rejected"
)

// submitStatus classifies the result of one Submit call.
func submitStatus(err error) string {
	if err == nil {
		return SubmitOK
	}
	var se *smsbridge.SubmitError
	if !errors.As(err, &se) {
		return SubmitTemporary // the flow retries errors it cannot classify
	}
	switch {
	case se.Status == smsbridge.StatusThrottled:
		return SubmitThrottled
	case se.Temporary:
		return SubmitTemporary
	default:
		return SubmitRejected
	}
}

// maxTrackedParts bounds the parts whose acceptance time is remembered
// for the delivery-report latency: beyond it the oldest are forgotten
// (their reports are then not observed).
const maxTrackedParts = 1 << 16

// partKey names one part of an MT message.
type partKey struct {
	mt  int64
	seq int
}

// acceptTimes remembers when the SMSC accepted each part, in memory and
// bounded: after a restart, or for parts pushed out by newer ones, the
// time is unknown and the report is not observed. Safe for concurrent
// use; the zero value is not usable, see newAcceptTimes.
type acceptTimes struct {
	mu    sync.Mutex
	at    map[partKey]acceptEntry
	ring  []ringSlot // insertion order, for eviction; grows up to limit
	next  int        // once full, the ring index of the next insertion
	gen   uint64
	limit int
}

type acceptEntry struct {
	at  time.Time
	gen uint64
}

type ringSlot struct {
	key partKey
	gen uint64
}

func newAcceptTimes(limit int) *acceptTimes {
	return &acceptTimes{at: make(map[partKey]acceptEntry), limit: max(limit, 1)}
}

// put remembers that part k was accepted at t, forgetting the oldest
// remembered part when full.
func (a *acceptTimes) put(k partKey, t time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.gen++
	slot := ringSlot{key: k, gen: a.gen}
	if len(a.ring) < a.limit {
		a.ring = append(a.ring, slot)
	} else {
		old := a.ring[a.next]
		if e, ok := a.at[old.key]; ok && e.gen == old.gen {
			delete(a.at, old.key) // the slot's part was never reported
		}
		a.ring[a.next] = slot
		a.next = (a.next + 1) % a.limit
	}
	a.at[k] = acceptEntry{at: t, gen: a.gen}
}

// take returns and forgets the acceptance time of part k.
func (a *acceptTimes) take(k partKey) (time.Time, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	e, ok := a.at[k]
	if ok {
		delete(a.at, k)
	}
	return e.at, ok
}

// len returns the number of parts remembered.
func (a *acceptTimes) len() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.at)
}

// SetObserver sets the Observer (nil for none), like Config.Observer;
// call it before Run.
func (f *Flow) SetObserver(o Observer) { f.obs = o }

// observeSubmit reports one ended Submit call that started at start.
func (f *Flow) observeSubmit(start time.Time, err error) {
	if f.obs != nil {
		f.obs.ObserveSubmit(time.Since(start), submitStatus(err))
	}
}

// noteAccepted remembers when part seq of message mt was accepted, if
// anyone will want the report latency.
func (f *Flow) noteAccepted(mt int64, seq int, at time.Time) {
	if f.obs != nil && f.cfg.DeliveryReceipts {
		f.accepted.put(partKey{mt, seq}, at)
	}
}

// observeReport reports the first final report of part seq of mt.
func (f *Flow) observeReport(mt int64, seq int, stat string) {
	if f.obs == nil {
		return
	}
	if at, ok := f.accepted.take(partKey{mt, seq}); ok {
		f.obs.ObserveDeliveryReport(time.Since(at), stat)
	}
}
