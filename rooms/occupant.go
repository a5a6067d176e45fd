package rooms

import (
	"slices"
	"time"

	"github.com/mpimis/mpimis/component"
)

// occupant is one nickname in a room, held by one bare JID from one or
// more sessions (full JIDs).
type occupant struct {
	nick     string
	bare     string
	sessions []string             // real full JIDs, oldest first
	pres     []*component.Element // presence payload (show, status, caps ...), never mutated
	joined   time.Time

	// public occupants joined while the room was not busy: everyone sees
	// their presence. The presence of the others goes to watchers only:
	// the occupants who were shown it.
	public   bool
	watchers map[*occupant]struct{}
	gone     bool

	prev, next *occupant // join order

	msgs, other bucket // flood budgets
}

// removeSession drops full and reports how many sessions remain.
func (o *occupant) removeSession(full string) int {
	if i := slices.Index(o.sessions, full); i >= 0 {
		o.sessions = slices.Delete(o.sessions, i, i+1)
	}
	return len(o.sessions)
}

// watch records that w has been shown o's presence.
func (o *occupant) watch(w *occupant) {
	if o.public || w == o {
		return
	}
	if o.watchers == nil {
		o.watchers = make(map[*occupant]struct{})
	}
	o.watchers[w] = struct{}{}
}

// insert appends o to the join order and the indexes.
func (r *room) insert(o *occupant) {
	o.prev = r.tail
	if r.tail != nil {
		r.tail.next = o
	} else {
		r.head = o
	}
	r.tail = o
	r.byNick[o.nick] = o
	for _, s := range o.sessions {
		r.bySession[s] = o
	}
	if o.public {
		r.public++
	}
	r.countChanged()
}

// remove takes o out of the room.
func (r *room) remove(o *occupant) {
	if o.prev != nil {
		o.prev.next = o.next
	} else {
		r.head = o.next
	}
	if o.next != nil {
		o.next.prev = o.prev
	} else {
		r.tail = o.prev
	}
	o.prev, o.next = nil, nil
	delete(r.byNick, o.nick)
	for _, s := range o.sessions {
		delete(r.bySession, s)
	}
	if o.public {
		r.public--
	}
	o.gone = true // its watchers set is dropped by the caller once told
	r.countChanged()
}

// countChanged publishes the occupant count and the busy flag and tracks
// the peak.
func (r *room) countChanged() {
	n := len(r.byNick)
	r.count.Store(int64(n))
	r.busy.Store(n > r.svc.cfg.BroadcastLimit)
	if n > r.peak {
		r.peak = n
		r.savePeak(false)
	}
}

// eachOccupant calls fn for every occupant in join order.
func (r *room) eachOccupant(fn func(*occupant)) {
	for o := r.head; o != nil; o = o.next {
		fn(o)
	}
}
