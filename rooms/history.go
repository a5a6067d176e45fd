package rooms

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mpimis/mpimis/component"
)

// historyEntry is one message of a room's discussion history: the message
// as it was reflected (without a to) and when the room received it.
type historyEntry struct {
	msg   *component.Element
	stamp time.Time
}

// history is a ring of the last messages with a body.
type history struct {
	buf   []historyEntry
	start int
	n     int
}

func newHistory(size int) history {
	return history{buf: make([]historyEntry, max(size, 0))}
}

func (h *history) add(e historyEntry) {
	if len(h.buf) == 0 {
		return
	}
	if h.n < len(h.buf) {
		h.buf[(h.start+h.n)%len(h.buf)] = e
		h.n++
		return
	}
	h.buf[h.start] = e
	h.start = (h.start + 1) % len(h.buf)
}

// at returns the i-th entry, oldest first.
func (h *history) at(i int) historyEntry {
	return h.buf[(h.start+i)%len(h.buf)]
}

// historyRequest is what a joiner asked for in <history/> (XEP-0045
// 7.2.14). -1 means not limited.
type historyRequest struct {
	maxChars, maxStanzas int
	since                time.Time // zero: not limited
}

// parseHistory reads the <history/> child of a join's <x/> (x may be nil).
// Without a request (or without any valid attribute), def stanzas are
// sent. Values that are not numbers or dates are ignored; a request can
// only narrow the history, never widen it beyond what the room keeps.
func parseHistory(x *component.Element, def int, now time.Time) historyRequest {
	req := historyRequest{maxChars: -1, maxStanzas: -1}
	var h *component.Element
	if x != nil {
		h = x.Child(component.NSMUC, "history")
	}
	if h == nil {
		req.maxStanzas = def
		return req
	}
	set := false
	if v, ok := nonNegative(h.Get("maxchars")); ok {
		req.maxChars, set = v, true
	}
	if v, ok := nonNegative(h.Get("maxstanzas")); ok {
		req.maxStanzas, set = v, true
	}
	if v, ok := nonNegative(h.Get("seconds")); ok {
		req.since, set = now.Add(-time.Duration(min(v, 1<<31))*time.Second), true
	}
	if s := strings.TrimSpace(h.Get("since")); s != "" {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			if t.After(req.since) {
				req.since = t
			}
			set = true
		}
	}
	if !set {
		req.maxStanzas = def
	}
	return req
}

// nonNegative parses a non-negative decimal integer, saturating at 1<<31.
func nonNegative(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return 1 << 31, true
		}
		return 0, false
	}
	return int(min(v, 1<<31)), true
}

// historyStanza is entry e addressed to to with its delay stamp.
func (r *room) historyStanza(e historyEntry, to string) *component.Element {
	m := withTo(e.msg, to)
	m.Children = make([]*component.Element, 0, len(e.msg.Children)+1)
	m.Children = append(m.Children, e.msg.Children...)
	m.Children = append(m.Children, component.NewElement(nsDelay, "delay",
		"from", r.jid, "stamp", e.stamp.UTC().Format("2006-01-02T15:04:05.000Z")))
	return m
}

// selectHistory returns the history stanzas for req, oldest first.
func (r *room) selectHistory(req historyRequest, to string) []*component.Element {
	var out []*component.Element
	chars := 0
	for i := r.hist.n - 1; i >= 0; i-- {
		if req.maxStanzas >= 0 && len(out) >= req.maxStanzas {
			break
		}
		e := r.hist.at(i)
		if !req.since.IsZero() && e.stamp.Before(req.since) {
			break
		}
		st := r.historyStanza(e, to)
		if req.maxChars >= 0 {
			chars += utf8.RuneCountInString(st.String())
			if chars > req.maxChars {
				break
			}
		}
		out = append(out, st)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// sendHistory sends the discussion history a joiner asked for.
func (r *room) sendHistory(req historyRequest, to string) {
	for _, st := range r.selectHistory(req, to) {
		r.send(st)
	}
}

// noteEntry rebuilds a history entry from a stored page note.
func (r *room) noteEntry(n Note) historyEntry {
	m := component.NewElement(component.NSComponent, component.KindMessage,
		"from", r.jid+"/"+n.Nick, "type", "groupchat", "id", n.ID)
	m.Add(component.NewElement(component.NSComponent, "body").WithText(n.Body))
	m.Add(component.NewElement(component.NSSID, "stanza-id", "id", n.ID, "by", r.jid))
	return historyEntry{msg: m, stamp: n.Stamp}
}
