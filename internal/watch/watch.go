// Package watch holds a value that goroutines can read, update and wait
// on: the link and bind status of mpimis' connections, published for
// health checks, metrics and tests that await a state instead of sleeping.
package watch

import "sync"

// Box holds a value of type T. The zero Box is not usable; use New.
type Box[T comparable] struct {
	mu sync.Mutex
	v  T
	ch chan struct{}
}

// New returns a box holding v.
func New[T comparable](v T) *Box[T] {
	return &Box[T]{v: v, ch: make(chan struct{})}
}

// Get returns the current value.
func (b *Box[T]) Get() T {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.v
}

// Update applies f to the value under the lock; if the value changed, the
// channel returned by Changed before the update is closed.
func (b *Box[T]) Update(f func(*T)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	old := b.v
	f(&b.v)
	if b.v == old {
		return
	}
	close(b.ch)
	b.ch = make(chan struct{})
}

// Changed returns a channel that is closed at the next change. To wait for
// a condition, take the channel, then check the value, then wait on it.
func (b *Box[T]) Changed() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.ch
}
