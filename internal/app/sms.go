package app

import (
	"context"
	"fmt"

	"github.com/mpimis/mpimis/internal/smsflow"
	"github.com/mpimis/mpimis/relay"
	"github.com/mpimis/mpimis/smsbridge"
)

// newSMS builds the SMS side and the relay core: the SMPP session, the
// flow between session, queues and relay, and the relay itself, attached
// to the gateway service.
func (a *App) newSMS() error {
	c := a.cfg.SMPP
	mode, err := smsbridge.ParseLongMode(c.LongMessages)
	if err != nil {
		return fmt.Errorf("app: smpp.long_messages: %w", err)
	}
	charset, err := smsbridge.ParseMOCharset(c.MODefaultCharset)
	if err != nil {
		return fmt.Errorf("app: smpp.mo_default_charset: %w", err)
	}
	a.Flow = smsflow.New(smsflow.Config{
		SourceAddr:       c.SourceAddr,
		SourceTON:        byte(c.SourceTON),
		SourceNPI:        byte(c.SourceNPI),
		DestTON:          byte(c.DestTON),
		DestNPI:          byte(c.DestNPI),
		DeliveryReceipts: c.DeliveryReceipts,
		LongMode:         mode,
		MaxSegments:      a.cfg.Limits.MaxSegments,
		MOCharset:        charset,
		Concurrency:      c.Window,
		Lease:            a.cfg.Store.Lease.Duration,
		RetryMin:         c.RetryMin.Duration,
		RetryMax:         c.RetryMax.Duration,
		Logger:           a.log.With("service", "sms"),
	}, a.Store, nil)
	a.Session = smsbridge.NewSession(smsbridge.SessionConfig{
		Addr:            c.Addr,
		SystemID:        c.SystemID,
		Password:        c.Password,
		SystemType:      c.SystemType,
		BindTON:         byte(c.BindTON),
		BindNPI:         byte(c.BindNPI),
		Window:          c.Window,
		TPS:             c.TPS,
		EnquireLink:     c.EnquireLink.Duration,
		ResponseTimeout: c.ResponseTimeout.Duration,
		ReconnectMax:    a.cfg.XMPP.ReconnectMax.Duration,
		Logger:          a.log.With("service", "smpp"),
	}, a.Flow)
	a.Flow.SetSubmitter(a.Session)
	core, err := relay.New(relay.ConfigFrom(a.cfg), relay.Deps{
		Store: a.Store,
		XMPP:  a.GatewayXMPP,
		SMS:   a.Flow,
		Log:   a.log.With("service", "relay"),
	})
	if err != nil {
		return fmt.Errorf("app: %w", err)
	}
	a.Relay = core
	a.Flow.SetRelay(core)
	a.Flow.SetFlusher(a.GatewayXMPP)
	a.AttachRelay(core)
	a.runners = append(a.runners,
		func(ctx context.Context) { _ = a.Session.Run(ctx) },
		func(ctx context.Context) { _ = a.Flow.Run(ctx) })
	return nil
}
