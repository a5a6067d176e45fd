package component

import (
	"context"
	"sync"
)

// Flushing. XEP-0114 has no acknowledgements: a stanza written to the
// socket may still be lost if the server goes down before reading it.
// The server handles a component's stream in order, so once a ping sent
// after a stanza has come back, the server has taken that stanza. Flush
// gives a caller that proof; callers that wait at the same time share one
// round trip, so under load it costs one ping per round-trip time.

// Flusher is a Sender that can prove its earlier stanzas reached the
// server.
type Flusher interface {
	// Flush returns once the server has taken every stanza written
	// through this link before the call; an error means it may not have.
	Flush(ctx context.Context) error
}

// flushRounds coalesces Flush calls into round trips.
type flushRounds struct {
	mu      sync.Mutex
	running bool
	next    *flushRound // the round that starts when the running one ends
}

type flushRound struct {
	done chan struct{}
	err  error
}

// wait joins the next round trip that starts after the call (rt does
// one) and returns its outcome.
func (f *flushRounds) wait(ctx context.Context, rt func(context.Context) error) error {
	f.mu.Lock()
	if f.next == nil {
		f.next = &flushRound{done: make(chan struct{})}
	}
	r := f.next
	if !f.running {
		f.running = true
		f.next = nil
		go f.run(r, rt)
	}
	f.mu.Unlock()
	select {
	case <-r.done:
		return r.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// run performs round r, then each round queued meanwhile.
func (f *flushRounds) run(r *flushRound, rt func(context.Context) error) {
	for r != nil {
		r.err = rt(context.Background())
		close(r.done)
		f.mu.Lock()
		r = f.next
		f.next = nil
		if r == nil {
			f.running = false
		}
		f.mu.Unlock()
	}
}

// Flush implements Flusher with a ping through the server to the link's
// own domain, answered by the read loop like a keepalive.
func (l *Link) Flush(ctx context.Context) error {
	return l.flushes.wait(ctx, l.roundTrip)
}
