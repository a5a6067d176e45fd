package web

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// TestServeShutsDownGracefully: when ctx ends, a request in progress
// finishes with its answer, then Serve returns nil and the listener is
// closed.
func TestServeShutsDownGracefully(t *testing.T) {
	e := newEnv(t, nil)
	e.counters.block, e.counters.release, e.counters.entered = true, make(chan struct{}), make(chan struct{}, 1)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- e.srv.Serve(ctx, ln) }()
	base := "http://" + ln.Addr().String()

	res, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/healthz %d", res.StatusCode)
	}

	type answer struct {
		code int
		err  error
	}
	slow := make(chan answer, 1)
	go func() {
		res, err := http.Get(base + "/api/status") // blocks in the counters
		if err != nil {
			slow <- answer{err: err}
			return
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		slow <- answer{code: res.StatusCode}
	}()
	select { // the status request reached the counters
	case <-e.counters.entered:
	case a := <-slow:
		t.Fatalf("status request ended early: %d, %v", a.code, a.err)
	}
	cancel()
	select {
	case err := <-served:
		t.Fatalf("Serve returned %v with a request in progress", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(e.counters.release)
	if a := <-slow; a.err != nil || a.code != http.StatusOK {
		t.Errorf("request in progress at shutdown: %d, %v", a.code, a.err)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve returned %v", err)
		}
	case <-time.After(shutdownGrace + time.Second):
		t.Fatal("Serve did not return after shutdown")
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Errorf("still listening after shutdown")
	}
}

// TestServeFails: a listener that fails ends Serve with an error.
func TestServeFails(t *testing.T) {
	e := newEnv(t, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	err = e.srv.Serve(context.Background(), ln)
	if err == nil || !errors.Is(err, net.ErrClosed) {
		t.Errorf("Serve on a closed listener: %v", err)
	}
}
