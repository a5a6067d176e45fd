package rooms

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/ident"
)

// loadTimeout bounds how long a new room waits for its page info and notes.
const loadTimeout = 5 * time.Second

// eventKind says what a room event carries.
type eventKind uint8

const (
	evPresence eventKind = iota // a presence to the room or an occupant
	evMessage                   // a message to the room or an occupant
	evIQ                        // an iq to an occupant
	evPage                      // URL and title from a lookup
	evFunc                      // run fn on the room goroutine
	evStop                      // the service is closing
)

// event is one unit of work for a room goroutine.
type event struct {
	kind       eventKind
	snd        component.Sender
	st         *component.Element
	from       addr   // the sender's real JID
	nick       string // resource of the stanza's to ("" for the bare room)
	url, title string // evPage
	fn         func(*room)
}

// pageInfo is the part of a room's state read outside its goroutine.
type pageInfo struct {
	url, title string
}

// room is one live room. Everything below "owned by the goroutine" is only
// touched by run; the atomics are published for the service's listings
// and disco answers.
type room struct {
	svc  *Service
	key  ident.RoomKey
	jid  string
	box  *mailbox
	born time.Time
	done chan struct{} // closed when the goroutine ends

	count atomic.Int64
	busy  atomic.Bool
	page  atomic.Pointer[pageInfo]

	// owned by the goroutine
	snd        component.Sender
	fresh      bool // no occupant has joined yet: the next join gets 201
	url, title string
	byNick     map[string]*occupant
	bySession  map[string]*occupant // real full JID -> occupant
	head, tail *occupant            // join order
	public     int                  // occupants whose presence everyone sees
	hist       history
	peak       int
	peakSaved  int
	peakSaveAt time.Time // when the peak was last queued for the store
}

func newRoom(s *Service, key ident.RoomKey) *room {
	r := &room{
		svc:       s,
		key:       key,
		jid:       s.RoomJID(key),
		box:       newMailbox(),
		done:      make(chan struct{}),
		born:      s.cfg.Now(),
		fresh:     true,
		byNick:    make(map[string]*occupant),
		bySession: make(map[string]*occupant),
		hist:      newHistory(s.cfg.History),
	}
	r.page.Store(&pageInfo{})
	return r
}

// run is the room goroutine.
func (r *room) run() {
	defer close(r.done)
	r.load()
	var batch []event
	for {
		<-r.box.signal
		batch = r.box.take(batch)
		for i, ev := range batch {
			if ev.kind == evStop {
				r.shutdown(batch[i+1:])
				return
			}
			r.handle(ev)
		}
		clear(batch)
		if len(r.byNick) == 0 && r.svc.retire(r) {
			r.end()
			return
		}
	}
}

func (r *room) handle(ev event) {
	if ev.snd != nil {
		r.snd = ev.snd
	}
	switch ev.kind {
	case evPresence:
		r.onPresence(ev)
	case evMessage:
		r.onMessage(ev)
	case evIQ:
		r.onIQ(ev)
	case evPage:
		r.setPage(ev.url, ev.title, true)
	case evFunc:
		ev.fn(r)
	}
}

// load reads the room's page info and notes through the store queue.
func (r *room) load() {
	type loaded struct {
		info  RoomInfo
		notes []Note
	}
	ch := make(chan loaded, 1)
	key := string(r.key)
	limit := r.svc.cfg.History
	queued := r.svc.persist.do(func(ctx context.Context) {
		var l loaded
		info, err := r.svc.store.LoadRoom(ctx, key)
		if err == nil {
			l.info = info
		}
		if limit > 0 {
			l.notes, err = r.svc.store.Notes(ctx, key, limit)
			if err != nil {
				r.svc.log.Warn("rooms: loading page notes failed", "room", key, "err", err)
			}
		}
		ch <- l
	}, true)
	if !queued {
		return
	}
	select {
	case l := <-ch:
		r.url, r.title = l.info.URL, l.info.Title
		r.publishPage()
		for _, n := range l.notes {
			r.hist.add(r.noteEntry(n))
		}
	case <-time.After(loadTimeout):
		r.svc.log.Warn("rooms: store did not answer in time; room opens without notes", "room", key)
	}
}

func (r *room) publishPage() {
	r.page.Store(&pageInfo{url: r.url, title: r.title})
}

// send writes one stanza; failures (the link is down) are not retried.
func (r *room) send(st *component.Element) {
	if r.snd == nil {
		return
	}
	if err := r.snd.Send(r.svc.sendCtx, st); err != nil {
		r.svc.log.Debug("rooms: stanza not sent", "room", string(r.key), "err", err)
	}
}

// reply sends the error answer to st, if st may be answered.
func (r *room) reply(st *component.Element, se *component.StanzaError) {
	if e := component.ErrorReply(st, se); e != nil {
		r.send(e)
	}
}

// end runs when the room closes because it is empty.
func (r *room) end() {
	r.savePeak(true)
}

// shutdown removes every occupant with status 332 (service shutting
// down), records their visits and closes the mailbox. Functions queued
// after the stop still run, so nobody waits for them forever.
func (r *room) shutdown(rest []event) {
	now := r.svc.cfg.Now()
	for o := r.head; o != nil; o = o.next {
		x := mucUserX(roleNone, "", "110", "332")
		tpl := r.presenceTemplate(o.nick, "unavailable", nil, x)
		for _, s := range o.sessions {
			r.send(withTo(tpl, s))
		}
		r.recordVisit(o, now)
	}
	r.savePeak(true)
	r.box.mu.Lock()
	r.box.closed = true
	rest = append(rest, r.box.q...)
	r.box.q = nil
	r.box.mu.Unlock()
	for _, ev := range rest {
		if ev.kind == evFunc {
			ev.fn(r)
		}
	}
}
