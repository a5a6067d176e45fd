package rooms

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/ident"
)

// Limits of the stats command.
const (
	statsPeriod = 24 * time.Hour
	statsTop    = 10
	// cmdStoreWait bounds how long a command waits for the store: commands
	// run on the link's dispatch goroutine.
	cmdStoreWait = 2 * time.Second
)

// Field names of the commands' forms.
const (
	fieldURL       = "url"
	fieldRoom      = "room"
	fieldTitle     = "title"
	fieldOccupants = "occupants"
)

func newForm(typ, title string) *component.Element {
	return component.NewElement(component.NSDataForms, "x", "type", typ).Add(
		component.NewElement(component.NSDataForms, "title").WithText(title))
}

func lookupForm() *component.Element {
	f := formField("text-single", fieldURL, "Page URL")
	f.Add(component.NewElement(component.NSDataForms, "required"))
	return newForm("form", "Find the room of a web page").Add(
		component.NewElement(component.NSDataForms, "instructions").WithText("Enter the address of a web page."), f)
}

// runLookup answers the lookup command: the room JID, normalized URL,
// title and occupant count of the page, or an error note saying why the
// URL is not a page.
func (s *Service) runLookup(ctx context.Context, vals map[string][]string) []*component.Element {
	var raw string
	if v := vals[fieldURL]; len(v) > 0 {
		raw = strings.TrimSpace(v[0])
	}
	key, norm, err := ident.RoomKeyFor(raw)
	if err != nil {
		return []*component.Element{cmdNote("error", err.Error())}
	}
	roomJID, occupants, err := s.Lookup(ctx, norm)
	if err != nil {
		return []*component.Element{cmdNote("error", "the rooms service is shutting down")}
	}
	title := s.pageTitle(ctx, key)
	return []*component.Element{newForm("result", "Room of the page").Add(
		formField("jid-single", fieldRoom, "Room", roomJID),
		formField("text-single", fieldURL, "Page URL", norm),
		formField("text-single", fieldTitle, "Title", title),
		formField("text-single", fieldOccupants, "Occupants", strconv.Itoa(occupants)),
	)}
}

// pageTitle returns the title of the page of key: the live room's, else
// the store's ("" when unknown or the store does not answer).
func (s *Service) pageTitle(ctx context.Context, key ident.RoomKey) string {
	if r := s.live(key); r != nil {
		if t := r.page.Load().title; t != "" {
			return t
		}
	}
	ctx, cancel := context.WithTimeout(ctx, cmdStoreWait)
	defer cancel()
	var info RoomInfo
	err := s.query(ctx, func(c context.Context) (err error) {
		info, err = s.store.LoadRoom(c, string(key))
		return err
	})
	if err != nil && !errors.Is(err, ErrUnknownRoom) {
		s.log.Debug("rooms: lookup title", "err", err)
	}
	return info.Title
}

// runStats answers the stats command: the most visited pages of the last
// 24 hours as a multi-item result form (XEP-0004 reported/item).
func (s *Service) runStats(ctx context.Context, _ map[string][]string) []*component.Element {
	ctx, cancel := context.WithTimeout(ctx, cmdStoreWait)
	defer cancel()
	st, err := s.Stats(ctx, s.cfg.Now().Add(-statsPeriod), statsTop)
	if err != nil {
		s.log.Warn("rooms: stats command failed", "err", err)
		return []*component.Element{cmdNote("error", "the statistics are not available right now")}
	}
	cols := []struct{ name, label string }{
		{"title", "Page"}, {"visits", "Visits"}, {"unique", "Unique visitors"}, {"peak", "Peak occupants"},
		{"avg_dwell", "Average visit"}, {"messages", "Messages"},
	}
	rep := component.NewElement(component.NSDataForms, "reported")
	for _, c := range cols {
		rep.Add(component.NewElement(component.NSDataForms, "field", "var", c.name, "label", c.label))
	}
	form := newForm("result", "Top pages, last 24 hours").Add(
		component.NewElement(component.NSDataForms, "instructions").WithText(
			strconv.Itoa(st.Rooms)+" live rooms, "+strconv.Itoa(st.Occupants)+" occupants now"),
		rep)
	for _, p := range st.Top {
		name := p.Title
		if name == "" {
			name = p.URL
		}
		vals := []string{name, strconv.FormatInt(p.Visits, 10), strconv.FormatInt(p.UniqueVisitors, 10),
			strconv.Itoa(p.PeakOccupants), p.AvgDwell().Round(time.Second).String(), strconv.FormatInt(p.Messages, 10)}
		item := component.NewElement(component.NSDataForms, "item")
		for i, c := range cols {
			item.Add(component.NewElement(component.NSDataForms, "field", "var", c.name).Add(
				component.NewElement(component.NSDataForms, "value").WithText(vals[i])))
		}
		form.Add(item)
	}
	return []*component.Element{form}
}
