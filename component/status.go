package component

import (
	"sync"
	"time"
)

// LinkState is the state of a component link.
type LinkState string

// Link states.
const (
	StateDown       LinkState = "down"
	StateConnecting LinkState = "connecting"
	StateUp         LinkState = "up"
)

// LinkStatus is a snapshot of a link for health checks and metrics.
type LinkStatus struct {
	Domain    string    `json:"domain"`
	State     LinkState `json:"state"`
	Since     time.Time `json:"since"`
	LastError string    `json:"last_error,omitempty"`
	// Connects counts successful handshakes; Stalls counts links declared
	// dead by the keepalive.
	Connects uint64 `json:"connects"`
	Stalls   uint64 `json:"stalls"`
	// Keepalives counts keepalive round trips answered.
	Keepalives uint64 `json:"keepalives"`
}

type statusBox struct {
	mu sync.Mutex
	s  LinkStatus
	ch chan struct{} // closed and replaced on every change
}

func newStatusBox(domain string) *statusBox {
	return &statusBox{s: LinkStatus{Domain: domain, State: StateDown, Since: time.Now()}, ch: make(chan struct{})}
}

func (b *statusBox) get() LinkStatus {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.s
}

func (b *statusBox) update(f func(*LinkStatus)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	old := b.s
	f(&b.s)
	if b.s.State != old.State {
		b.s.Since = time.Now()
	}
	if b.s == old {
		return
	}
	close(b.ch)
	b.ch = make(chan struct{})
}

// changed returns a channel closed at the next status change.
func (b *statusBox) changed() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.ch
}
