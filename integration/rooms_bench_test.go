package integration

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/conf"
	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/internal/app"
	"github.com/mpimis/mpimis/internal/prosody"
	"github.com/mpimis/mpimis/internal/xmpptest"
)

// benchMUCDomain is Prosody's own MUC in the benchmark.
const benchMUCDomain = "muc.localhost"

// BenchmarkRoomsJoin compares our rooms with Prosody's own MUC on the same
// server with the same client code: N clients join one room one after the
// other (each waits for its own presence, status 110), then one groupchat
// message is sent and the time until every client has it is measured.
// Run it explicitly, one iteration per case:
//
//	go test ./integration -run '^$' -bench BenchmarkRoomsJoin -benchtime 1x -timeout 60m
//
// Metrics: join-s (all N joins), join-ms/op (per join), fanout-ms (one
// message to all N), leave-all-s (all leave at once, until each has its
// own unavailable presence; not in ns/op). "mpimis-full" has the broadcast limit off (every
// presence to everyone, like Prosody), "mpimis-limit" the default 100.
func BenchmarkRoomsJoin(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			env := startBenchEnv(b, n)
			for _, target := range []string{"prosody-muc", "mpimis-full", "mpimis-limit"} {
				b.Run(target, func(b *testing.B) {
					for i := range b.N {
						env.run(b, target, i)
					}
				})
			}
		})
	}
}

type benchEnv struct {
	p       *prosody.Server
	clients []*xmpptest.Client
}

func startBenchEnv(b *testing.B, n int) *benchEnv {
	b.Helper()
	p, err := prosody.New(prosody.Options{
		Dir:            b.TempDir(),
		RoomsDomain:    roomsDomain,
		GatewayDomain:  gwDomain,
		MUCDomain:      benchMUCDomain,
		Secret:         secret,
		ExtraGlobalLua: "muc_room_locking = false\nmax_history_messages = 20",
	})
	if err != nil {
		b.Fatal(err)
	}
	users := make([]string, n)
	for i := range users {
		users[i] = fmt.Sprintf("load%04d", i)
		if err := p.AddUser(users[i], "pw-"+users[i]); err != nil {
			b.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := p.Start(ctx); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = p.Stop() })
	env := &benchEnv{p: p}
	// One mpimis instance at a time holds the rooms domain: each target
	// starts its own with its broadcast limit (see run).
	env.clients = loginAll(b, p, users)
	return env
}

// loginAll logs every user in, a few at a time.
func loginAll(b *testing.B, p *prosody.Server, users []string) []*xmpptest.Client {
	b.Helper()
	out := make([]*xmpptest.Client, len(users))
	errs := make([]error, len(users))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for i, u := range users {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			out[i], errs[i] = xmpptest.Dial(ctx, p.C2SAddr(), u, userHost, "pw-"+u)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			b.Fatalf("login %s: %v", users[i], err)
		}
	}
	b.Cleanup(func() {
		for _, c := range out {
			c.Close()
		}
	})
	return out
}

// startBenchMpimis runs mpimis on p with the given broadcast limit until
// the returned stop is called.
func startBenchMpimis(b *testing.B, p *prosody.Server, limit int) (stop func()) {
	b.Helper()
	cfg := conf.Defaults()
	cfg.XMPP.Server = p.ComponentAddr()
	cfg.XMPP.Secret = secret
	cfg.XMPP.GatewayDomain = gwDomain
	cfg.XMPP.RoomsDomain = roomsDomain
	cfg.SMPP.Password = "secret"
	cfg.Store.Path = filepath.Join(b.TempDir(), "mpimis.db")
	cfg.HTTP.Listen = ""
	cfg.Rooms.BroadcastLimit = limit
	cfg.Rooms.MaxMessagesPerMinute = 1000
	if err := cfg.Validate(); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), "bench")
	if err != nil {
		cancel()
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	wctx, wcancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer wcancel()
	for _, l := range a.Links() {
		for l.Status().State != component.StateUp {
			select {
			case <-l.Changed():
			case <-wctx.Done():
				cancel()
				b.Fatalf("link %s never came up", l.Domain())
			}
		}
	}
	return func() {
		cancel()
		<-done
	}
}

// run performs one measurement against target in a fresh room.
func (e *benchEnv) run(b *testing.B, target string, iter int) {
	b.StopTimer()
	n := len(e.clients)
	var room string
	switch target {
	case "prosody-muc":
		room = fmt.Sprintf("bench-%d-%d@%s", n, iter, benchMUCDomain)
	default:
		limit := 5000
		if target == "mpimis-limit" {
			limit = 100
		}
		stop := startBenchMpimis(b, e.p, limit)
		defer stop()
		k := roomKeyOf(b, fmt.Sprintf("https://bench.example/%s/%d/%d", target, n, iter))
		room = k + "@" + roomsDomain
	}
	for _, c := range e.clients {
		c.Discard(func(*component.Element) bool { return true })
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()

	b.StartTimer()
	start := time.Now()
	for i, c := range e.clients {
		nick := fmt.Sprintf("n%04d", i)
		if err := c.Send(ctx, mucJoin(room+"/"+nick)); err != nil {
			b.Fatal(err)
		}
		self := func(el *component.Element) bool {
			return el.Name.Local == "presence" && el.Get("from") == room+"/"+nick && hasCode(el, "110")
		}
		if err := c.WaitCount(ctx, self, 1); err != nil {
			b.Fatalf("%s: join %d: %v", target, i, err)
		}
		if i%50 == 49 { // keep the other inboxes small
			for _, o := range e.clients[:i] {
				o.Discard(func(*component.Element) bool { return true })
			}
		}
	}
	joined := time.Since(start)
	b.StopTimer()

	for _, c := range e.clients {
		c.Discard(func(*component.Element) bool { return true })
	}
	body := fmt.Sprintf("fan-out %s %d", target, iter)
	got := func(el *component.Element) bool {
		return el.Name.Local == "message" && el.ChildText("", "body") == body
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	b.StartTimer()
	start = time.Now()
	if err := e.clients[0].Send(ctx, groupchatTo(room, body)); err != nil {
		b.Fatal(err)
	}
	for _, c := range e.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.WaitCount(ctx, got, 1); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	fanout := time.Since(start)
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatalf("%s: fan-out: %v", target, err)
	}

	// Everybody leaves; each waits for its own unavailable presence, so
	// the server is idle again before the next target.
	start = time.Now()
	for i, c := range e.clients {
		if err := c.Send(ctx, component.NewElement(component.NSComponent, "presence",
			"to", fmt.Sprintf("%s/n%04d", room, i), "type", "unavailable")); err != nil {
			b.Fatal(err)
		}
	}
	errs = make(chan error, n)
	for i, c := range e.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			self := presenceFrom(fmt.Sprintf("%s/n%04d", room, i), "unavailable")
			if err := c.WaitCount(ctx, self, 1); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	left := time.Since(start)
	close(errs)
	for err := range errs {
		b.Fatalf("%s: leaving: %v", target, err)
	}

	b.ReportMetric(joined.Seconds(), "join-s")
	b.ReportMetric(float64(joined.Microseconds())/1000/float64(n), "join-ms/op")
	b.ReportMetric(float64(fanout.Microseconds())/1000, "fanout-ms")
	b.ReportMetric(left.Seconds(), "leave-all-s")
	b.Logf("%s N=%d: joins %v (%.2f ms each), fan-out %v, all leave %v", target, n, joined.Round(time.Millisecond),
		float64(joined.Microseconds())/1000/float64(n), fanout.Round(time.Millisecond), left.Round(time.Millisecond))
}

func roomKeyOf(b testing.TB, url string) string {
	k, _, err := ident.RoomKeyFor(url)
	if err != nil {
		b.Fatal(err)
	}
	return string(k)
}

func hasCode(el *component.Element, code string) bool {
	for _, c := range statusCodes(el) {
		if c == code {
			return true
		}
	}
	return false
}
