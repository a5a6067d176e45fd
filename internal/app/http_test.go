package app

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mpimis/mpimis/conf"
)

// TestHTTPSide: the HTTP side binds in New (a busy port fails New, naming
// the key), serves while Run runs (health 503: nothing is connected), and
// stops with Run; Close releases a listener Run never served.
func TestHTTPSide(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	newApp := func(listen string) (*App, error) {
		cfg := conf.Defaults()
		cfg.Store.Path = filepath.Join(t.TempDir(), "mpimis.db")
		cfg.XMPP.Server = "127.0.0.1:1" // nothing listens: links stay down
		cfg.SMPP.Addr = "127.0.0.1:1"
		cfg.HTTP.Listen = listen
		return New(context.Background(), cfg, slog.New(slog.DiscardHandler), "test")
	}

	cases := []struct {
		name    string
		listen  string
		wantErr string
		addr    bool
	}{
		{"disabled", "", "", false},
		{"busy port", busy.Addr().String(), "http.listen", false},
		{"free port", "127.0.0.1:0", "", true},
	}
	for _, tc := range cases {
		a, err := newApp(tc.listen)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: New error %v, want one naming %s", tc.name, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		addr := a.HTTPAddr()
		if (addr != "") != tc.addr {
			t.Errorf("%s: HTTPAddr %q", tc.name, addr)
		}
		if err := a.Close(); err != nil {
			t.Errorf("%s: Close: %v", tc.name, err)
		}
		if addr != "" {
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				t.Errorf("%s: Close did not release %s: %v", tc.name, addr, err)
			} else {
				ln.Close()
			}
		}
	}
}

// TestHTTPServesWhileRunning: /healthz answers 503 while nothing is
// connected, and the port is released when Run returns.
func TestHTTPServesWhileRunning(t *testing.T) {
	cfg := conf.Defaults()
	cfg.Store.Path = filepath.Join(t.TempDir(), "mpimis.db")
	cfg.XMPP.Server = "127.0.0.1:1"
	cfg.SMPP.Addr = "127.0.0.1:1"
	cfg.HTTP.Listen = "127.0.0.1:0"
	a, err := New(context.Background(), cfg, slog.New(slog.DiscardHandler), "test")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	// The listener is bound since New, so the request waits in the
	// backlog until Run serves it.
	client := &http.Client{Timeout: 10 * time.Second}
	res, err := client.Get("http://" + a.HTTPAddr() + "/healthz")
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/healthz with nothing connected: %d, want 503", res.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Run did not return")
	}
	if _, err := net.DialTimeout("tcp", a.HTTPAddr(), time.Second); err == nil {
		t.Errorf("still listening after Run returned")
	}
}
