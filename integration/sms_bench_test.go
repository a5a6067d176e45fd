package integration

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/mpimis/mpimis/internal/smscsim"
	"github.com/mpimis/mpimis/internal/smsflow"
	"github.com/mpimis/mpimis/relay"
	"github.com/mpimis/mpimis/smsbridge"
	"github.com/mpimis/mpimis/store"
)

type nopMO struct{}

func (nopMO) HandleDeliver(context.Context, *smsbridge.Deliver) uint32 { return 0 }

// BenchmarkSMSSessionSubmit: submit_sm through our session against the
// SMSC simulator over loopback TCP, window 10 and 100, no rate cap.
func BenchmarkSMSSessionSubmit(b *testing.B) {
	for _, window := range []int{10, 100} {
		b.Run(fmt.Sprintf("window=%d", window), func(b *testing.B) {
			sim, err := smscsim.Start(smscsim.Config{SystemID: "smsgw", Password: "secret", DLRMode: "none", MaxKept: 1000})
			if err != nil {
				b.Fatal(err)
			}
			defer sim.Close()
			sc := sessionConfig(sim.Addr())
			sc.Window, sc.TPS, sc.Logger = window, 0, slog.New(slog.DiscardHandler)
			sess := smsbridge.NewSession(sc, nopMO{})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go sess.Run(ctx)
			if err := sim.WaitBinds(ctx, 1); err != nil {
				b.Fatal(err)
			}
			sub := &smsbridge.Submit{Source: "12345", Dest: "4915112345678", DestTON: 1, DestNPI: 1, ShortMessage: []byte("benchmark")}
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			work := make(chan struct{}, b.N)
			for i := 0; i < b.N; i++ {
				work <- struct{}{}
			}
			close(work)
			for w := 0; w < window; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range work {
						if _, err := sess.Submit(ctx, sub); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "submits/s")
		})
	}
}

// BenchmarkSMSMTThroughQueue: MT messages end to end on the SMS side:
// durable enqueue, lease, submit to the simulator, record the SMSC id;
// window 10 and 100.
func BenchmarkSMSMTThroughQueue(b *testing.B) {
	for _, window := range []int{10, 100} {
		b.Run(fmt.Sprintf("window=%d", window), func(b *testing.B) {
			sim, err := smscsim.Start(smscsim.Config{SystemID: "smsgw", Password: "secret", DLRMode: "none", MaxKept: b.N + 10})
			if err != nil {
				b.Fatal(err)
			}
			defer sim.Close()
			st, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			fc := smsFlowConfig()
			fc.Concurrency, fc.Logger = window, slog.New(slog.DiscardHandler)
			sc := sessionConfig(sim.Addr())
			sc.Window, sc.TPS, sc.Logger = window, 0, fc.Logger
			flow := smsflow.New(fc, st, nil)
			sess := smsbridge.NewSession(sc, flow)
			flow.SetSubmitter(sess)
			ctx, cancel := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			wg.Add(2)
			go func() { defer wg.Done(); sess.Run(ctx) }()
			go func() { defer wg.Done(); flow.Run(ctx) }()
			defer func() { cancel(); wg.Wait() }()
			if err := sim.WaitBinds(ctx, 1); err != nil {
				b.Fatal(err)
			}
			p, _ := phoneFor("+4915112345678")
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				if err := flow.Send(ctx, p, "benchmark message", relay.SMSMeta{Source: "bench@localhost"}, nil); err != nil {
					b.Fatal(err)
				}
			}
			wctx, wcancel := context.WithTimeout(ctx, 5*time.Minute)
			defer wcancel()
			if _, err := sim.WaitSubmitted(wctx, b.N); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
		})
	}
}
