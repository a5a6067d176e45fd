package rooms

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/ident"
)

// maxTitle is the longest page title kept, in characters.
const maxTitle = 200

// pageRef is the page a joiner says it is on.
type pageRef struct {
	url, title string
}

// parsePage returns the <page xmlns='urn:mpimis:page'/> child of a
// presence, or nil.
func parsePage(st *component.Element) *pageRef {
	p := st.Child(NSPage, "page")
	if p == nil {
		return nil
	}
	return &pageRef{url: p.Get("url"), title: p.Get("title")}
}

// checkPage normalizes the page URL and verifies that it belongs to key.
func checkPage(key ident.RoomKey, raw string) (string, bool) {
	k, norm, err := ident.RoomKeyFor(raw)
	if err != nil || k != key {
		return "", false
	}
	return norm, true
}

// cleanTitle makes a page title fit for a subject and a disco name: one
// line, no control characters, white space collapsed, at most maxTitle
// characters.
func cleanTitle(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	var b strings.Builder
	space := false
	n := 0
	for _, c := range s {
		if unicode.IsSpace(c) || unicode.IsControl(c) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			n++
			space = false
		}
		if n >= maxTitle {
			break
		}
		b.WriteRune(c)
		n++
	}
	return b.String()
}

// setPage updates the room's URL and title. A lookup (override) replaces
// a known title; a joiner's title only fills an unknown one. A changed
// title is stored and, since it is the subject, announced to everyone.
func (r *room) setPage(url, title string, override bool) {
	title = cleanTitle(title)
	changed := false
	if url != "" && url != r.url {
		r.url = url
		changed = true
	}
	oldSubject := r.subjectText()
	if title != "" && title != r.title && (override || r.title == "") {
		r.title = title
		changed = true
	}
	if !changed {
		return
	}
	r.publishPage()
	key, u, t := string(r.key), r.url, r.title
	r.svc.persist.do(func(ctx context.Context) {
		if err := r.svc.store.SaveRoom(ctx, key, u, t); err != nil {
			r.svc.log.Warn("rooms: saving room failed", "room", key, "err", err)
		}
	}, false)
	if s := r.subjectText(); s != oldSubject && len(r.byNick) > 0 {
		r.broadcastSubject()
	}
}
