package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Server is mpimis' HTTP side. Create it with New; serve Handler yourself
// or call Serve.
type Server struct {
	d       Deps
	metrics *Metrics
	handler http.Handler
}

// New checks d and builds the handlers and the metrics registry.
func New(d Deps) (*Server, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	s := &Server{d: d}
	m, err := newMetrics(s)
	if err != nil {
		return nil, err
	}
	s.metrics = m
	s.handler = s.routes()
	return s, nil
}

// Handler returns the handler of every endpoint.
func (s *Server) Handler() http.Handler { return s.handler }

// Metrics returns the metrics registry, which is also the flow's
// smsflow.Observer.
func (s *Server) Metrics() *Metrics { return s.metrics }

// shutdownGrace is how long Serve waits for requests in progress when ctx
// ends.
const shutdownGrace = 5 * time.Second

// Serve serves on ln until ctx is cancelled, then shuts down gracefully
// (requests in progress get shutdownGrace to finish) and returns nil. It
// returns an error if serving fails before that. ln is closed either way.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      s.d.Timeout + 10*time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(s.d.Logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("web: serving: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-done; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		_ = srv.Close()
		return fmt.Errorf("web: shutting down: %w", err)
	}
	return nil
}

// routes builds the endpoint table.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	get := func(path string, h http.HandlerFunc) {
		mux.Handle(path, s.onlyGet(s.withTimeout(h)))
	}
	get("/healthz", s.handleHealth)
	get("/api/status", s.handleStatus)
	get("/api/rooms", s.handleRoomLookup)
	get("/api/rooms/live", s.handleRoomsLive)
	get("/api/stats/pages", s.handlePageStats)
	mux.Handle("/metrics", s.onlyGet(s.metrics.handler()))
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, http.StatusNotFound, "no such API endpoint")
	})
	mux.Handle("/", s.onlyGet(http.HandlerFunc(s.handleStatic)))
	return securityHeaders(mux)
}
