package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/conf"
	"github.com/mpimis/mpimis/internal/app"
	"github.com/mpimis/mpimis/internal/prosody"
	"github.com/mpimis/mpimis/internal/smscsim"
)

const (
	userHost   = "localhost"
	gwDomain   = "sms.localhost"
	roomDomain = "rooms.localhost"
	echoDomain = "echo.localhost"
	secret     = "bench-secret"
	smppPass   = "secret"
)

// env is everything the bench starts; stop undoes it.
type env struct {
	dir   string
	pros  *prosody.Server
	sim   *smscsim.Server
	app   *app.App
	stops []func()
}

// startEnv starts Prosody (with the echo component's domain), the SMSC
// simulator and mpimis, and waits until mpimis is linked to both.
func startEnv(ctx context.Context, o options, log *slog.Logger) (e *env, err error) {
	dir, err := os.MkdirTemp("", "mpimis-bench-")
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	e = &env{dir: dir}
	e.stops = append(e.stops, func() { os.RemoveAll(dir) })
	defer func() {
		if err != nil {
			e.stop()
		}
	}()
	p, err := prosody.New(prosody.Options{
		Dir: filepath.Join(dir, "prosody"), RoomsDomain: roomDomain, Secret: secret,
		ExtraGlobalLua: fmt.Sprintf("Component %q\n    component_secret = %q", echoDomain, secret),
	})
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	if err := p.Start(ctx); err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	e.pros = p
	e.stops = append(e.stops, func() { _ = p.Stop() })

	cfg := conf.Defaults()
	e.sim, err = smscsim.Start(smscsim.Config{SystemID: cfg.SMPP.SystemID, Password: smppPass, DLRMode: o.dlr, MaxKept: -1})
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	e.stops = append(e.stops, func() { e.sim.Close() })

	cfg.XMPP.Server = p.ComponentAddr()
	cfg.XMPP.Secret = secret
	cfg.XMPP.GatewayDomain = gwDomain
	cfg.XMPP.RoomsDomain = roomDomain
	cfg.XMPP.ReconnectMax = conf.Duration{Duration: time.Second}
	cfg.SMPP.Addr = e.sim.Addr()
	cfg.SMPP.Password = smppPass
	cfg.SMPP.TPS = 100000
	cfg.SMPP.Window = o.window
	cfg.Store.Path = filepath.Join(dir, "mpimis.db")
	cfg.HTTP.Listen = ""
	cfg.Limits.SMSPerMinute = 1 << 30
	cfg.Limits.SMSPerDay = 1 << 30
	cfg.Log.Level = "warn"
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	actx, cancel := context.WithCancel(context.Background())
	a, err := app.New(actx, cfg, log, "bench")
	if err != nil {
		cancel()
		return nil, fmt.Errorf("bench: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(actx) }()
	e.app = a
	e.stops = append(e.stops, func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
		}
	})
	for _, l := range a.Links() {
		if err := waitUp(ctx, l); err != nil {
			return nil, err
		}
	}
	if err := e.sim.WaitBinds(ctx, 1); err != nil {
		return nil, fmt.Errorf("bench: SMPP bind: %w", err)
	}
	return e, nil
}

// waitUp waits until l is connected.
func waitUp(ctx context.Context, l *component.Link) error {
	for {
		ch := l.Changed()
		if l.Status().State == component.StateUp {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("bench: link %s never came up: %w", l.Domain(), ctx.Err())
		}
	}
}

// stop undoes startEnv, newest first.
func (e *env) stop() {
	for i := len(e.stops) - 1; i >= 0; i-- {
		e.stops[i]()
	}
	e.stops = nil
}
