package smsbridge

import "context"

// window bounds the number of outstanding submit_sm. acquire waits, it never
// fails while ctx lives.
type window struct {
	slots chan struct{}
}

func newWindow(n int) *window {
	return &window{slots: make(chan struct{}, n)}
}

// acquire takes a slot, waiting until one is free or ctx is done.
func (w *window) acquire(ctx context.Context) error {
	select {
	case w.slots <- struct{}{}:
		return nil
	default:
	}
	select {
	case w.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// release returns a slot taken by acquire.
func (w *window) release() { <-w.slots }

// inUse returns the number of slots taken.
func (w *window) inUse() int { return len(w.slots) }

// size returns the number of slots.
func (w *window) size() int { return cap(w.slots) }
