package rooms

import (
	"fmt"

	"github.com/mpimis/mpimis/component"
)

// subjectText is the room subject: the page title, else its URL, else
// empty; a busy room appends the live occupant count, since its occupant
// list is no longer complete.
func (r *room) subjectText() string {
	s := r.title
	if s == "" {
		s = r.url
	}
	if n := len(r.byNick); n > r.svc.cfg.BroadcastLimit {
		if s == "" {
			return fmt.Sprintf("%d people here", n)
		}
		return fmt.Sprintf("%s (%d people here)", s, n)
	}
	return s
}

// subjectTemplate is the subject message from the room itself, without a
// to and without a body (XEP-0045 7.2.15).
func (r *room) subjectTemplate() *component.Element {
	return component.NewElement(component.NSComponent, component.KindMessage, "from", r.jid, "type", "groupchat").
		Add(component.NewElement(component.NSComponent, "subject").WithText(r.subjectText()))
}

// sendSubject sends the subject to one session; it ends a join.
func (r *room) sendSubject(to string) {
	r.send(withTo(r.subjectTemplate(), to))
}

// broadcastSubject sends the subject to every session in the room.
func (r *room) broadcastSubject() {
	tpl := r.subjectTemplate()
	r.eachOccupant(func(o *occupant) {
		for _, s := range o.sessions {
			r.send(withTo(tpl, s))
		}
	})
}
