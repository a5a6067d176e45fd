// Package app wires mpimis together: it opens the store, builds the XMPP
// services and links from the configuration and runs them until shut down.
// cmd/mpimis calls it; the integration tests run it in-process.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/conf"
	"github.com/mpimis/mpimis/internal/smsflow"
	"github.com/mpimis/mpimis/relay"
	"github.com/mpimis/mpimis/rooms"
	"github.com/mpimis/mpimis/smsbridge"
	"github.com/mpimis/mpimis/store"
)

// App is one mpimis instance.
type App struct {
	cfg     *conf.Config
	log     *slog.Logger
	version string

	Store   *store.Store
	Gateway *component.Service
	Rooms   *component.Service // nil when the rooms service is disabled
	links   []*component.Link
	router  *component.Router
	tracker *component.Tracker

	// RoomService runs the page rooms on the rooms domain (nil when
	// disabled); its stanzas to the domain itself go to Rooms.
	RoomService *rooms.Service

	// GatewayXMPP is the relay core's relay.XMPP: it sends from SMS users'
	// JIDs on the gateway link.
	GatewayXMPP *component.GatewayXMPP

	// The SMS side and the relay core (see sms.go).
	Session *smsbridge.Session
	Flow    *smsflow.Flow
	Relay   *relay.Core

	runners []func(context.Context) // run alongside the links until shutdown

	http httpSide // the HTTP side (http.go)
}

// New opens the store and prepares the links; nothing connects before Run.
func New(ctx context.Context, cfg *conf.Config, log *slog.Logger, version string) (*App, error) {
	st, err := store.Open(ctx, cfg.Store.Path)
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, log: log, version: version, Store: st,
		router: component.NewRouter(), tracker: component.NewTracker()}
	a.Gateway = component.NewGatewayService(version, log.With("service", "gateway"))
	if err := a.addLink(cfg.XMPP.GatewayDomain, a.Gateway); err != nil {
		st.Close()
		return nil, err
	}
	a.GatewayXMPP = component.NewGatewayXMPP(a.links[0])
	if err := a.newSMS(); err != nil {
		st.Close()
		return nil, err
	}
	if cfg.XMPP.RoomsDomain != "" {
		a.Rooms = component.NewRoomsService(version, log.With("service", "rooms"))
		if err := a.newRoomService(ctx); err != nil {
			st.Close()
			return nil, err
		}
		if err := a.addLink(cfg.XMPP.RoomsDomain, a.RoomService); err != nil {
			a.RoomService.Close()
			st.Close()
			return nil, err
		}
	}
	if err := a.newHTTP(); err != nil {
		_ = a.Close()
		return nil, err
	}
	return a, nil
}

// newRoomService builds the rooms service on a.Rooms. Page notes and
// statistics are kept in the SQLite store (see roomstore.go).
func (a *App) newRoomService(ctx context.Context) error {
	salt, err := a.Store.Salt(ctx)
	if err != nil {
		return fmt.Errorf("app: statistics salt: %w", err)
	}
	r := a.cfg.Rooms
	a.RoomService, err = rooms.New(rooms.Config{
		Domain:               a.cfg.XMPP.RoomsDomain,
		MaxOccupants:         r.MaxOccupants,
		BroadcastLimit:       r.BroadcastLimit,
		History:              r.History,
		MaxMessagesPerMinute: r.MaxMessagesPerMinute,
		NoteRetention:        noteRetention(r.NoteRetention.Duration),
		Salt:                 salt,
		Admins:               a.cfg.XMPP.Admins,
	}, roomStore{st: a.Store}, a.Rooms, a.log.With("service", "rooms"))
	if err != nil {
		return fmt.Errorf("app: %w", err)
	}
	return nil
}

// addLink creates the link of domain; stanzas addressed to domain reach h
// whichever link they arrive on (see component.Router).
func (a *App) addLink(domain string, h component.Handler) error {
	x := a.cfg.XMPP
	l, err := component.NewLink(component.LinkConfig{
		Addr:             x.Server,
		Domain:           domain,
		Secret:           x.Secret,
		Keepalive:        x.Keepalive.Duration,
		KeepaliveTimeout: x.KeepaliveTimeout.Duration,
		ReconnectMax:     x.ReconnectMax.Duration,
		BatchWrites:      domain == x.RoomsDomain,
		Logger:           a.log,
		Tracker:          a.tracker,
	}, a.router)
	if err != nil {
		return fmt.Errorf("app: %w", err)
	}
	a.router.Add(domain, h, l)
	a.links = append(a.links, l)
	return nil
}

// AttachRelay hands the gateway domain's messages, presences and queries
// to the relay core gw (built with a.GatewayXMPP as its relay.XMPP). Call
// it before Run; until then the gateway answers only disco, ping and
// version.
func (a *App) AttachRelay(gw relay.Gateway) {
	component.AttachGateway(a.Gateway, gw, a.log.With("service", "gateway"))
}

// Links returns the component links (gateway first).
func (a *App) Links() []*component.Link { return a.links }

// Run runs every link until ctx is cancelled, then closes the links
// cleanly and flushes the store.
func (a *App) Run(ctx context.Context) error {
	a.log.Info("mpimis starting", "version", a.version, "gateway", a.cfg.XMPP.GatewayDomain,
		"rooms", a.cfg.XMPP.RoomsDomain, "server", a.cfg.XMPP.Server, "store", a.cfg.Store.Path)
	var wg sync.WaitGroup
	for _, l := range a.links {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = l.Run(ctx)
		}()
	}
	for _, r := range a.runners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r(ctx)
		}()
	}
	if a.RoomService != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = a.RoomService.Run(ctx)
		}()
	}
	<-ctx.Done()
	wg.Wait()
	err := a.Store.Close()
	a.log.Info("mpimis stopped")
	if err != nil {
		return fmt.Errorf("app: closing store: %w", err)
	}
	return nil
}

// Close releases what New opened when Run is never called.
func (a *App) Close() error {
	a.http.close()
	var rerr error
	if a.RoomService != nil {
		rerr = a.RoomService.Close()
	}
	return errors.Join(rerr, a.Store.Close())
}
