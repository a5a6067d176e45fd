package component

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Flush returns once the server has read what was sent before it, and
// fails when the server never answers.
func TestLinkFlush(t *testing.T) {
	srv := newFakeServer(t, "s", true) // routes the flush ping back
	l := startLink(t, srv, "s", NewGatewayService("", nil), nil)
	fc := nextConn(t, srv)
	waitStatus(t, l, "up", func(s LinkStatus) bool { return s.State == StateUp })
	msg := NewElement(NSComponent, KindMessage, "from", testDomain, "to", "a@b", "id", "before-flush")
	if err := l.Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	if err := l.Flush(context.Background()); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	select {
	case got := <-fc.recv:
		if got.Get("id") != "before-flush" {
			t.Fatalf("server read %s first", got)
		}
	default:
		t.Fatal("Flush returned before the server had read the message")
	}

	mute := newFakeServer(t, "s", false) // swallows it
	l2 := startLink(t, mute, "s", NewGatewayService("", nil), func(c *LinkConfig) {
		c.KeepaliveTimeout = 100 * time.Millisecond
		c.Keepalive = time.Hour
	})
	nextConn(t, mute)
	waitStatus(t, l2, "up", func(s LinkStatus) bool { return s.State == StateUp })
	if err := l2.Flush(context.Background()); err == nil {
		t.Fatal("Flush through a server that never answers succeeded")
	}
}

// Callers waiting at once share round trips, and each waits for a round
// trip that started after its call.
func TestFlushRoundsCoalesce(t *testing.T) {
	var f flushRounds
	var trips atomic.Int32
	release := make(chan struct{})
	started := make(chan struct{}, 16)
	rt := func(context.Context) error {
		trips.Add(1)
		started <- struct{}{}
		<-release
		return nil
	}
	first := make(chan error, 1)
	go func() { first <- f.wait(context.Background(), rt) }()
	<-started // round 1 runs; everyone below must wait for round 2
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() { defer wg.Done(); errs <- f.wait(context.Background(), rt) }()
	}
	// Round 2 must not have started while round 1 runs.
	select {
	case <-started:
		t.Fatal("a second round trip started while the first was running")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := trips.Load(); got < 2 || got > 3 {
		t.Fatalf("%d round trips for 1 + %d callers, want 2 (3 if a caller came late)", got, n)
	}
	// A failing round trip fails its callers.
	boom := errors.New("down")
	if err := f.wait(context.Background(), func(context.Context) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("wait = %v, want the round trip's error", err)
	}
}
