package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/mpimis/mpimis/internal/smscsim"
)

// run starts the environment, measures every phase and prints the table.
func run(ctx context.Context, o options, log *slog.Logger, out io.Writer) error {
	sctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	t0 := time.Now()
	e, err := startEnv(sctx, o, log)
	if err != nil {
		return err
	}
	defer e.stop()
	s := &sink{}
	go followSubmits(ctx, e.sim, s)
	jids, err := e.register(sctx, o.phones)
	if err != nil {
		return err
	}
	clients, err := e.login(sctx, o.clients, s)
	if err != nil {
		return err
	}
	ec, err := e.startEcho(sctx, s)
	if err != nil {
		return err
	}
	raw, err := e.startRaw(sctx, o, s)
	if err != nil {
		return err
	}
	var kan *kannel
	if o.kannel {
		if kan, err = e.startKannel(sctx, o, s); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "set-up: %d phones registered, %d clients logged in, %s\n", o.phones, o.clients, time.Since(t0).Round(time.Millisecond))

	if o.profile != "" {
		stopProfile, err := startProfile(o.profile)
		if err != nil {
			return err
		}
		defer stopProfile()
	}
	var rows []result
	phase := 0
	measure := func(name string, rate, workers int, send func(ctx context.Context, tr *tracker, seq int) error) result {
		phase++
		tr := newTracker(phase)
		l := load{rate: rate, dur: o.duration, workers: workers, inFlight: o.inFlight, drain: o.drain}
		drive(ctx, l, tr, s, func(ctx context.Context, seq int) error { return send(ctx, tr, seq) })
		r := tr.result(name, rateName(rate))
		fmt.Fprintf(out, "  %-14s offered %-5s sustained %7.0f/s p99 %s ms (delivered %d, lost %d)\n", name, r.offered, r.rate, ms(r.p99), r.delivered, r.lost+r.failed)
		return r
	}
	senders := 4 * o.clients
	if o.warmup > 0 { // connections, caches and the store warm up unmeasured
		d := o.duration
		o.duration = o.warmup
		measure("warm-up MT", 100, senders, func(ctx context.Context, tr *tracker, seq int) error {
			tok := tr.sending(seq)
			return clients[seq%len(clients)].Send(ctx, chat(jids[seq%len(jids)], tok.String()))
		})
		measure("warm-up MO", 100, o.moWorkers, func(ctx context.Context, tr *tracker, seq int) error {
			tok := tr.sending(seq)
			to := clients[seq%len(clients)].JID.Bare().String()
			return e.sim.SendMO(ctx, smscsim.MO{Source: phone(seq % o.phones), Dest: "12345", Text: to + " " + tok.String()})
		})
		o.duration = d
	}
	for _, rate := range o.rates {
		if o.only != "mo" {
			xc := measure("MT xmpp-ceil", rate, senders, func(ctx context.Context, tr *tracker, seq int) error {
				tok := tr.sending(seq)
				return clients[seq%len(clients)].Send(ctx, chat("sink@"+echoDomain, tok.String()))
			})
			sc := measure("MT sms-ceil", rate, o.window, func(ctx context.Context, tr *tracker, seq int) error {
				tok := tr.sending(seq)
				return raw.submit(ctx, strings.TrimPrefix(phone(seq%o.phones), "+"), tok.String())
			})
			ours := measure("MT mpimis", rate, senders, func(ctx context.Context, tr *tracker, seq int) error {
				tok := tr.sending(seq)
				return clients[seq%len(clients)].Send(ctx, chat(jids[seq%len(jids)], tok.String()))
			})
			ours.ceiling, ours.smsCeiling = &xc, &sc
			rows = append(rows, xc, sc, ours)
			if kan != nil {
				kr := measure("MT kannel", rate, senders, func(ctx context.Context, tr *tracker, seq int) error {
					tok := tr.sending(seq)
					return kan.submit(ctx, strings.TrimPrefix(phone(seq%o.phones), "+"), tok.String())
				})
				kr.smsCeiling = &sc
				rows[len(rows)-1].kannel = &kr
				rows = append(rows, kr)
			}
		}
		if o.only != "mt" {
			xc := measure("MO xmpp-ceil", rate, senders, func(ctx context.Context, tr *tracker, seq int) error {
				tok := tr.sending(seq)
				return ec.send(ctx, clients[seq%len(clients)].JID.Bare().String(), tok.String())
			})
			sc := measure("MO sms-ceil", rate, o.moWorkers, func(ctx context.Context, tr *tracker, seq int) error {
				tok := tr.sending(seq)
				return raw.sim.SendMO(ctx, smscsim.MO{Source: phone(seq % o.phones), Dest: "12345", Text: tok.String()})
			})
			ours := measure("MO mpimis", rate, o.moWorkers, func(ctx context.Context, tr *tracker, seq int) error {
				tok := tr.sending(seq)
				to := clients[seq%len(clients)].JID.Bare().String()
				return e.sim.SendMO(ctx, smscsim.MO{Source: phone(seq % o.phones), Dest: "12345", Text: to + " " + tok.String()})
			})
			ours.ceiling, ours.smsCeiling = &xc, &sc
			rows = append(rows, xc, sc, ours)
			if kan != nil {
				kr := measure("MO kannel", rate, o.moWorkers, func(ctx context.Context, tr *tracker, seq int) error {
					tok := tr.sending(seq)
					return kan.sim.SendMO(ctx, smscsim.MO{Source: phone(seq % o.phones), Dest: "12345", Text: tok.String()})
				})
				kr.smsCeiling = &sc
				rows[len(rows)-1].kannel = &kr
				rows = append(rows, kr)
			}
		}
	}
	fmt.Fprintf(out, "\nphase %s, %d phones, %d clients, SMPP window %d, saturation in-flight %d\n", o.duration, o.phones, o.clients, o.window, o.inFlight)
	return writeTable(out, rows)
}
