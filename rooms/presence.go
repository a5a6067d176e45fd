package rooms

import (
	"encoding/xml"

	"github.com/mpimis/mpimis/component"
)

// Namespaces used by rooms beyond those of package component.
const (
	nsMUCUser  = "http://jabber.org/protocol/muc#user"
	nsMUCOwner = "http://jabber.org/protocol/muc#owner"
	nsDelay    = "urn:xmpp:delay"
	// NSPage is the namespace of the page element a joiner may put in its
	// join presence: <page xmlns='urn:mpimis:page' url='...' title='...'/>.
	NSPage = "urn:mpimis:page"
)

// Roles shown in occupant items. Every occupant is a participant with no
// affiliation: page rooms have no owners or moderators.
const (
	roleParticipant = "participant"
	roleNone        = "none"
)

// mucUserX builds <x xmlns='muc#user'><item affiliation='none' role=role
// [nick=newNick]/><status code=.../>...</x>.
func mucUserX(role, newNick string, codes ...string) *component.Element {
	item := component.NewElement(nsMUCUser, "item", "affiliation", "none", "role", role)
	if newNick != "" {
		item.SetAttr("nick", newNick)
	}
	x := component.NewElement(nsMUCUser, "x").Add(item)
	for _, c := range codes {
		x.Add(component.NewElement(nsMUCUser, "status", "code", c))
	}
	return x
}

// presenceTemplate builds a presence from room/nick without a to; payload
// is shared, not copied.
func (r *room) presenceTemplate(nick, typ string, payload []*component.Element, x *component.Element) *component.Element {
	p := component.NewElement(component.NSComponent, component.KindPresence, "from", r.jid+"/"+nick, "type", typ)
	p.Children = make([]*component.Element, 0, len(payload)+1)
	p.Children = append(p.Children, payload...)
	p.Children = append(p.Children, x)
	return p
}

// withTo returns a shallow copy of tpl addressed to to. Children are
// shared: templates are never mutated after they are built.
func withTo(tpl *component.Element, to string) *component.Element {
	attrs := make([]xml.Attr, len(tpl.Attr), len(tpl.Attr)+1)
	copy(attrs, tpl.Attr)
	attrs = append(attrs, xml.Attr{Name: xml.Name{Local: "to"}, Value: to})
	return &component.Element{Name: tpl.Name, Attr: attrs, Children: tpl.Children, Text: tpl.Text}
}

// presencePayload returns the children of a client presence that are
// shown to others: everything but the MUC elements and the page element.
func presencePayload(st *component.Element) []*component.Element {
	var out []*component.Element
	for _, c := range st.Children {
		switch c.Name.Space {
		case component.NSMUC, nsMUCUser, NSPage:
			continue
		}
		out = append(out, c)
	}
	return out
}

// statusOnly returns the <status/> children of a presence (the text of a
// leave).
func statusOnly(st *component.Element) []*component.Element {
	var out []*component.Element
	for _, c := range st.Children {
		if c.Name.Local == "status" && (c.Name.Space == component.NSComponent || c.Name.Space == "jabber:client" || c.Name.Space == "") {
			out = append(out, c)
		}
	}
	return out
}

// sendPresenceOf sends o's presence (typ "" or "unavailable") to its
// audience with others' codes, and to o's own sessions with selfCodes
// (110 is added). skipSelf leaves o's sessions out.
func (r *room) sendPresenceOf(o *occupant, typ, role, newNick string, payload []*component.Element, codes, selfCodes []string, skipSelf bool) {
	others := r.presenceTemplate(o.nick, typ, payload, mucUserX(role, newNick, codes...))
	r.audience(o, func(w *occupant) {
		for _, s := range w.sessions {
			r.send(withTo(others, s))
		}
	})
	if skipSelf {
		return
	}
	self := r.presenceTemplate(o.nick, typ, payload, mucUserX(role, newNick, append([]string{"110"}, selfCodes...)...))
	for _, s := range o.sessions {
		r.send(withTo(self, s))
	}
}

// sendOccupantList sends the presences of the occupants in list to one
// session.
func (r *room) sendOccupantList(list []*occupant, to string) {
	for _, x := range list {
		r.send(withTo(r.presenceTemplate(x.nick, "", x.pres, mucUserX(roleParticipant, "")), to))
	}
}
