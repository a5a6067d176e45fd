package rooms

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/ident"
)

// pruneInterval is how often Run prunes page notes past their retention.
const pruneInterval = time.Hour

// Service is the rooms (XEP-0045) service of the rooms domain: a registry
// of live rooms, each owned by its own goroutine. It implements
// component.Handler: stanzas to room JIDs are handled here, stanzas to the
// domain itself go to the base component.Service (disco, ping, version),
// whose disco#items lists the live rooms.
type Service struct {
	cfg     Config
	store   Store
	base    *component.Service
	log     *slog.Logger
	persist *persister
	fwdKey  []byte // HMAC key of forwarded iq ids

	// sendCtx is the context of every stanza the service sends; Close
	// cancels it, so nothing is sent afterwards. Each write is bounded by
	// the link's own write timeout.
	sendCtx    context.Context
	sendCancel context.CancelFunc

	mu     sync.Mutex // guards rooms and closed
	rooms  map[ident.RoomKey]*room
	closed bool
	wg     sync.WaitGroup // room goroutines

	closeOnce sync.Once
}

var _ component.Handler = (*Service)(nil)

// New returns a rooms service. base is the component service of the rooms
// domain (component.NewRoomsService); nil makes one. New sets base.Items to
// list the live rooms. Call Close (or Run) to stop it.
func New(cfg Config, st Store, base *component.Service, log *slog.Logger) (*Service, error) {
	if cfg.Domain == "" {
		return nil, ErrNoDomain
	}
	if st == nil {
		return nil, ErrNoStore
	}
	cfg.setDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if base == nil {
		base = component.NewRoomsService("", log)
	}
	s := &Service{
		cfg:     cfg,
		store:   st,
		base:    base,
		log:     log,
		persist: newPersister(log),
		fwdKey:  make([]byte, 32),
		rooms:   make(map[ident.RoomKey]*room),
	}
	_, _ = rand.Read(s.fwdKey)
	s.sendCtx, s.sendCancel = context.WithCancel(context.Background())
	base.Items = s.discoItems
	s.registerCommands()
	return s, nil
}

// Base returns the component service that answers for the domain itself.
func (s *Service) Base() *component.Service { return s.base }

// RoomJID returns the JID of the room of key.
func (s *Service) RoomJID(key ident.RoomKey) string {
	return string(key) + "@" + s.cfg.Domain
}

// Run prunes old page notes periodically until ctx is cancelled, then
// closes the service.
func (s *Service) Run(ctx context.Context) error {
	t := time.NewTicker(pruneInterval)
	defer t.Stop()
	s.prune()
	for {
		select {
		case <-ctx.Done():
			return s.Close()
		case <-t.C:
			s.prune()
		}
	}
}

func (s *Service) prune() {
	if s.cfg.NoteRetention < 0 {
		return
	}
	before := s.cfg.Now().Add(-s.cfg.NoteRetention)
	s.persist.do(func(ctx context.Context) {
		if _, err := s.store.PruneNotes(ctx, before); err != nil {
			s.log.Warn("rooms: pruning notes failed", "err", err)
		}
	}, false)
}

// Close tells every occupant that the service is shutting down (status
// 332), records their visits, stops the rooms and flushes the store
// queue. Later stanzas to rooms are refused.
func (s *Service) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		for _, r := range s.rooms {
			r.box.push(event{kind: evStop}, true, 0)
		}
		s.mu.Unlock()
		s.wg.Wait()
		s.persist.close()
		s.sendCancel()
	})
	return nil
}

// openRoom returns the live room of key; with create it makes one if
// there is none. It is called with s.mu held.
func (s *Service) openRoom(key ident.RoomKey, create bool) *room {
	r := s.rooms[key]
	if r != nil || !create || s.closed {
		return r
	}
	r = newRoom(s, key)
	s.rooms[key] = r
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		r.run()
	}()
	return r
}

// retire removes r from the registry if no event is waiting for it and
// reports whether it did; the room goroutine then ends.
func (s *Service) retire(r *room) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !r.box.closeIfEmpty() {
		return false
	}
	if s.rooms[r.key] == r {
		delete(s.rooms, r.key)
	}
	return true
}

// deliver queues ev for the room of key, creating the room if create is
// set. It returns the room (nil if it is not live) and whether the event
// was queued.
func (s *Service) deliver(key ident.RoomKey, ev event, create, critical bool) (*room, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.openRoom(key, create)
	if r == nil {
		return nil, false
	}
	return r, r.box.push(ev, critical, s.cfg.MailboxLimit)
}

// live returns the live room of key, or nil.
func (s *Service) live(key ident.RoomKey) *room {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rooms[key]
}

// do runs fn on the goroutine of the live room of key and waits for it;
// it returns false if the room is not live. For tests and inspection.
func (s *Service) do(ctx context.Context, key ident.RoomKey, fn func(*room)) (bool, error) {
	done := make(chan struct{})
	_, ok := s.deliver(key, event{kind: evFunc, fn: func(r *room) { fn(r); close(done) }}, false, true)
	if !ok {
		return false, nil
	}
	select {
	case <-done:
		return true, nil
	case <-ctx.Done():
		return true, fmt.Errorf("rooms: waiting for room: %w", ctx.Err())
	}
}
