package component

import "sync"

// Tracker matches iq results and errors to the SendIQ calls waiting for
// them. Links of one process share a Tracker, because a server may deliver
// the answer on any of them: ejabberd, for one, registers every host of
// its ejabberd_service listener on each component connection and balances
// stanzas between them.
type Tracker struct {
	mu      sync.Mutex
	pending map[string]chan *Element
}

// NewTracker returns an empty tracker.
func NewTracker() *Tracker {
	return &Tracker{pending: make(map[string]chan *Element)}
}

// wait registers id and returns the channel its answer arrives on (nil if
// the link went down first) and a function that unregisters it.
func (t *Tracker) wait(id string) (<-chan *Element, func()) {
	ch := make(chan *Element, 1)
	t.mu.Lock()
	t.pending[id] = ch
	t.mu.Unlock()
	return ch, func() {
		t.mu.Lock()
		delete(t.pending, id)
		t.mu.Unlock()
	}
}

// deliver hands an iq result or error to its waiter; it reports whether
// one was waiting.
func (t *Tracker) deliver(st *Element) bool {
	if st.Name.Local != KindIQ {
		return false
	}
	if typ := st.Get("type"); typ != TypeResult && typ != TypeError {
		return false
	}
	id := st.Get("id")
	t.mu.Lock()
	ch, ok := t.pending[id]
	if ok {
		delete(t.pending, id)
	}
	t.mu.Unlock()
	if ok {
		ch <- st
	}
	return ok
}

// fail ends the given waits as "not connected".
func (t *Tracker) fail(ids []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, id := range ids {
		if ch, ok := t.pending[id]; ok {
			ch <- nil
			delete(t.pending, id)
		}
	}
}
