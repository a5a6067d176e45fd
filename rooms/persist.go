package rooms

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// persistLimit bounds the persistence queue; beyond it, writes are dropped
// (and counted) rather than letting memory grow without bound while the
// store is stuck.
const persistLimit = 100_000

// opTimeout is the deadline of one store call.
const opTimeout = 10 * time.Second

// persister runs store calls on one goroutine, in the order they were
// queued, off every stanza path. Reads that a room needs (its page info and
// notes when it opens) go through the same queue, so they see every write
// queued before them.
type persister struct {
	log *slog.Logger

	mu      sync.Mutex
	q       []func(context.Context)
	closed  bool
	dropped int
	signal  chan struct{}
	done    chan struct{}
}

func newPersister(log *slog.Logger) *persister {
	p := &persister{log: log, signal: make(chan struct{}, 1), done: make(chan struct{})}
	go p.run()
	return p
}

// do queues op; critical ops (reads somebody waits for) are never dropped.
// It reports whether op was queued.
func (p *persister) do(op func(context.Context), critical bool) bool {
	p.mu.Lock()
	if p.closed || (!critical && len(p.q) >= persistLimit) {
		if !p.closed {
			p.dropped++
			if p.dropped == 1 || p.dropped%1000 == 0 {
				p.log.Warn("rooms: store too slow, statistics dropped", "dropped", p.dropped)
			}
		}
		p.mu.Unlock()
		return false
	}
	p.q = append(p.q, op)
	p.mu.Unlock()
	select {
	case p.signal <- struct{}{}:
	default:
	}
	return true
}

func (p *persister) run() {
	defer close(p.done)
	var batch []func(context.Context)
	for {
		p.mu.Lock()
		batch = append(batch[:0], p.q...)
		clear(p.q)
		p.q = p.q[:0]
		closed := p.closed
		p.mu.Unlock()
		for _, op := range batch {
			ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
			op(ctx)
			cancel()
		}
		clear(batch)
		if len(batch) == 0 && closed {
			return
		}
		if len(batch) == 0 {
			<-p.signal
		}
	}
}

// close stops accepting ops, runs those queued and waits for them.
func (p *persister) close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	select {
	case p.signal <- struct{}{}:
	default:
	}
	<-p.done
}
