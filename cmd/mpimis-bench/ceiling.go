package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/internal/smscsim"
	"github.com/mpimis/mpimis/smsbridge"
)

// echo is the do-nothing component: it absorbs every message, recording
// its arrival, and can send messages to clients.
type echo struct {
	link *component.Link
	s    *sink
}

// HandleStanza records message bodies and drops everything else.
func (h *echo) HandleStanza(_ context.Context, _ component.Sender, st *component.Element) {
	if st.Name.Local == "message" {
		h.s.got(st.ChildText("", "body"), time.Now())
	}
}

// startEcho connects the do-nothing component to the bench's Prosody.
func (e *env) startEcho(ctx context.Context, s *sink) (*echo, error) {
	h := &echo{s: s}
	l, err := component.NewLink(component.LinkConfig{Addr: e.pros.ComponentAddr(), Domain: echoDomain, Secret: secret}, h)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	h.link = l
	lctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = l.Run(lctx) }()
	e.stops = append(e.stops, func() { cancel(); <-done })
	return h, waitUp(ctx, l)
}

// send sends a chat message from the component to a client.
func (h *echo) send(ctx context.Context, to, body string) error {
	m := chat(to, body)
	m.SetAttr("from", "bench@"+echoDomain)
	return h.link.Send(ctx, m)
}

// rawSMS is the SMS-side ceiling: a bare SMPP session of ours straight to
// its own simulator, no store, no XMPP.
type rawSMS struct {
	sim  *smscsim.Server
	sess *smsbridge.Session
	s    *sink
}

// HandleDeliver records MO arrivals and acknowledges at once.
func (r *rawSMS) HandleDeliver(_ context.Context, d *smsbridge.Deliver) uint32 {
	r.s.got(string(d.ShortMessage), time.Now())
	return 0
}

// startRaw starts a second simulator and a bare session bound to it.
func (e *env) startRaw(ctx context.Context, o options, s *sink) (*rawSMS, error) {
	sim, err := smscsim.Start(smscsim.Config{SystemID: "raw", Password: smppPass, DLRMode: o.dlr, MaxKept: -1})
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	e.stops = append(e.stops, func() { sim.Close() })
	r := &rawSMS{sim: sim, s: s}
	r.sess = smsbridge.NewSession(smsbridge.SessionConfig{Addr: sim.Addr(), SystemID: "raw", Password: smppPass,
		Window: o.window, MOWorkers: o.moWorkers, Logger: slog.New(slog.DiscardHandler)}, r)
	sctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = r.sess.Run(sctx) }()
	go followSubmits(sctx, sim, s)
	e.stops = append(e.stops, func() { cancel(); <-done })
	if err := sim.WaitBinds(ctx, 1); err != nil {
		return nil, fmt.Errorf("bench: raw bind: %w", err)
	}
	return r, nil
}

// submit sends one MT straight to the raw simulator.
func (r *rawSMS) submit(ctx context.Context, dest, text string) error {
	_, err := r.sess.Submit(ctx, &smsbridge.Submit{Source: "12345", Dest: dest, DestTON: 1, DestNPI: 1, ShortMessage: []byte(text)})
	return err
}
