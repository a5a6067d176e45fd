package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

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

	cfg = benchConfig(p.ComponentAddr(), e.sim.Addr(), filepath.Join(dir, "mpimis.db"))
	cfg.SMPP.TPS = 100000
	cfg.SMPP.Window = o.window
	cfg.Limits.SMSPerMinute = 1 << 30
	cfg.Limits.SMSPerDay = 1 << 30
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	a, stop, err := startApp(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	e.app = a
	e.stops = append(e.stops, stop)
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
