package component

import (
	"errors"
	"net"
	"sync"
	"syscall"
)

// batchLimit is how many bytes a batchConn holds before a Write waits.
const batchLimit = 256 << 10

// batchConn is a connection whose writes are gathered in a buffer and
// written out by one goroutine: stanzas sent while a write is on its way
// leave together in the next one. A room's burst (a groupchat message to
// every occupant, a presence broadcast) then reaches the server in a few
// large reads instead of one small read per stanza, each of which costs
// Prosody a turn of its event loop and a flush of every client it wrote
// to.
//
// Write fails only once an earlier write has failed (the connection is
// then closed, which ends the link's read loop). Write waits while
// batchLimit bytes are pending; the write deadline set on the connection
// bounds the flusher's write, so a stalled peer fails the writers too.
type batchConn struct {
	net.Conn

	mu      sync.Mutex
	cond    *sync.Cond // pending, err or closed changed
	pending []byte
	spare   []byte
	err     error
	closed  bool
}

func newBatchConn(c net.Conn) *batchConn {
	b := &batchConn{Conn: c}
	b.cond = sync.NewCond(&b.mu)
	go b.flush()
	return b
}

// Write queues p for the flusher.
func (b *batchConn) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.err == nil && !b.closed && len(b.pending) > 0 && len(b.pending)+len(p) > batchLimit {
		b.cond.Wait()
	}
	if b.err != nil {
		return 0, b.err
	}
	if b.closed {
		return 0, net.ErrClosed
	}
	b.pending = append(b.pending, p...)
	b.cond.Broadcast()
	return len(p), nil
}

func (b *batchConn) flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for {
		for len(b.pending) == 0 && !b.closed && b.err == nil {
			b.cond.Wait()
		}
		if b.closed || b.err != nil {
			return
		}
		out := b.pending
		b.pending, b.spare = b.spare[:0], nil
		b.cond.Broadcast() // writers waiting for room
		b.mu.Unlock()
		_, err := b.Conn.Write(out)
		b.mu.Lock()
		b.spare = out[:0]
		if err != nil {
			b.err = err
			b.cond.Broadcast()
			_ = b.Conn.Close()
			return
		}
	}
}

// Close closes the connection at once; what is still pending is lost (a
// graceful close waits for the server's end of stream first, which comes
// only after ours was written).
func (b *batchConn) Close() error {
	b.mu.Lock()
	b.closed = true
	b.cond.Broadcast()
	b.mu.Unlock()
	return b.Conn.Close()
}

// SyscallConn exposes the underlying connection's (for outQueue).
func (b *batchConn) SyscallConn() (syscall.RawConn, error) {
	if sc, ok := b.Conn.(syscall.Conn); ok {
		return sc.SyscallConn()
	}
	return nil, errors.New("component: not a system connection")
}

// buffered returns how many bytes wait for the flusher.
func (b *batchConn) buffered() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.pending)
}
