package integration

import (
	"context"
	"testing"
	"time"

	"github.com/mpimis/mpimis/internal/ejabberd"
)

// xmppServer is a real XMPP server under test: Prosody or ejabberd.
type xmppServer interface {
	C2SAddr() string
	ComponentAddr() string
	Restart(ctx context.Context) error
	Log() string
}

// startEjabberd starts a real ejabberd with both component domains and the
// test users; it is stopped and removed when the test ends.
func startEjabberd(t *testing.T) *ejabberd.Server {
	t.Helper()
	if !ejabberd.Available() {
		t.Fatalf("ejabberd is not installed (%s): run the README's test command, which installs it", ejabberd.Ctl)
	}
	s, err := ejabberd.New(ejabberd.Options{RoomsDomain: roomsDomain, Secret: secret, Users: testUsers})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	if err := s.Start(ctx); err != nil {
		s.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("ejabberd log:\n%s", lastLines(s.Log(), 60))
		}
		if err := s.Close(); err != nil {
			t.Errorf("stopping ejabberd: %v", err)
		}
	})
	return s
}

// eachServer runs fn as a subtest against Prosody and against ejabberd.
func eachServer(t *testing.T, fn func(t *testing.T, srv xmppServer)) {
	t.Run("prosody", func(t *testing.T) { fn(t, startProsody(t)) })
	t.Run("ejabberd", func(t *testing.T) { fn(t, startEjabberd(t)) })
}
