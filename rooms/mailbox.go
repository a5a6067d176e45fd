package rooms

import "sync"

// mailbox is a room's event queue: pushing never blocks (the link's
// dispatch goroutine must not wait for a room), the room goroutine takes
// events in arrival order. Ordinary events are refused beyond a limit;
// critical ones (leaves, bounced errors, stop) are always queued, so an
// occupant can always get out.
type mailbox struct {
	mu     sync.Mutex
	q      []event
	closed bool
	signal chan struct{} // holds a token while q may be non-empty
}

func newMailbox() *mailbox {
	return &mailbox{signal: make(chan struct{}, 1)}
}

// push queues ev. It returns false when the mailbox is closed, or when ev
// is not critical and limit events are already waiting.
func (m *mailbox) push(ev event, critical bool, limit int) bool {
	m.mu.Lock()
	if m.closed || (!critical && len(m.q) >= limit) {
		m.mu.Unlock()
		return false
	}
	m.q = append(m.q, ev)
	m.mu.Unlock()
	select {
	case m.signal <- struct{}{}:
	default:
	}
	return true
}

// take moves the waiting events into buf (reset) and returns it.
func (m *mailbox) take(buf []event) []event {
	m.mu.Lock()
	buf = append(buf[:0], m.q...)
	clear(m.q)
	m.q = m.q[:0]
	m.mu.Unlock()
	return buf
}

// closeIfEmpty closes the mailbox if nothing is waiting and reports
// whether it did.
func (m *mailbox) closeIfEmpty() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.q) > 0 {
		return false
	}
	m.closed = true
	return true
}
