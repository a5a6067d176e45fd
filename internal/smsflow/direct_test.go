package smsflow

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mpimis/mpimis/relay"
	"github.com/mpimis/mpimis/smsbridge"
	"github.com/mpimis/mpimis/store"
)

// gateSubmitter records submitted texts and holds each submit until the
// test releases it.
type gateSubmitter struct {
	mu      sync.Mutex
	texts   []string
	arrived chan string
	release chan struct{}
}

func (g *gateSubmitter) Submit(ctx context.Context, m *smsbridge.Submit) (string, error) {
	text, err := smsbridge.DecodeShortMessage(m.DataCoding, m.ShortMessage, smsbridge.MOCharsetGSM)
	if err != nil {
		return "", err
	}
	g.mu.Lock()
	g.texts = append(g.texts, text)
	n := len(g.texts)
	g.mu.Unlock()
	g.arrived <- text
	select {
	case <-g.release:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	return fmt.Sprint("id-", n), nil
}

// startFlow runs a flow with cfg over a fresh store until the test ends.
func startFlow(t *testing.T, cfg Config, sub Submitter, in relay.Inbound) (*Flow, *store.Store) {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "flow.db"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.SourceAddr = "12345"
	f := New(cfg, st, sub)
	if in != nil {
		f.SetRelay(in)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = f.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
		st.Close()
	})
	return f, st
}

func nextArrival(t *testing.T, g *gateSubmitter) string {
	t.Helper()
	select {
	case s := <-g.arrived:
		return s
	case <-time.After(10 * time.Second):
		t.Fatal("no submit arrived")
		return ""
	}
}

// With one worker busy, later messages wait in the queue and go out in
// the order they came, even one sent just as the worker frees up: it
// must not overtake those already queued.
func TestDirectHandOffKeepsQueueOrder(t *testing.T) {
	g := &gateSubmitter{arrived: make(chan string, 16), release: make(chan struct{})}
	f, _ := startFlow(t, Config{Concurrency: 1}, g, nil)
	// Wait for the first lease to find the queue empty, as at start-up.
	deadline := time.Now().Add(10 * time.Second)
	for !f.mt.drained.Load() {
		if time.Now().After(deadline) {
			t.Fatal("the MT queue never looked drained")
		}
		time.Sleep(time.Millisecond)
	}
	sendOne(t, f, "A")
	if got := nextArrival(t, g); got != "A" {
		t.Fatalf("first submit %q, want A", got)
	}
	sendOne(t, f, "B")
	sendOne(t, f, "C")
	g.release <- struct{}{} // A done
	sendOne(t, f, "D")
	for _, want := range []string{"B", "C", "D"} {
		if got := nextArrival(t, g); got != want {
			t.Fatalf("submit %q, want %q (order %v)", got, want, g.texts)
		}
		g.release <- struct{}{}
	}
	sendOne(t, f, "E") // the queue is drained again: straight to the worker
	if got := nextArrival(t, g); got != "E" {
		t.Fatalf("submit %q, want E", got)
	}
	g.release <- struct{}{}
}

// orderRelay records the texts each phone's MOs arrived with.
type orderRelay struct {
	mu   sync.Mutex
	seen map[string][]string
	n    int
	all  chan struct{}
	want int
}

func (r *orderRelay) FromSMS(_ context.Context, m relay.SMSMessage) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	key := m.From.E164()
	r.seen[key] = append(r.seen[key], m.Text)
	r.n++
	if r.n == r.want {
		close(r.all)
	}
	return nil
}

func (r *orderRelay) Report(context.Context, relay.DeliveryReport) error { return nil }

// MOs handed over directly and through the queue reach the relay once
// each, in order per phone, while phones do not wait for each other.
func TestMOOrderPerPhone(t *testing.T) {
	const phones, each = 4, 60
	r := &orderRelay{seen: map[string][]string{}, all: make(chan struct{}), want: phones * each}
	f, _ := startFlow(t, Config{MOConcurrency: 8}, &scriptSubmitter{}, r)
	ctx := context.Background()
	for i := range each {
		for p := range phones {
			d := &smsbridge.Deliver{Source: fmt.Sprintf("491511234500%d", p), Dest: "12345",
				ShortMessage: []byte(fmt.Sprint("m", i))}
			if st := f.HandleDeliver(ctx, d); st != smsbridge.StatusOK {
				t.Fatalf("MO %d of phone %d answered %#x", i, p, st)
			}
		}
	}
	select {
	case <-r.all:
	case <-time.After(20 * time.Second):
		t.Fatalf("relay got %d of %d MOs", r.n, r.want)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for phone, texts := range r.seen {
		for i, text := range texts {
			if text != fmt.Sprint("m", i) {
				t.Fatalf("phone %s: MO %d is %q: %s", phone, i, text, strings.Join(texts, " "))
			}
		}
		if len(texts) != each {
			t.Fatalf("phone %s: %d MOs, want %d", phone, len(texts), each)
		}
	}
}

// A message a dead process left leased for long is submitted as soon as
// a new flow starts on the store.
func TestRunTakesBackLeasesOfADeadProcess(t *testing.T) {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "flow.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	m := &store.MT{Dest: "+4915112345001", Source: "alice@localhost", Text: "left behind"}
	if _, err := st.EnqueueMTLeased(context.Background(), m, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	g := &gateSubmitter{arrived: make(chan string, 4), release: make(chan struct{})}
	close(g.release)
	f := New(Config{SourceAddr: "12345"}, st, g)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = f.Run(ctx) }()
	defer func() { cancel(); <-done }()
	if got := nextArrival(t, g); got != "left behind" {
		t.Fatalf("submitted %q", got)
	}
}
