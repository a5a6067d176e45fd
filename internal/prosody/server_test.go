package prosody

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

func TestEncodePath(t *testing.T) {
	for i, c := range []struct{ in, want string }{
		{"localhost", "localhost"},
		{"sms.localhost", "sms%2elocalhost"},
		{"user-1", "user%2d1"},
	} {
		if got := encodePath(c.in); got != c.want {
			t.Errorf("%d: encodePath(%q) = %q, want %q", i, c.in, got, c.want)
		}
	}
}

func TestConfigText(t *testing.T) {
	o := Options{Dir: "/tmp/x", RoomsDomain: "rooms.localhost", C2SPort: 1, ComponentPort: 2, HTTPPort: 3}
	o.setDefaults()
	cfg := configText(&o)
	for _, want := range []string{`c2s_ports = { 1 }`, `component_ports = { 2 }`, `Component "sms.localhost"`, `Component "rooms.localhost"`, `component_secret = "secret"`} {
		if !strings.Contains(cfg, want) {
			t.Errorf("config lacks %q:\n%s", want, cfg)
		}
	}
}

// TestStartStop runs the real Prosody: it must listen on its random ports
// and stop cleanly, freeing them.
func TestStartStop(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := New(Options{Dir: t.TempDir(), Users: map[string]string{"alice": "pw"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if c, err := net.DialTimeout("tcp", s.C2SAddr(), time.Second); err == nil {
		c.Close()
		t.Fatalf("c2s port still open after Stop")
	}
}
