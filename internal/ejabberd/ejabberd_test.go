package ejabberd

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

func TestConfigText(t *testing.T) {
	o := Options{Host: "localhost", GatewayDomain: "sms.localhost", RoomsDomain: "rooms.localhost", Secret: "s", C2SPort: 1, ComponentPort: 2}
	cfg := configText(&o, "/d")
	for _, want := range []string{"port: 1\n", "port: 2\n", "module: ejabberd_service", `"sms.localhost":`, `"rooms.localhost":`, `password: "s"`, `ip: "127.0.0.1"`} {
		if !strings.Contains(cfg, want) {
			t.Errorf("config lacks %q:\n%s", want, cfg)
		}
	}
}

// TestStartStop boots a real ejabberd on random loopback ports.
func TestStartStop(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	s, err := New(Options{Users: map[string]string{"alice": "pw"}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if c, err := net.DialTimeout("tcp", s.C2SAddr(), time.Second); err == nil {
		c.Close()
		t.Fatal("c2s port still open after Stop")
	}
}
