package rooms

import (
	"context"
	"crypto/sha256"
	"strings"
	"time"

	"github.com/mpimis/mpimis/component"
)

// kickable are the error conditions that show an occupant's client is
// gone (as Prosody's mod_muc decides): an error bounced with one of them
// removes the session.
var kickable = map[string]bool{
	"gone":                    true,
	"internal-server-error":   true,
	"item-not-found":          true,
	"jid-malformed":           true,
	"recipient-unavailable":   true,
	"redirect":                true,
	"remote-server-not-found": true,
	"remote-server-timeout":   true,
	"service-unavailable":     true,
	"undefined-condition":     true, // also an error without a known condition
}

// leave handles an unavailable presence from a session.
func (r *room) leave(ev event) {
	full := ev.from.full()
	o := r.bySession[full]
	if o == nil {
		return
	}
	r.dropSession(o, full, statusOnly(ev.st), nil, true)
}

// kick removes a session whose server bounced an error (status 333 when
// it was the occupant's last session).
func (r *room) kick(ev event) {
	full := ev.from.full()
	o := r.bySession[full]
	if o == nil {
		return
	}
	cond := component.CondUndefinedCondition
	if se := component.ParseStanzaError(ev.st); se != nil {
		cond = se.Condition
	}
	if !kickable[cond] {
		return
	}
	status := component.NewElement(component.NSComponent, "status").
		WithText("Kicked: " + strings.ReplaceAll(cond, "-", " "))
	r.dropSession(o, full, []*component.Element{status}, []string{"333"}, false)
}

// dropSession removes one session of o. If it was the last, o leaves:
// its audience gets the unavailable presence (with payload and codes) and
// the visit is recorded. tellSelf sends the session its own unavailable
// presence (110).
func (r *room) dropSession(o *occupant, full string, payload []*component.Element, codes []string, tellSelf bool) {
	delete(r.bySession, full)
	if o.removeSession(full) > 0 {
		if tellSelf {
			self := r.presenceTemplate(o.nick, "unavailable", payload, mucUserX(roleNone, "", append([]string{"110"}, codes...)...))
			r.send(withTo(self, full))
		}
		return
	}
	// Out of the room (and its count) first, so that whoever sees the
	// leave sees a room without it; then tell the audience.
	r.remove(o)
	o.sessions = []string{full} // so the self presence reaches it
	r.sendPresenceOf(o, "unavailable", roleNone, "", payload, codes, codes, !tellSelf)
	o.sessions, o.watchers = nil, nil
	r.recordVisit(o, r.svc.cfg.Now())
}

// visitorHash is SHA-256(salt || bare JID): the only trace of a visitor
// that statistics keep.
func (r *room) visitorHash(bare string) []byte {
	h := sha256.New()
	h.Write(r.svc.cfg.Salt)
	h.Write([]byte(bare))
	return h.Sum(nil)
}

// recordVisit queues the statistics of o's visit.
func (r *room) recordVisit(o *occupant, left time.Time) {
	key, hash, joined := string(r.key), r.visitorHash(o.bare), o.joined
	r.svc.persist.do(func(ctx context.Context) {
		if err := r.svc.store.RecordVisit(ctx, key, hash, joined, left); err != nil {
			r.svc.log.Warn("rooms: recording a visit failed", "room", key, "err", err)
		}
	}, false)
}
