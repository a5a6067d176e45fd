package component

import (
	"context"
	"strings"
	"sync"
)

// Router is the Handler of every link of one process: it hands each stanza
// to the service of the domain it is addressed to, with that domain's link
// as the Sender for the answers, whichever link the stanza arrived on.
// With Prosody each domain's stanzas arrive on its own link anyway; with
// ejabberd, whose ejabberd_service listener may route any of its hosts to
// any connected component, routing by link would hand rooms stanzas to the
// gateway.
type Router struct {
	mu     sync.RWMutex
	routes map[string]route
}

type route struct {
	h Handler
	s Sender
}

var _ Handler = (*Router)(nil)

// NewRouter returns an empty router.
func NewRouter() *Router { return &Router{routes: make(map[string]route)} }

// Add routes stanzas to domain to h, answering through s.
func (r *Router) Add(domain string, h Handler, s Sender) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.routes[strings.ToLower(domain)] = route{h, s}
}

// HandleStanza implements Handler.
func (r *Router) HandleStanza(ctx context.Context, via Sender, st *Element) {
	rt, ok := r.route(st)
	if !ok {
		if reply := ErrorReply(st, &StanzaError{Type: ErrTypeCancel, Condition: CondServiceUnavailable, Text: "no such service here"}); reply != nil {
			_ = via.Send(ctx, reply)
		}
		return
	}
	rt.h.HandleStanza(ctx, rt.s, st)
}

// route returns the route of the domain st is addressed to.
func (r *Router) route(st *Element) (route, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	rt, ok := r.routes[strings.ToLower(domainOf(st.Get("to")))]
	return rt, ok
}
