package rooms

import (
	"cmp"
	"context"
	"slices"
	"strconv"

	"github.com/mpimis/mpimis/component"
)

// Room features (XEP-0045 6.4 and the registrar's muc features):
//   - muc_public: live rooms are listed in the service's disco#items;
//   - muc_open: anyone may join, there are no members;
//   - muc_unmoderated: every occupant is a participant with voice;
//   - muc_semianonymous: occupants see nicknames, never real JIDs (the
//     service itself knows them, as any MUC service does);
//   - muc_unsecured: no password;
//   - muc_temporary: the room is destroyed when the last occupant leaves.
//     What persists (the page notes replayed as history, the statistics,
//     the URL and title) belongs to the page, not to a room configuration,
//     and a new room is created by the next join; muc_persistent would
//     promise a room that stays listed while empty, which these rooms
//     never do.
//   - stable_id: a reflected message keeps the sender's id;
//   - self-ping-optimization: the room answers XEP-0410 self-pings itself;
//   - urn:xmpp:sid:0: groupchat messages get a stanza-id by the room.
var roomFeatures = []string{
	component.NSDiscoInfo,
	component.NSMUC,
	"http://jabber.org/protocol/muc#self-ping-optimization",
	"http://jabber.org/protocol/muc#stable_id",
	"muc_open",
	"muc_public",
	"muc_semianonymous",
	"muc_temporary",
	"muc_unmoderated",
	"muc_unsecured",
	component.NSPing,
	component.NSSID,
}

// FieldPageURL is the muc#roominfo field that carries a room's page URL.
const FieldPageURL = "urn:mpimis:page#url"

// displayName is how a room is named in listings: title, URL or JID.
func displayName(p *pageInfo, jid string) string {
	switch {
	case p.title != "":
		return p.title
	case p.url != "":
		return p.url
	}
	return jid
}

func formField(typ, name, label string, values ...string) *component.Element {
	f := component.NewElement(component.NSDataForms, "field", "var", name, "type", typ, "label", label)
	for _, v := range values {
		f.Add(component.NewElement(component.NSDataForms, "value").WithText(v))
	}
	return f
}

// roomInfo answers disco#info on a live room (XEP-0045 6.4), from the
// room's published state, on the dispatch goroutine.
func (s *Service) roomInfo(r *room, q *component.Element) (*component.Element, *component.StanzaError) {
	if q.Get("node") != "" {
		return nil, stanzaErr(component.ErrTypeCancel, component.CondItemNotFound, "")
	}
	p := r.page.Load()
	n := r.count.Load()
	broadcast := []string{"moderator", "participant", "visitor"}
	if r.busy.Load() {
		broadcast = []string{"moderator"}
	}
	subject := p.title
	if subject == "" {
		subject = p.url
	}
	res := component.NewElement(component.NSDiscoInfo, "query")
	res.Add(component.NewElement(component.NSDiscoInfo, "identity",
		"category", "conference", "type", "text", "name", displayName(p, r.jid)))
	for _, f := range roomFeatures {
		res.Add(component.NewElement(component.NSDiscoInfo, "feature", "var", f))
	}
	form := component.NewElement(component.NSDataForms, "x", "type", "result").Add(
		formField("hidden", "FORM_TYPE", "", "http://jabber.org/protocol/muc#roominfo"),
		formField("text-single", "muc#roomconfig_roomname", "Name", displayName(p, r.jid)),
		formField("text-single", "muc#roominfo_description", "Page", p.url),
		formField("text-single", FieldPageURL, "Page URL", p.url),
		formField("text-single", "muc#roominfo_subject", "Subject", subject),
		formField("text-single", "muc#roominfo_occupants", "Number of occupants", strconv.FormatInt(n, 10)),
		formField("text-single", "muc#maxhistoryfetch", "Maximum number of history messages", strconv.Itoa(s.cfg.History)),
		formField("list-multi", "muc#roomconfig_presencebroadcast", "Roles whose presence is broadcast", broadcast...),
		formField("boolean", "muc#roomconfig_changesubject", "Occupants may change the subject", "0"),
	)
	res.Add(form)
	return res, nil
}

// roomItems answers disco#items on a live room: empty, since occupants'
// nicknames are for occupants (XEP-0045 6.5 allows this).
func roomItems(q *component.Element) (*component.Element, *component.StanzaError) {
	if q.Get("node") != "" {
		return nil, stanzaErr(component.ErrTypeCancel, component.CondItemNotFound, "")
	}
	return component.NewElement(component.NSDiscoItem, "query"), nil
}

// discoItems lists the live rooms for the domain's disco#items, busiest
// first, named by page title or URL; at most Config.MaxListed.
func (s *Service) discoItems(context.Context) []component.DiscoItem {
	live := s.Live()
	if len(live) > s.cfg.MaxListed {
		live = live[:s.cfg.MaxListed]
	}
	out := make([]component.DiscoItem, 0, len(live))
	for _, l := range live {
		out = append(out, component.DiscoItem{JID: l.JID, Name: displayName(&pageInfo{url: l.URL, title: l.Title}, l.JID)})
	}
	return out
}

// sortLive orders live rooms busiest first, then by key.
func sortLive(l []LiveRoom) {
	slices.SortFunc(l, func(a, b LiveRoom) int {
		if c := cmp.Compare(b.Occupants, a.Occupants); c != 0 {
			return c
		}
		return cmp.Compare(a.Key, b.Key)
	})
}
