package smsflow

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/mpimis/mpimis/relay"
	"github.com/mpimis/mpimis/smsbridge"
	"github.com/mpimis/mpimis/store"
)

// settlingRelay relays every MO "to XMPP": it hands Settle a record that
// bumps a counter.
type settlingRelay struct {
	mu    sync.Mutex
	calls int
}

func (r *settlingRelay) FromSMS(ctx context.Context, m relay.SMSMessage) error {
	r.mu.Lock()
	r.calls++
	r.mu.Unlock()
	m.Settle(func(tx *store.Tx) error { return tx.RecordRelay(ctx, "settled") })
	return nil
}

func (r *settlingRelay) Report(context.Context, relay.DeliveryReport) error { return nil }

func (r *settlingRelay) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls
}

// flusher fails while down is set.
type flusher struct {
	mu   sync.Mutex
	down bool
	n    int
}

func (f *flusher) Flush(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	if f.down {
		return errors.New("link down")
	}
	return nil
}

func (f *flusher) set(down bool) {
	f.mu.Lock()
	f.down = down
	f.mu.Unlock()
}

// An MO relayed to XMPP is done, with its record, only once the XMPP side
// confirmed; unconfirmed, it is relayed again.
func TestRelayedMOSettledAfterConfirmation(t *testing.T) {
	r := &settlingRelay{}
	fl := &flusher{down: true}
	st, err := store.Open(context.Background(), t.TempDir()+"/flow.db")
	if err != nil {
		t.Fatal(err)
	}
	f := New(Config{SourceAddr: "12345", RetryMin: 20 * time.Millisecond, RetryMax: 50 * time.Millisecond}, st, &scriptSubmitter{})
	f.SetRelay(r)
	f.SetFlusher(fl)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = f.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done; st.Close() })

	d := &smsbridge.Deliver{Source: "4915112345001", Dest: "12345", ShortMessage: []byte("hi")}
	if s := f.HandleDeliver(context.Background(), d); s != smsbridge.StatusOK {
		t.Fatalf("MO answered %#x", s)
	}
	waitFor(t, "the MO relayed again after an unconfirmed attempt", func() bool { return r.count() >= 2 })
	if n := settledCount(t, st); n != 0 {
		t.Fatalf("%d records committed while the XMPP side never confirmed", n)
	}
	fl.set(false)
	waitFor(t, "the MO done", func() bool {
		s, _, err := st.MOStats(context.Background())
		return err == nil && s[store.MODone] == 1
	})
	if n := settledCount(t, st); n != 1 {
		t.Fatalf("%d records committed for one confirmed MO", n)
	}
}

func settledCount(t *testing.T, st *store.Store) int64 {
	t.Helper()
	c, err := st.RelayCounters(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c["settled"]
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
