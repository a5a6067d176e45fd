package rooms

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"unicode/utf8"

	"github.com/mpimis/mpimis/component"
)

// sidEncoding renders stanza-ids: lowercase base32 without padding.
var sidEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newStanzaID returns a fresh XEP-0359 stanza-id (80 random bits).
func newStanzaID() string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	return sidEncoding.EncodeToString(b[:])
}

// onMessage handles every message addressed to the room or an occupant.
func (r *room) onMessage(ev event) {
	typ := ev.st.Get("type")
	if typ == component.TypeError {
		r.kick(ev)
		return
	}
	o := r.bySession[ev.from.full()]
	if o == nil {
		r.reply(ev.st, errNotOccupant)
		return
	}
	switch {
	case ev.nick != "" && typ == "groupchat":
		r.reply(ev.st, errGroupchatToOccupant)
	case ev.nick != "":
		r.private(o, ev)
	case typ == "groupchat":
		r.groupchat(o, ev)
	default:
		r.reply(ev.st, errUnsupported)
	}
}

// groupchat reflects a message to every session in the room, from
// room/nick with the sender's id kept and a stanza-id by the room added.
// Messages with a body go into the history, the page notes and the
// statistics; bodyless ones (chat states) are only relayed.
func (r *room) groupchat(o *occupant, ev event) {
	body := ev.st.Child("", "body")
	if body == nil && ev.st.Child("", "subject") != nil {
		r.reply(ev.st, errSubjectFixed)
		return
	}
	now := r.svc.cfg.Now()
	if body != nil {
		if n := utf8.RuneCountInString(body.Text); n > r.svc.cfg.MaxBodyLength {
			r.reply(ev.st, errBodyTooLong(r.svc.cfg.MaxBodyLength))
			return
		}
		if !o.msgs.take(now) {
			r.reply(ev.st, errFlood(r.svc.cfg.MaxMessagesPerMinute))
			return
		}
	} else if !o.other.take(now) {
		return
	}
	sid := newStanzaID()
	msg := component.NewElement(component.NSComponent, component.KindMessage,
		"from", r.jid+"/"+o.nick, "type", "groupchat", "id", ev.st.Get("id"))
	msg.Children = make([]*component.Element, 0, len(ev.st.Children)+1)
	for _, c := range ev.st.Children {
		if c.Name.Space == component.NSSID && c.Name.Local == "stanza-id" && c.Get("by") == r.jid {
			continue // only the room may claim its own stanza-ids
		}
		if c.Name.Space == component.NSMUC || c.Name.Space == nsMUCUser {
			continue
		}
		msg.Children = append(msg.Children, c)
	}
	msg.Children = append(msg.Children, component.NewElement(component.NSSID, "stanza-id", "id", sid, "by", r.jid))
	for x := r.head; x != nil; x = x.next {
		for _, s := range x.sessions {
			r.send(withTo(msg, s))
		}
	}
	if body == nil {
		return
	}
	r.hist.add(historyEntry{msg: msg, stamp: now})
	key, keep := string(r.key), r.svc.cfg.History
	note := Note{ID: sid, Nick: o.nick, Body: body.Text, Stamp: now}
	r.svc.persist.do(func(ctx context.Context) {
		if keep > 0 {
			if err := r.svc.store.AppendNote(ctx, key, note, keep); err != nil {
				r.svc.log.Warn("rooms: saving a page note failed", "room", key, "err", err)
			}
		}
		if err := r.svc.store.RecordMessage(ctx, key, now); err != nil {
			r.svc.log.Warn("rooms: counting a message failed", "room", key, "err", err)
		}
	}, false)
}

// private relays a private message between occupants (XEP-0045 7.5), from
// room/sender-nick to every session of the recipient, marked with an
// empty muc#user <x/>.
func (r *room) private(o *occupant, ev event) {
	to := r.byNick[ev.nick]
	if to == nil {
		r.reply(ev.st, errRecipientGone)
		return
	}
	now := r.svc.cfg.Now()
	if ev.st.Child("", "body") != nil {
		if !o.msgs.take(now) {
			r.reply(ev.st, errFlood(r.svc.cfg.MaxMessagesPerMinute))
			return
		}
	} else if !o.other.take(now) {
		return
	}
	msg := component.NewElement(component.NSComponent, component.KindMessage,
		"from", r.jid+"/"+o.nick, "type", ev.st.Get("type"), "id", ev.st.Get("id"))
	for _, c := range ev.st.Children {
		if c.Name.Space == component.NSMUC || c.Name.Space == nsMUCUser {
			continue
		}
		msg.Children = append(msg.Children, c)
	}
	msg.Add(component.NewElement(nsMUCUser, "x"))
	for _, s := range to.sessions {
		r.send(withTo(msg, s))
	}
}
