package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/mpimis/mpimis/conf"
	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/internal/app"
	"github.com/mpimis/mpimis/internal/prosody"
	"github.com/mpimis/mpimis/internal/smscsim"
)

// mucDomain is Prosody's own MUC, the reference the rooms mode compares
// ours with.
const mucDomain = "conference.localhost"

// roomsEnv is Prosody (with its MUC and our rooms domain), the SMSC
// simulator (mpimis wants a bind) and the logged-in bench clients. mpimis
// itself is started per target with its broadcast limit (see startOurs):
// one instance at a time holds the rooms domain.
type roomsEnv struct {
	dir     string
	pros    *prosody.Server
	sim     *smscsim.Server
	log     *slog.Logger
	clients []*rclient
	recv    atomic.Int64 // stanzas received by all clients
	stops   []func()
	seq     int // instances of mpimis started
}

func startRoomsEnv(ctx context.Context, clients int, extraLua string, log *slog.Logger) (e *roomsEnv, err error) {
	dir, err := os.MkdirTemp("", "mpimis-bench-rooms-")
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	e = &roomsEnv{dir: dir, log: log}
	e.stops = append(e.stops, func() { os.RemoveAll(dir) })
	defer func() {
		if err != nil {
			e.stop()
		}
	}()
	p, err := prosody.New(prosody.Options{
		Dir: filepath.Join(dir, "prosody"), RoomsDomain: roomDomain, Secret: secret, MUCDomain: mucDomain,
		ExtraGlobalLua: "muc_room_locking = false\nmax_history_messages = 20\n" + extraLua,
	})
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	for i := range clients {
		if err := p.AddUser(benchUser(i), "pw"+benchUser(i)); err != nil {
			return nil, fmt.Errorf("bench: %w", err)
		}
	}
	if err := p.Start(ctx); err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	e.pros = p
	e.stops = append(e.stops, func() { _ = p.Stop() })
	e.sim, err = smscsim.Start(smscsim.Config{SystemID: conf.Defaults().SMPP.SystemID, Password: smppPass, DLRMode: "none", MaxKept: 1000})
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	e.stops = append(e.stops, func() { e.sim.Close() })

	e.clients = make([]*rclient, clients)
	errs := make([]error, clients)
	var wg sync.WaitGroup
	slots := make(chan struct{}, 16)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			e.clients[i], errs[i] = dialRooms(ctx, p.C2SAddr(), benchUser(i), "pw"+benchUser(i), i, &e.recv)
		}()
	}
	wg.Wait()
	e.stops = append(e.stops, func() {
		for _, c := range e.clients {
			if c != nil {
				c.close()
			}
		}
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return e, nil
}

func benchUser(i int) string { return fmt.Sprintf("r%04d", i) }

// startOurs runs mpimis on the bench's Prosody with the given broadcast
// limit until the returned stop is called.
func (e *roomsEnv) startOurs(ctx context.Context, limit int) (stop func(), err error) {
	e.seq++
	cfg := benchConfig(e.pros.ComponentAddr(), e.sim.Addr(), filepath.Join(e.dir, fmt.Sprintf("mpimis-%d.db", e.seq)))
	cfg.Rooms.BroadcastLimit = limit
	cfg.Rooms.MaxOccupants = max(cfg.Rooms.MaxOccupants, len(e.clients)+1)
	cfg.Rooms.MaxMessagesPerMinute = 1000
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	_, stop, err = startApp(ctx, cfg, e.log)
	return stop, err
}

// benchConfig is mpimis's configuration in the bench: both domains on
// the bench's Prosody, the simulator as SMSC, no HTTP, warnings only.
func benchConfig(componentAddr, smscAddr, storePath string) *conf.Config {
	cfg := conf.Defaults()
	cfg.XMPP.Server = componentAddr
	cfg.XMPP.Secret = secret
	cfg.XMPP.GatewayDomain = gwDomain
	cfg.XMPP.RoomsDomain = roomDomain
	cfg.XMPP.ReconnectMax = conf.Duration{Duration: time.Second}
	cfg.SMPP.Addr = smscAddr
	cfg.SMPP.Password = smppPass
	cfg.Store.Path = storePath
	cfg.HTTP.Listen = ""
	cfg.Log.Level = "warn"
	return cfg
}

// startApp runs mpimis with cfg in this process and waits until its links
// are up; stop cancels it and waits (up to 10 s) for it to end.
func startApp(ctx context.Context, cfg *conf.Config, log *slog.Logger) (a *app.App, stop func(), err error) {
	actx, cancel := context.WithCancel(context.Background())
	a, err = app.New(actx, cfg, log, "bench")
	if err != nil {
		cancel()
		return nil, nil, fmt.Errorf("bench: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(actx) }()
	stop = func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
		}
	}
	for _, l := range a.Links() {
		if err := waitUp(ctx, l); err != nil {
			stop()
			return nil, nil, err
		}
	}
	return a, stop, nil
}

// roomJID returns the JID of the room called tag on target: on Prosody's
// MUC the tag is the localpart, on ours it names a page.
func roomJID(t roomsTarget, tag string) (string, error) {
	if t.muc {
		return tag + "@" + mucDomain, nil
	}
	k, _, err := ident.RoomKeyFor("https://bench.example/" + tag)
	if err != nil {
		return "", fmt.Errorf("bench: %w", err)
	}
	return string(k) + "@" + roomDomain, nil
}

// settle waits until no client has received anything for quiet (at most
// limit), so that one measurement does not carry the tail of the last.
func (e *roomsEnv) settle(quiet, limit time.Duration) time.Duration {
	start := time.Now()
	last := e.recv.Load()
	lastChange := start
	for time.Since(start) < limit {
		time.Sleep(quiet / 5)
		if n := e.recv.Load(); n != last {
			last, lastChange = n, time.Now()
		} else if time.Since(lastChange) >= quiet {
			break
		}
	}
	return lastChange.Sub(start)
}

// stop undoes startRoomsEnv, newest first.
func (e *roomsEnv) stop() {
	for i := len(e.stops) - 1; i >= 0; i-- {
		e.stops[i]()
	}
	e.stops = nil
}

// cpuClock reads the CPU time used by this process (bench clients and
// mpimis) and by Prosody.
type cpuClock struct{ prosodyPid int }

type cpuTimes struct{ self, prosody time.Duration }

func (e *roomsEnv) cpuClock() cpuClock {
	b, err := os.ReadFile(filepath.Join(e.pros.Opts.Dir, "prosody.pid"))
	if err != nil {
		return cpuClock{}
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return cpuClock{prosodyPid: pid}
}

func (c cpuClock) now() cpuTimes {
	var t cpuTimes
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		t.self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	if c.prosodyPid > 0 {
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", c.prosodyPid)); err == nil {
			t.prosody = procStatCPU(string(b))
		}
	}
	return t
}

func (t cpuTimes) sub(u cpuTimes) cpuTimes {
	return cpuTimes{self: t.self - u.self, prosody: t.prosody - u.prosody}
}

// procStatCPU returns utime+stime from a /proc/PID/stat line (clock
// ticks of 10 ms), 0 if it cannot be read.
func procStatCPU(stat string) time.Duration {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(stat[i+1:])
	// after the command: state is field 3, utime 14 and stime 15
	if len(f) < 13 {
		return 0
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	s, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return time.Duration(u+s) * 10 * time.Millisecond
}
