package integration

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/conf"
	"github.com/mpimis/mpimis/internal/app"
	"github.com/mpimis/mpimis/internal/prosody"
	"github.com/mpimis/mpimis/internal/smscsim"
	"github.com/mpimis/mpimis/internal/xmpptest"
)

const (
	gwDomain    = "sms.localhost"
	roomsDomain = "rooms.localhost"
	userHost    = "localhost"
	secret      = "integration-secret"
)

var testUsers = map[string]string{"alice": "alice-pw", "bob": "bob-pw", "admin": "admin-pw"}

// startProsody starts a real Prosody with both component domains; it is
// stopped when the test ends, and its log is attached on failure.
func startProsody(t *testing.T) *prosody.Server {
	t.Helper()
	return startProsodyWith(t, nil)
}

// startProsodyWith is startProsody with options adjusted by tweak.
func startProsodyWith(t *testing.T, tweak func(*prosody.Options)) *prosody.Server {
	t.Helper()
	if !prosody.Available() {
		t.Fatalf("Prosody is not installed (%s): run the README's test command, which installs it", prosody.Binary)
	}
	o := prosody.Options{
		Dir:         t.TempDir(),
		RoomsDomain: roomsDomain,
		Secret:      secret,
		Users:       testUsers,
	}
	if tweak != nil {
		tweak(&o)
	}
	p, err := prosody.New(o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("prosody log:\n%s", lastLines(p.Log(), 60))
		}
		if err := p.Stop(); err != nil {
			t.Errorf("stopping prosody: %v", err)
		}
	})
	return p
}

func lastLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// testConfig returns an mpimis configuration for p with the store in dir.
func testConfig(p xmppServer, dir string) *conf.Config {
	cfg := conf.Defaults()
	cfg.XMPP.Server = p.ComponentAddr()
	cfg.XMPP.Secret = secret
	cfg.XMPP.GatewayDomain = gwDomain
	cfg.XMPP.RoomsDomain = roomsDomain
	cfg.XMPP.Admins = []string{"admin@" + userHost}
	cfg.XMPP.ReconnectMax = conf.Duration{Duration: time.Second}
	cfg.SMPP.Password = "secret"
	cfg.Store.Path = filepath.Join(dir, "mpimis.db")
	cfg.HTTP.Listen = ""
	cfg.Log.Level = "debug"
	return cfg
}

// mpimis is an in-process instance with its own SMSC simulator.
type mpimis struct {
	*app.App
	log *syncBuffer
	sim *smscsim.Server
}

// startMpimis runs mpimis in-process against p and waits until both links
// are up. It is shut down (and must stop cleanly) when the test ends.
func startMpimis(t *testing.T, p xmppServer, tweak func(*conf.Config)) *mpimis {
	t.Helper()
	cfg := testConfig(p, t.TempDir())
	sim, err := smscsim.Start(smscsim.Config{SystemID: cfg.SMPP.SystemID, Password: cfg.SMPP.Password, DLRDelay: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	cfg.SMPP.Addr = sim.Addr()
	if tweak != nil {
		tweak(cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	buf := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, log, "itest")
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	m := &mpimis{App: a, log: buf, sim: sim}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("mpimis stopped with %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("mpimis did not stop within 10s")
		}
		if t.Failed() {
			t.Logf("mpimis log:\n%s", lastLines(buf.String(), 60))
		}
	})
	m.waitLinks(t, func(s component.LinkStatus) bool { return s.State == component.StateUp }, "up")
	return m
}

// waitLinks waits until every link satisfies cond.
func (m *mpimis) waitLinks(t *testing.T, cond func(component.LinkStatus) bool, what string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, l := range m.Links() {
		for {
			ch := l.Changed()
			if cond(l.Status()) {
				break
			}
			select {
			case <-ch:
			case <-ctx.Done():
				t.Fatalf("link %s never became %s: %+v", l.Domain(), what, l.Status())
			}
		}
	}
}

// login connects a test user.
func login(t *testing.T, p xmppServer, user string) *xmpptest.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	c, err := xmpptest.Dial(ctx, p.C2SAddr(), user, userHost, testUsers[user])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	// Initial presence, as every real client sends: without it the server
	// delivers nothing addressed to the bare JID to this session.
	must(t, c.Send(ctx, component.NewElement(component.NSComponent, "presence")), "initial presence")
	return c
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	t.Cleanup(cancel)
	return ctx
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var _ io.Writer = (*syncBuffer)(nil)

func TestMain(m *testing.M) {
	if os.Getenv(envChild) != "" {
		os.Exit(smsChildMain())
	}
	if os.Getenv(envAppChild) != "" {
		os.Exit(appChildMain())
	}
	if os.Getenv(envLockDB) != "" {
		os.Exit(lockChildMain())
	}
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

func must(t *testing.T, err error, what string, args ...any) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", fmt.Sprintf(what, args...), err)
	}
}
