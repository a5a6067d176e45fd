package smsflow

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Direct hand-off. A message stored while a worker slot is free and
// nothing older waits in its queue is stored already leased and handed to
// a worker in memory, instead of being stored queued and leased by the
// worker loop in a second transaction. The queue stays the source of
// truth: a crash leaves the message leased, and the lease running out
// brings it back. When the workers fall behind, messages are stored
// queued and the loop leases them in order; the backlog generation keeps
// a newer message from overtaking them until a lease has found the queue
// drained.

// runState is what the flow knows while Run runs.
type runState struct {
	mu   sync.Mutex
	ctx  context.Context // nil while the flow is not running
	work sync.WaitGroup  // messages being worked on
}

// begin registers one piece of work if the flow is running and returns
// the run context for it; done must follow.
func (r *runState) begin() (context.Context, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ctx == nil || r.ctx.Err() != nil {
		return nil, false
	}
	r.work.Add(1)
	return r.ctx, true
}

func (r *runState) done() { r.work.Done() }

// start records ctx as the run context.
func (r *runState) start(ctx context.Context) {
	r.mu.Lock()
	r.ctx = ctx
	r.mu.Unlock()
}

// stop refuses new work, then waits for the work begun.
func (r *runState) stop() {
	r.mu.Lock()
	r.ctx = nil
	r.mu.Unlock()
	r.work.Wait()
}

// queueGate decides, for one queue, whether a new message may bypass it.
type queueGate struct {
	slots   chan struct{} // one per message a worker holds
	drained atomic.Bool   // the last lease found no more due messages than it took

	mu      sync.Mutex
	backlog uint64 // generation: bumped when a message is stored queued
}

func newQueueGate(n int) *queueGate {
	return &queueGate{slots: make(chan struct{}, n)}
}

// tryDirect takes a worker slot for a new message if one is free and no
// stored message waits; release must follow when it returns true.
func (g *queueGate) tryDirect() bool {
	if !g.drained.Load() {
		return false
	}
	select {
	case g.slots <- struct{}{}:
		return true
	default:
		return false
	}
}

// queued notes that a message was (or is about to be) stored queued.
func (g *queueGate) queued() {
	g.mu.Lock()
	g.drained.Store(false)
	g.backlog++
	g.mu.Unlock()
}

// free returns the number of free worker slots.
func (g *queueGate) free() int { return cap(g.slots) - len(g.slots) }

// acquire takes a slot, waiting for one.
func (g *queueGate) acquire() { g.slots <- struct{}{} }

// release gives a slot back.
func (g *queueGate) release() { <-g.slots }

// generation returns the backlog generation before a lease.
func (g *queueGate) generation() uint64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.backlog
}

// leased records the outcome of a lease of up to asked messages started
// at generation gen: a short lease with nothing stored queued since then
// means the queue is drained.
func (g *queueGate) leased(gen uint64, got, asked int) {
	g.mu.Lock()
	if got < asked && g.backlog == gen {
		g.drained.Store(true)
	}
	g.mu.Unlock()
}

// leaseLoop leases due messages of one queue whenever g has free worker
// slots, and hands each to a worker with hand, with a slot of g and a
// piece of f.run's work that the worker gives back. It sleeps until wake
// (or idlePoll) when the slots are taken or nothing is due.
func leaseLoop[T any](ctx context.Context, f *Flow, g *queueGate, wake chan struct{}, what string,
	lease func(context.Context, time.Time, time.Duration, int) ([]T, error), hand func(context.Context, *T)) {
	for ctx.Err() == nil {
		free := g.free()
		if free == 0 {
			sleep(ctx, idlePoll, wake)
			continue
		}
		gen := g.generation()
		batch, err := lease(ctx, time.Now(), f.cfg.Lease, free)
		if err != nil {
			if ctx.Err() == nil {
				f.log.Error("leasing "+what+" messages", "err", err)
			}
			sleep(ctx, idlePoll, nil)
			continue
		}
		g.leased(gen, len(batch), free)
		if len(batch) == 0 {
			sleep(ctx, idlePoll, wake)
			continue
		}
		for i := range batch {
			g.acquire()
			wctx, ok := f.run.begin()
			if !ok {
				g.release()
				return // stopping: the leases run out and the messages are taken again
			}
			hand(wctx, &batch[i])
		}
	}
}

// finished gives back a worker's slot of g and its piece of f.run's work,
// and wakes the lease loop of g's queue.
func (f *Flow) finished(g *queueGate, wake chan struct{}) {
	g.release()
	f.run.done()
	kick(wake)
}

// admit stores a new message of g's queue with enqueue (a zero until
// stores it queued, a non-zero one leased until then). When a worker slot
// is free and nothing waits in the queue it is stored leased and handed
// to a worker with hand (given the run context); otherwise it is stored
// queued and the lease loop woken. queued is noted before the insert, so
// that a lease running meanwhile cannot declare the queue drained, and
// after it, so that a lease that started before the insert committed
// cannot either.
func (f *Flow) admit(g *queueGate, wake chan struct{}, enqueue func(until time.Time) error, hand func(context.Context)) error {
	if wctx, ok := f.run.begin(); ok {
		if g.tryDirect() {
			if err := enqueue(time.Now().Add(f.cfg.Lease)); err != nil {
				g.release()
				f.run.done()
				return err
			}
			hand(wctx)
			return nil
		}
		f.run.done()
	}
	g.queued()
	if err := enqueue(time.Time{}); err != nil {
		return err
	}
	g.queued()
	kick(wake)
	return nil
}
