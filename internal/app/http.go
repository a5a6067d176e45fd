package app

import (
	"context"
	"fmt"
	"net"
	"sync"

	"github.com/mpimis/mpimis/internal/smsflow"
	"github.com/mpimis/mpimis/internal/web"
)

var _ smsflow.Observer = (*web.Metrics)(nil)

// httpSide is the HTTP server of an App (see package internal/web): its
// listener is bound in New, so a busy port fails New, and served by a
// runner until shutdown.
type httpSide struct {
	mu sync.Mutex
	ln net.Listener // nil when http.listen is ""
}

// newHTTP prepares the HTTP side when http.listen is set: the server over
// the links, the SMPP session, the queues, the relay counters and the
// rooms service; the metrics observe the SMS flow.
func (a *App) newHTTP() error {
	addr := a.cfg.HTTP.Listen
	if addr == "" {
		return nil
	}
	d := web.Deps{
		SMPP:     a.Session,
		Queues:   a.Store,
		Counters: a.Relay,
		Version:  a.version,
		Logger:   a.log.With("service", "http"),
	}
	for i, l := range a.links {
		role := "gateway"
		if i > 0 {
			role = "rooms"
		}
		d.Links = append(d.Links, web.Link{Role: role, Source: l})
	}
	if a.RoomService != nil {
		d.Rooms = a.RoomService
	}
	srv, err := web.New(d)
	if err != nil {
		return fmt.Errorf("app: %w", err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("app: http.listen: %w", err)
	}
	a.http.mu.Lock()
	a.http.ln = ln
	a.http.mu.Unlock()
	a.Flow.SetObserver(srv.Metrics())
	a.runners = append(a.runners, func(ctx context.Context) {
		a.log.Info("http listening", "addr", ln.Addr().String())
		if err := srv.Serve(ctx, ln); err != nil {
			a.log.Error("http server failed", "err", err)
		}
	})
	return nil
}

// HTTPAddr returns the address the HTTP side listens on (useful with
// http.listen "127.0.0.1:0"), or "" when it is disabled.
func (a *App) HTTPAddr() string {
	a.http.mu.Lock()
	defer a.http.mu.Unlock()
	if a.http.ln == nil {
		return ""
	}
	return a.http.ln.Addr().String()
}

// close releases the listener when Run never served it (after Run it is
// already closed; closing again is harmless).
func (h *httpSide) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ln != nil {
		_ = h.ln.Close()
	}
}
