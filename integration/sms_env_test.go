package integration

import (
	"context"
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

// recRelay stands in for the relay core in the SMS-link tests: it records
// what the SMS side hands over.
type recRelay struct {
	mu      sync.Mutex
	mos     []relay.SMSMessage
	reports []relay.DeliveryReport
	changed chan struct{}
}

func newRecRelay() *recRelay { return &recRelay{changed: make(chan struct{})} }

func (r *recRelay) signal() {
	close(r.changed)
	r.changed = make(chan struct{})
}

func (r *recRelay) FromSMS(_ context.Context, m relay.SMSMessage) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.mos = append(r.mos, m)
	r.signal()
	return nil
}

func (r *recRelay) Report(_ context.Context, rep relay.DeliveryReport) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reports = append(r.reports, rep)
	r.signal()
	return nil
}

// wait waits until cond holds on the recorded calls.
func (r *recRelay) wait(t *testing.T, what string, cond func(mos []relay.SMSMessage, reps []relay.DeliveryReport) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		r.mu.Lock()
		ok := cond(r.mos, r.reports)
		ch := r.changed
		n, m := len(r.mos), len(r.reports)
		r.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-ch:
		case <-ctx.Done():
			t.Fatalf("never saw %s (have %d MO, %d reports)", what, n, m)
		}
	}
}

var _ relay.Inbound = (*recRelay)(nil)

// smsEnv is the SMS link end to end: the SMSC simulator over real TCP, our
// session, the flow and a real SQLite store.
type smsEnv struct {
	sim   *smscsim.Server
	st    *store.Store
	sess  *smsbridge.Session
	flow  *smsflow.Flow
	relay *recRelay
}

func smsFlowConfig() smsflow.Config {
	return smsflow.Config{SourceAddr: "12345", DestTON: 1, DestNPI: 1, DeliveryReceipts: true,
		MaxSegments: 10, RetryMin: 20 * time.Millisecond, RetryMax: 200 * time.Millisecond,
		Lease: 2 * time.Second, ReassemblyTimeout: 3 * time.Second}
}

func sessionConfig(addr string) smsbridge.SessionConfig {
	return smsbridge.SessionConfig{Addr: addr, SystemID: "smsgw", Password: "secret", Window: 10, TPS: 1000,
		EnquireLink: 5 * time.Second, ResponseTimeout: 5 * time.Second,
		ReconnectMin: 20 * time.Millisecond, ReconnectMax: 200 * time.Millisecond}
}

// startSMSLink runs the SMS side against a fresh simulator (or sim if
// given) with the store at dbPath ("" for a new one).
func startSMSLink(t *testing.T, sim *smscsim.Server, dbPath string, tweak func(*smsflow.Config, *smsbridge.SessionConfig)) *smsEnv {
	t.Helper()
	if sim == nil {
		var err error
		sim, err = smscsim.Start(smscsim.Config{SystemID: "smsgw", Password: "secret", DLRDelay: 10 * time.Millisecond})
		must(t, err, "start SMSC simulator")
		t.Cleanup(func() { sim.Close() })
	}
	if dbPath == "" {
		dbPath = filepath.Join(t.TempDir(), "mpimis.db")
	}
	st, err := store.Open(context.Background(), dbPath)
	must(t, err, "open store")
	fc, sc := smsFlowConfig(), sessionConfig(sim.Addr())
	if tweak != nil {
		tweak(&fc, &sc)
	}
	log := slog.New(slog.DiscardHandler)
	fc.Logger, sc.Logger = log, log
	e := &smsEnv{sim: sim, st: st, relay: newRecRelay()}
	e.flow = smsflow.New(fc, st, nil)
	e.sess = smsbridge.NewSession(sc, e.flow)
	e.flow.SetSubmitter(e.sess)
	e.flow.SetRelay(e.relay)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); e.sess.Run(ctx) }()
	go func() { defer wg.Done(); e.flow.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		st.Close()
	})
	e.waitBound(t)
	return e
}

func (e *smsEnv) waitBound(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	for {
		ch := e.sess.Changed()
		if e.sess.Status().State == smsbridge.BindBound {
			return
		}
		select {
		case <-ch:
		case <-ctx.Done():
			t.Fatalf("session never bound: %+v", e.sess.Status())
		}
	}
}
