package component

import (
	"context"

	"github.com/mpimis/mpimis/relay"
)

// Presence types (RFC 6121 4.7.1); "" is available.
const (
	gwPresAvailable    = ""
	gwPresUnavailable  = "unavailable"
	gwPresProbe        = "probe"
	gwPresSubscribe    = "subscribe"
	gwPresSubscribed   = "subscribed"
	gwPresUnsubscribe  = "unsubscribe"
	gwPresUnsubscribed = "unsubscribed"
)

// gwPresenceTypes are the presence types handed to the relay.
var gwPresenceTypes = map[string]bool{
	gwPresAvailable: true, gwPresUnavailable: true, gwPresProbe: true,
	gwPresSubscribe: true, gwPresSubscribed: true,
	gwPresUnsubscribe: true, gwPresUnsubscribed: true,
}

// presence handles a presence to the gateway domain or to <imid>@domain.
// Presence errors and unknown types are dropped.
func (h *gwHandlers) presence(ctx context.Context, s Sender, st *Element) {
	typ := st.Get("type")
	if !gwPresenceTypes[typ] {
		return // error, or not a presence type at all
	}
	from, ok := gwFrom(st)
	if !ok {
		return
	}
	to, ok := gwTo(st)
	if !ok {
		return
	}
	if to.local == "" {
		h.domainPresence(ctx, s, to.domain, from.String(), from.Bare().String(), typ)
		return
	}
	if !to.valid {
		// RFC 6121 4.3.2 and 8.5.1: for a contact that does not exist,
		// subscription requests and probes get "unsubscribed"; the rest
		// is ignored.
		if typ == gwPresSubscribe || typ == gwPresProbe {
			h.send(ctx, s, NewElement(NSComponent, KindPresence,
				"type", gwPresUnsubscribed, "from", to.bare, "to", from.Bare().String()))
		}
		return
	}
	p := relay.InPresence{
		From:   st.Get("from"),
		To:     to.imid,
		Type:   typ,
		Show:   st.ChildText("", "show"),
		Status: st.ChildText("", "status"),
	}
	if err := h.gw.Presence(ctx, p); err != nil {
		h.logRefusal("presence not handled", err, "imid", to.imid.String(), "type", typ)
	}
}

// domainPresence answers presence to the gateway itself, XEP-0100 style:
// a subscription request is approved (subscribed, then available), a probe
// is answered with available. Everything else needs no answer.
func (h *gwHandlers) domainPresence(ctx context.Context, s Sender, domain, from, bareFrom, typ string) {
	switch typ {
	case gwPresSubscribe:
		h.send(ctx, s, NewElement(NSComponent, KindPresence,
			"type", gwPresSubscribed, "from", domain, "to", bareFrom))
		h.send(ctx, s, NewElement(NSComponent, KindPresence, "from", domain, "to", bareFrom))
	case gwPresProbe:
		h.send(ctx, s, NewElement(NSComponent, KindPresence, "from", domain, "to", from))
	}
}
