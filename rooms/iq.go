package rooms

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"

	"github.com/mpimis/mpimis/component"
)

// fwdPrefix marks the ids of iqs the room forwarded between occupants.
const fwdPrefix = "mucfwd-"

// bareAddressed are the iq payloads that a user's server answers for the
// user, so they are forwarded to the occupant's bare JID (as Prosody does).
var bareAddressed = map[string]bool{
	"vcard-temp":                        true,
	"urn:ietf:params:xml:ns:vcard-4.0":  true,
	"http://jabber.org/protocol/pubsub": true,
}

// onIQ handles an iq to an occupant: an occupant's ping to its own
// nickname is answered by the room (XEP-0410); other requests between
// occupants are forwarded (XEP-0045 7.5 semantics: the recipient sees
// room/nick, never the sender's real JID), and their answers routed back.
func (r *room) onIQ(ev event) {
	typ := ev.st.Get("type")
	if typ == component.TypeResult || typ == component.TypeError {
		r.routeIQAnswer(ev)
		return
	}
	sender := r.bySession[ev.from.full()]
	if sender == nil {
		r.reply(ev.st, errNotOccupant)
		return
	}
	target := r.byNick[ev.nick]
	if target == nil {
		r.reply(ev.st, errRecipientGone)
		return
	}
	p := component.Payload(ev.st)
	if target == sender && typ == component.TypeGet && p != nil && p.Name.Space == component.NSPing && p.Name.Local == "ping" {
		r.send(component.ResultFor(ev.st))
		return
	}
	to := target.sessions[0]
	if p != nil && bareAddressed[p.Name.Space] {
		to = target.bare
	}
	fwd := component.NewElement(component.NSComponent, component.KindIQ,
		"type", typ, "from", r.jid+"/"+sender.nick, "to", to,
		"id", r.fwdID(ev.from.full(), to, target.nick, ev.st.Get("id")))
	fwd.Children = ev.st.Children
	r.send(fwd)
}

// fwdMAC binds a forwarded id to the asking session, so that an answer can
// only be routed back to it.
func (r *room) fwdMAC(session, to, nick, id string) []byte {
	m := hmac.New(sha256.New, r.svc.fwdKey)
	for _, s := range []string{r.jid, session, to, nick, id} {
		m.Write([]byte(s))
		m.Write([]byte{0})
	}
	return m.Sum(nil)[:12]
}

// fwdID encodes where a forwarded iq went and its original id. It never
// holds the asker's real JID (only a MAC over it); the recipient already
// knows its own address.
func (r *room) fwdID(session, to, nick, id string) string {
	raw := strings.Join([]string{to, nick, id}, "\x00") + "\x00"
	raw += string(r.fwdMAC(session, to, nick, id))
	return fwdPrefix + base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// parseFwdID decodes an id made by fwdID.
func parseFwdID(s string) (to, nick, id string, mac []byte, ok bool) {
	rest, found := strings.CutPrefix(s, fwdPrefix)
	if !found {
		return "", "", "", nil, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil {
		return "", "", "", nil, false
	}
	parts := bytes.SplitN(raw, []byte{0}, 4)
	if len(parts) != 4 || len(parts[3]) != 12 || len(parts[0]) == 0 {
		return "", "", "", nil, false
	}
	return string(parts[0]), string(parts[1]), string(parts[2]), parts[3], true
}

// routeIQAnswer routes the answer to a forwarded iq back to the session
// that asked, from room/nick of the occupant that answered.
func (r *room) routeIQAnswer(ev event) {
	to, nick, id, mac, ok := parseFwdID(ev.st.Get("id"))
	if !ok || (ev.from.full() != to && ev.from.bare() != to) {
		return
	}
	asker := r.byNick[ev.nick]
	if asker == nil {
		return
	}
	for _, s := range asker.sessions {
		if hmac.Equal(mac, r.fwdMAC(s, to, nick, id)) {
			ans := component.NewElement(component.NSComponent, component.KindIQ,
				"type", ev.st.Get("type"), "from", r.jid+"/"+nick, "to", s, "id", id)
			ans.Children = ev.st.Children
			r.send(ans)
			return
		}
	}
}
