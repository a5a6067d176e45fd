package component

import (
	"context"
	"strings"

	"github.com/mpimis/mpimis/internal/lanes"
)

// Dispatch lanes. A link hands its stanzas to the handler in arrival
// order on one goroutine, unless the handler says a stanza may run
// concurrently with others (Laner): such stanzas go to one of a fixed
// number of lanes chosen by a key, so stanzas with the same key (one
// sender writing to one contact) keep their order while different
// conversations no longer wait for each other's store writes. Profiling
// the SMS gateway at saturation showed the single dispatch goroutine
// waiting on commits most of the time.

// Laner is implemented by a Handler some of whose stanzas need not wait
// for the others. Lane returns the ordering key of st and true when st may
// be handled concurrently with stanzas of other keys; false keeps st on
// the link's ordered lane.
type Laner interface {
	Lane(st *Element) (key string, ok bool)
}

// defaultLanes is the number of concurrent lanes of a link: enough to
// fill a group commit and the SMPP window, few enough to stay cheap.
const defaultLanes = 32

// laneDepth is the buffer of each lane.
const laneDepth = 64

// Lane implements Laner: a stanza goes to the lane of the handler of its
// domain, if that handler has lanes.
func (r *Router) Lane(st *Element) (string, bool) {
	rt, ok := r.route(st)
	if !ok {
		return "", false
	}
	if lr, ok := rt.h.(Laner); ok {
		return lr.Lane(st)
	}
	return "", false
}

// Lane implements Laner: when the service is Concurrent, messages,
// presences and iqs are ordered per sender (bare JID, compared without
// case) only. One sender's stanzas keep their order whoever they are
// addressed to, so a ping answered after a message proves that message
// was handled (XMPP's in-order processing); different senders no longer
// wait for each other.
func (s *Service) Lane(st *Element) (string, bool) {
	if !s.Concurrent {
		return "", false
	}
	return strings.ToLower(bareOf(st.Get("from"))), true
}

// bareOf strips the resource of a JID (no validation).
func bareOf(j string) string {
	if i := strings.IndexByte(j, '/'); i >= 0 {
		return j[:i]
	}
	return j
}

// domainOf returns the domain part of a JID (no validation).
func domainOf(j string) string {
	j = bareOf(j)
	if i := strings.LastIndexByte(j, '@'); i >= 0 {
		return j[i+1:]
	}
	return j
}

// handleAll runs the handler for each stanza of the inbox on its lane
// until the inbox is closed and every lane has finished.
func (l *Link) handleAll(ctx context.Context) {
	laner, _ := l.h.(Laner)
	n := l.cfg.Lanes
	if laner == nil {
		n = 0
	}
	ln := lanes.New(n, laneDepth, func(st *Element) { l.handleOne(ctx, st) })
	for st := range l.inbox {
		key, ok := "", false
		if laner != nil {
			key, ok = laner.Lane(st)
		}
		ln.Put(key, !ok, st)
	}
	ln.Close()
}
