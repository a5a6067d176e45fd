package rooms

// changeNick renames an occupant (XEP-0045 7.6): its audience gets an
// unavailable presence from the old nickname with status 303 and the new
// nickname, then an available presence from the new one. The whole
// occupant moves, with all its sessions. A nickname held by anyone else,
// even another occupant of the same user, is refused with conflict.
func (r *room) changeNick(o *occupant, ev event) {
	if se := checkNick(ev.nick, r.svc.cfg.MaxNickLength); se != nil {
		r.reply(ev.st, se)
		return
	}
	if r.byNick[ev.nick] != nil {
		r.reply(ev.st, errNickConflict)
		return
	}
	r.sendPresenceOf(o, "unavailable", roleParticipant, ev.nick, nil, []string{"303"}, []string{"303"}, false)
	delete(r.byNick, o.nick)
	o.nick = ev.nick
	r.byNick[o.nick] = o
	if p := presencePayload(ev.st); len(p) > 0 {
		o.pres = p
	}
	r.sendPresenceOf(o, "", roleParticipant, "", o.pres, nil, nil, false)
}
