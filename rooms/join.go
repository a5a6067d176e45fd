package rooms

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mpimis/mpimis/component"
)

// joinRequest is what a join presence asks for.
type joinRequest struct {
	muc     bool // it carries <x xmlns='http://jabber.org/protocol/muc'/>
	history historyRequest
	page    *pageRef
}

// parseJoin reads a join presence.
func (r *room) parseJoin(st *component.Element) joinRequest {
	return parseJoinWith(st, r.svc.cfg.History, r.svc.cfg.Now())
}

// checkNick validates a nickname; nil if it is acceptable.
func checkNick(nick string, maxLen int) *component.StanzaError {
	if nick == "" {
		return errNoNick
	}
	if !utf8.ValidString(nick) {
		return errNickMalformed
	}
	visible := false
	n := 0
	for _, c := range nick {
		if unicode.IsControl(c) {
			return errNickMalformed
		}
		if !unicode.IsSpace(c) {
			visible = true
		}
		n++
	}
	if !visible || strings.TrimSpace(nick) == "" {
		return errNickInvisible
	}
	if n > maxLen {
		return errNickTooLong(maxLen)
	}
	return nil
}

// onPresence handles every presence addressed to the room or an occupant.
func (r *room) onPresence(ev event) {
	switch ev.st.Get("type") {
	case "":
	case "unavailable":
		r.leave(ev)
		return
	case component.TypeError:
		r.kick(ev)
		return
	case "probe":
		r.probe(ev)
		return
	default:
		r.reply(ev.st, errBadPresence)
		return
	}
	if ev.nick == "" {
		r.reply(ev.st, errNoNick)
		return
	}
	if o := r.bySession[ev.from.full()]; o != nil {
		switch {
		case o.nick != ev.nick:
			r.changeNick(o, ev)
		case ev.st.Child(component.NSMUC, "x") != nil:
			r.resync(o, ev, r.parseJoin(ev.st))
		default:
			r.update(o, ev)
		}
		return
	}
	r.join(ev)
}

// join admits a new session: as a new occupant, or as one more session of
// the occupant holding the nickname if it has the same bare JID.
func (r *room) join(ev event) {
	req := r.parseJoin(ev.st)
	if !req.muc {
		r.reply(ev.st, errNotJoined)
		return
	}
	if se := checkNick(ev.nick, r.svc.cfg.MaxNickLength); se != nil {
		r.reply(ev.st, se)
		return
	}
	full := ev.from.full()
	if holder := r.byNick[ev.nick]; holder != nil {
		if holder.bare != ev.from.bare() {
			r.reply(ev.st, errNickConflict)
			return
		}
		holder.sessions = append(holder.sessions, full)
		r.bySession[full] = holder
		r.resync(holder, ev, req)
		return
	}
	if len(r.byNick) >= r.svc.cfg.MaxOccupants {
		r.reply(ev.st, errRoomFull)
		return
	}
	if req.page != nil {
		norm, ok := checkPage(r.key, req.page.url)
		if !ok {
			r.reply(ev.st, errPageMismatch)
			return
		}
		r.setPage(norm, req.page.title, false)
	}
	now := r.svc.cfg.Now()
	o := &occupant{
		nick:     ev.nick,
		bare:     ev.from.bare(),
		sessions: []string{full},
		pres:     presencePayload(ev.st),
		joined:   now,
		public:   len(r.byNick)+1 <= r.svc.cfg.BroadcastLimit,
	}
	o.msgs.init(r.svc.cfg.MaxMessagesPerMinute, now)
	o.other.init(4*r.svc.cfg.MaxMessagesPerMinute, now)
	list := r.shownTo(o)
	r.insert(o)

	// XEP-0045 7.2.3: the others' presences, then the joiner's own with
	// 110 (and 201 when this join opened the room, 170 because page
	// notes keep the discussion), broadcast to those who see it.
	r.sendOccupantList(list, full)
	var self []string
	if r.fresh {
		self = append(self, "201")
		r.fresh = false
	}
	if r.svc.cfg.History > 0 {
		self = append(self, "170")
	}
	r.sendPresenceOf(o, "", roleParticipant, "", o.pres, nil, self, false)
	r.sendHistory(req.history, full)
	r.sendSubject(full)
}

// resync sends one session of an existing occupant what a join shows (the
// occupant list, its own presence, history, subject): for an additional
// session, and for a client that re-sends its join presence (XEP-0410).
// Others are not told: the occupant itself has not changed.
func (r *room) resync(o *occupant, ev event, req joinRequest) {
	full := ev.from.full()
	if p := presencePayload(ev.st); len(p) > 0 {
		o.pres = p
	}
	r.sendOccupantList(r.shownTo(o), full)
	var codes []string
	if r.svc.cfg.History > 0 {
		codes = append(codes, "170")
	}
	self := r.presenceTemplate(o.nick, "", o.pres, mucUserX(roleParticipant, "", append([]string{"110"}, codes...)...))
	r.send(withTo(self, full))
	r.sendHistory(req.history, full)
	r.sendSubject(full)
}

// update is a presence change of an occupant (show, status ...). Beyond
// the occupant's budget the change is kept but not broadcast.
func (r *room) update(o *occupant, ev event) {
	o.pres = presencePayload(ev.st)
	if !o.other.take(r.svc.cfg.Now()) {
		return
	}
	r.sendPresenceOf(o, "", roleParticipant, "", o.pres, nil, nil, false)
}

// probe answers a presence probe for an occupant from another occupant.
func (r *room) probe(ev event) {
	if ev.nick == "" {
		r.reply(ev.st, errNoNick)
		return
	}
	if r.bySession[ev.from.full()] == nil {
		r.reply(ev.st, errNotOccupant)
		return
	}
	if o := r.byNick[ev.nick]; o != nil {
		r.send(withTo(r.presenceTemplate(o.nick, "", o.pres, mucUserX(roleParticipant, "")), ev.from.full()))
		return
	}
	r.send(withTo(r.presenceTemplate(ev.nick, "unavailable", nil, mucUserX(roleNone, "")), ev.from.full()))
}
