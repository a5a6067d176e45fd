package rooms

import (
	"context"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/ident"
)

// HandleStanza implements component.Handler. It runs on the link's
// dispatch goroutine and never blocks: stanzas for a room are queued to
// the room's goroutine; what can be answered without the room's state
// (disco of a room, errors for rooms that are not live) is answered here.
// Answers are sent with the service's send context (see Service), not
// with ctx.
func (s *Service) HandleStanza(_ context.Context, snd component.Sender, st *component.Element) {
	ctx := s.sendCtx
	to, ok := splitJID(st.Get("to"))
	if !ok || to.local == "" {
		s.base.HandleStanza(ctx, snd, st)
		return
	}
	from, ok := splitJID(st.Get("from"))
	if !ok {
		return // the server always stamps from; nothing to answer to
	}
	key, err := ident.ParseRoomKey(to.local)
	if err != nil {
		s.reply(ctx, snd, st, errNoSuchRoom)
		return
	}
	ev := event{snd: snd, st: st, from: from, nick: to.resource}
	switch st.Name.Local {
	case component.KindPresence:
		s.routePresence(ctx, key, ev)
	case component.KindMessage:
		ev.kind = evMessage
		typ := st.Get("type")
		if _, ok := s.deliver(key, ev, false, typ == component.TypeError); !ok {
			s.notQueued(ctx, key, ev)
		}
	case component.KindIQ:
		s.routeIQ(ctx, key, ev)
	}
}

func (s *Service) reply(ctx context.Context, snd component.Sender, st *component.Element, se *component.StanzaError) {
	e := component.ErrorReply(st, se)
	if e == nil {
		return
	}
	if err := snd.Send(ctx, e); err != nil {
		s.log.Debug("rooms: error reply not sent", "err", err)
	}
}

// notQueued answers a stanza that no room took: the room is not live (the
// sender cannot be an occupant), its mailbox is full, or the service is
// closing. Errors and unavailable presences are never answered.
func (s *Service) notQueued(ctx context.Context, key ident.RoomKey, ev event) {
	typ := ev.st.Get("type")
	if typ == component.TypeError || typ == "unavailable" || typ == component.TypeResult {
		return
	}
	s.mu.Lock()
	r, closed := s.rooms[key], s.closed
	s.mu.Unlock()
	switch {
	case closed:
		s.reply(ctx, ev.snd, ev.st, errShuttingDown)
	case r != nil:
		s.reply(ctx, ev.snd, ev.st, errBusy)
	default:
		s.reply(ctx, ev.snd, ev.st, errNotOccupant)
	}
}

// routePresence queues a presence; an available presence with the MUC
// <x/> to room/nick opens the room if it is not live.
func (s *Service) routePresence(ctx context.Context, key ident.RoomKey, ev event) {
	ev.kind = evPresence
	typ := ev.st.Get("type")
	if typ == "" && ev.nick == "" {
		s.reply(ctx, ev.snd, ev.st, errNoNick)
		return
	}
	create := false
	if typ == "" && ev.st.Child(component.NSMUC, "x") != nil {
		if se := checkNick(ev.nick, s.cfg.MaxNickLength); se != nil {
			s.reply(ctx, ev.snd, ev.st, se)
			return
		}
		create = true
	}
	critical := typ == "unavailable" || typ == component.TypeError
	r, ok := s.deliver(key, ev, create, critical)
	switch {
	case ok || critical:
	case r == nil && typ == "" && !create:
		s.reply(ctx, ev.snd, ev.st, errNotJoined)
	case typ == "" || typ == "probe":
		s.notQueued(ctx, key, ev)
	default:
		s.reply(ctx, ev.snd, ev.st, errBadPresence)
	}
}

// routeIQ answers iqs to the room itself here (disco, ping, the owner
// namespace) and queues iqs to occupants for the room.
func (s *Service) routeIQ(ctx context.Context, key ident.RoomKey, ev event) {
	typ := ev.st.Get("type")
	if ev.nick != "" {
		ev.kind = evIQ
		if _, ok := s.deliver(key, ev, false, false); !ok {
			s.notQueued(ctx, key, ev)
		}
		return
	}
	if typ != component.TypeGet && typ != component.TypeSet {
		return
	}
	p := component.Payload(ev.st)
	if p == nil || len(ev.st.Children) != 1 {
		s.reply(ctx, ev.snd, ev.st, &component.StanzaError{Type: component.ErrTypeModify,
			Condition: component.CondBadRequest, Text: "an iq get or set carries exactly one payload"})
		return
	}
	r := s.live(key)
	var res *component.Element
	var se *component.StanzaError
	switch {
	case r == nil && (p.Name.Space == component.NSDiscoInfo || p.Name.Space == component.NSDiscoItem ||
		p.Name.Space == component.NSPing || p.Name.Space == nsMUCOwner):
		se = errRoomNotLive
	case typ == component.TypeGet && p.Name.Space == component.NSDiscoInfo && p.Name.Local == "query":
		res, se = s.roomInfo(r, p)
	case typ == component.TypeGet && p.Name.Space == component.NSDiscoItem && p.Name.Local == "query":
		res, se = roomItems(p)
	case typ == component.TypeGet && p.Name.Space == component.NSPing && p.Name.Local == "ping":
	case p.Name.Space == nsMUCOwner && p.Name.Local == "query":
		se = ownerQuery(typ, p)
	default:
		se = errUnsupported
	}
	if se != nil {
		s.reply(ctx, ev.snd, ev.st, se)
		return
	}
	if err := ev.snd.Send(ctx, component.ResultFor(ev.st).Add(res)); err != nil {
		s.log.Debug("rooms: iq result not sent", "err", err)
	}
}
