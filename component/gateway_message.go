package component

import (
	"context"
	"strings"

	"github.com/mpimis/mpimis/relay"
)

// Message types (RFC 6121 5.2.2).
const (
	gwMsgChat      = "chat"
	gwMsgNormal    = "normal"
	gwMsgGroupchat = "groupchat"
	gwMsgHeadline  = "headline"
)

// message handles a message to the gateway domain or to <imid>@domain:
//
//   - type error: a bounce of something we sent; logged at debug, dropped;
//   - no <body> (chat states, markers, receipt acks) or a body of white
//     space only: dropped, never answered, never relayed;
//   - headline: dropped; groupchat: service-unavailable;
//   - to the domain itself: service-unavailable with a hint;
//   - to a localpart that is not an imid: item-not-found;
//   - chat, normal, no type or an unknown type (taken as normal, RFC 6121
//     5.2.2): relay.Gateway.FromXMPP; a refusal comes back as a message
//     error (gwStanzaError).
func (h *gwHandlers) message(ctx context.Context, s Sender, st *Element) {
	typ := st.Get("type")
	if typ == TypeError {
		se := ParseStanzaError(st)
		cond := ""
		if se != nil {
			cond = se.Condition
		}
		h.log.Debug("message error received, dropped", "id", st.Get("id"), "to", st.Get("to"), "condition", cond)
		return
	}
	body := st.Child("", "body")
	if body == nil || strings.TrimSpace(body.Text) == "" {
		return
	}
	if typ == gwMsgHeadline {
		return
	}
	if _, ok := gwFrom(st); !ok {
		h.log.Debug("message without a valid from, dropped", "id", st.Get("id"))
		return
	}
	if typ == gwMsgGroupchat {
		h.send(ctx, s, ErrorReply(st, gwErrNoGroupchat))
		return
	}
	to, ok := gwTo(st)
	switch {
	case !ok:
		h.send(ctx, s, ErrorReply(st, &StanzaError{Type: ErrTypeModify, Condition: CondJIDMalformed}))
		return
	case to.local == "":
		h.send(ctx, s, ErrorReply(st, gwErrDomainMsg))
		return
	case !to.valid:
		h.send(ctx, s, ErrorReply(st, gwErrNoSuchUser))
		return
	}
	if typ != gwMsgChat {
		typ = gwMsgNormal
	}
	m := relay.XMPPMessage{
		From:        st.Get("from"),
		To:          to.imid,
		ID:          st.Get("id"),
		Type:        typ,
		Body:        body.Text,
		WantReceipt: st.Child(NSReceipts, "request") != nil,
	}
	if oid := st.Child(NSSID, "origin-id"); oid != nil {
		m.OriginID = oid.Get("id")
	}
	if err := h.gw.FromXMPP(ctx, m); err != nil {
		h.logRefusal("message refused", err, "imid", to.imid.String(), "id", m.ID)
		h.send(ctx, s, ErrorReply(st, gwStanzaError(err)))
	}
}

// logRefusal logs a relay error: failures on our side at warn, refusals
// (the relay's decisions) at debug.
func (h *gwHandlers) logRefusal(msg string, err error, args ...any) {
	args = append(args, "err", err)
	if gwIsInternal(err) {
		h.log.Warn(msg, args...)
		return
	}
	h.log.Debug(msg, args...)
}
