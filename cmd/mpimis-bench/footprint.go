package main

// The footprint mode (-only footprint) measures the real mpimis binary as
// an operator runs it: built from the tree, started as a child process
// with "mpimis run -config FILE" against a real Prosody and the SMSC
// simulator, with a store seeded with bindings.
//
//   - Start-up: exec until /healthz answers 200 (both component links up
//     and the SMPP session bound), with -fp-start-bindings bindings,
//     repeated -fp-starts times.
//   - Memory: VmRSS and VmHWM of the mpimis process with -fp-bindings
//     bindings, after -fp-occupants anonymous client sessions joined
//     -fp-rooms page rooms and -fp-sms MO and as many MT messages flowed.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/mpimis/mpimis/conf"
	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/internal/prosody"
	"github.com/mpimis/mpimis/internal/smscsim"
	"github.com/mpimis/mpimis/internal/xmpptest"
	"github.com/mpimis/mpimis/smsbridge"
)

// fpOptions are the footprint mode's settings.
type fpOptions struct {
	startBindings int           // bindings in the store of the start-up runs (0: skip them)
	starts        int           // start-up runs
	bindings      int           // bindings in the store of the memory run (0: skip it)
	occupants     int           // client sessions that join rooms
	rooms         int           // page rooms they spread over
	sms           int           // MO messages, and as many MT, in the memory run
	settle        time.Duration // wait before the last memory reading
	cycles        int           // join-and-leave rounds in the memory run (a leak grows with them)
	bin           string        // mpimis binary; "" builds cmd/mpimis
	keep          bool          // keep the run directory (logs, stores, configurations)
}

// Targets of issue #7.
const (
	fpStartLimit = 2 * time.Second
	fpRSSLimit   = 150 // MiB
	guestHost    = "guest.localhost"
)

func addFootprintFlags(fs *flag.FlagSet, o *fpOptions) {
	fs.IntVar(&o.startBindings, "fp-start-bindings", 1_000_000, "footprint: bindings in the store for the start-up runs (0 skips them)")
	fs.IntVar(&o.starts, "fp-starts", 3, "footprint: start-up runs")
	fs.IntVar(&o.bindings, "fp-bindings", 100_000, "footprint: bindings in the store for the memory run (0 skips it)")
	fs.IntVar(&o.occupants, "fp-occupants", 5000, "footprint: anonymous client sessions joining page rooms")
	fs.IntVar(&o.rooms, "fp-rooms", 100, "footprint: page rooms the occupants spread over")
	fs.IntVar(&o.sms, "fp-sms", 1000, "footprint: MO messages (SMS to SMS) and as many MT (XMPP to SMS) in the memory run")
	fs.DurationVar(&o.settle, "fp-settle", 5*time.Second, "footprint: wait before the last memory reading")
	fs.IntVar(&o.cycles, "fp-cycles", 1, "footprint: rounds of all occupants joining and leaving in the memory run")
	fs.BoolVar(&o.keep, "fp-keep", false, "footprint: keep the run directory (mpimis and Prosody logs, stores) and print its name")
	fs.StringVar(&o.bin, "mpimis-bin", "", "footprint: mpimis binary to measure (default: build ./cmd/mpimis)")
}

func (o fpOptions) check() error {
	if o.startBindings < 0 || o.bindings < 0 || o.occupants < 0 || o.sms < 0 || o.starts < 1 || o.rooms < 1 || o.cycles < 1 {
		return fmt.Errorf("bench: -fp-* counts must not be negative, -fp-starts, -fp-rooms and -fp-cycles at least 1")
	}
	if o.startBindings > 90_000_000 || o.bindings > 90_000_000 {
		return fmt.Errorf("bench: at most 90,000,000 bindings (8-digit imids)")
	}
	return nil
}

// fpEnv is what the footprint mode starts once for all its runs.
type fpEnv struct {
	dir  string
	bin  string
	pros *prosody.Server
	sim  *smscsim.Server
}

// runFootprint runs the start-up and memory measurements and prints their
// tables and the targets.
func runFootprint(ctx context.Context, o fpOptions, log *slog.Logger, out io.Writer) error {
	if err := raiseFileLimit(); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "mpimis-footprint-")
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if o.keep {
		fmt.Fprintf(out, "run directory (kept): %s\n", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	e := &fpEnv{dir: dir, bin: o.bin}
	if e.bin == "" {
		if e.bin, err = buildMpimis(ctx, dir); err != nil {
			return err
		}
	}
	p, err := prosody.New(prosody.Options{
		Dir: filepath.Join(dir, "prosody"), RoomsDomain: roomDomain, Secret: secret, GuestHost: guestHost,
		ExtraGlobalLua: `network_backend = "epoll"`,
	})
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := p.Start(sctx); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	defer p.Stop()
	e.pros = p
	e.sim, err = smscsim.Start(smscsim.Config{SystemID: conf.Defaults().SMPP.SystemID, Password: smppPass,
		MaxKept: 20_000, Logger: log})
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	defer e.sim.Close()
	fmt.Fprintf(out, "footprint: mpimis %s as a child process; Prosody (c2s %s, components %s); SMSC simulator %s; %d CPUs; open-file limit %d\n",
		e.bin, p.C2SAddr(), p.ComponentAddr(), e.sim.Addr(), runtime.NumCPU(), fileLimit())

	var targets []target
	if o.startBindings > 0 {
		rows, err := e.startups(ctx, o, out)
		if err != nil {
			return err
		}
		if err := writeStartTable(out, o.startBindings, rows); err != nil {
			return err
		}
		var readies []time.Duration
		for _, r := range rows {
			readies = append(readies, r.ready)
		}
		targets = append(targets, target{
			name:     fmt.Sprintf("start-up, exec -> /healthz 200, %d bindings (median of %d)", o.startBindings, len(rows)),
			measured: float64(median(readies)) / float64(time.Millisecond), limit: float64(fpStartLimit / time.Millisecond), unit: "ms"})
		fmt.Fprintln(out)
	}
	if o.bindings > 0 {
		rows, err := e.memory(ctx, o, out)
		if err != nil {
			return err
		}
		if err := writeMemTable(out, o.bindings, rows); err != nil {
			return err
		}
		var hwm int64
		for _, r := range rows {
			hwm = max(hwm, r.mem.HWM)
		}
		targets = append(targets, target{
			name:     fmt.Sprintf("resident peak (VmHWM), %d bindings, %d occupants, SMS", o.bindings, o.occupants),
			measured: float64(hwm) / 1024, limit: fpRSSLimit, unit: "MiB"})
		fmt.Fprintln(out)
	}
	return writeTargets(out, targets)
}

// seed creates a store of n bindings named name in the run directory,
// writes a configuration for it and checks the count with "mpimis stats".
func (e *fpEnv) seed(ctx context.Context, name string, n int, out io.Writer) (cfgPath string, c fpConfig, err error) {
	c = fpConfig{xmppAddr: e.pros.ComponentAddr(), smppAddr: e.sim.Addr(), store: filepath.Join(e.dir, name+".db")}
	t0 := time.Now()
	if err := seedBindings(ctx, c.store, n); err != nil {
		return "", c, err
	}
	took := time.Since(t0)
	cfgPath = filepath.Join(e.dir, name+".toml")
	if err := c.write(cfgPath); err != nil {
		return "", c, err
	}
	counts, err := countBindings(ctx, e.bin, cfgPath)
	if err != nil {
		return "", c, err
	}
	if live := counts["active"] + counts["optout"]; live != n {
		return "", c, fmt.Errorf("bench: seeded %d bindings, mpimis stats counts %v", n, counts)
	}
	size := int64(0)
	if fi, err := os.Stat(c.store); err == nil {
		size = fi.Size()
	}
	fmt.Fprintf(out, "seeded %s: %d bindings in %s (%.0f MiB); mpimis stats: %s\n",
		name, n, took.Round(time.Millisecond), float64(size)/(1<<20), formatCounts(counts))
	return cfgPath, c, nil
}

// startups starts mpimis o.starts times on a store of o.startBindings
// bindings, each time until /healthz is 200, then stops it.
func (e *fpEnv) startups(ctx context.Context, o fpOptions, out io.Writer) ([]startRow, error) {
	cfgPath, c, err := e.seed(ctx, "startup", o.startBindings, out)
	if err != nil {
		return nil, err
	}
	var rows []startRow
	for i := range o.starts {
		ch, err := startChild(e.bin, cfgPath, filepath.Join(e.dir, fmt.Sprintf("startup-%d.log", i)), c)
		if err != nil {
			return nil, err
		}
		httpUp, ready, err := ch.waitReady(ctx, time.Minute)
		if err != nil {
			_ = ch.stop()
			return nil, err
		}
		m, err := ch.mem()
		if err != nil {
			_ = ch.stop()
			return nil, err
		}
		rows = append(rows, startRow{http: httpUp, ready: ready, mem: m})
		if err := ch.stop(); err != nil {
			return nil, fmt.Errorf("bench: mpimis stop: %w: %s", err, ch.logTail())
		}
	}
	return rows, nil
}

// memory runs mpimis on a store of o.bindings bindings and reads its
// memory after each stage: ready, rooms joined, SMS flowed, settled, and
// after every client left.
func (e *fpEnv) memory(ctx context.Context, o fpOptions, out io.Writer) ([]memRow, error) {
	cfgPath, c, err := e.seed(ctx, "memory", o.bindings, out)
	if err != nil {
		return nil, err
	}
	ch, err := startChild(e.bin, cfgPath, filepath.Join(e.dir, "memory.log"), c)
	if err != nil {
		return nil, err
	}
	stopped := false
	defer func() {
		if !stopped {
			_ = ch.stop()
		}
	}()
	if _, _, err := ch.waitReady(ctx, time.Minute); err != nil {
		return nil, err
	}
	var rows []memRow
	occupants, sms := 0, 0
	snap := func(stage string) error {
		m, err := ch.mem()
		if err != nil {
			return err
		}
		rows = append(rows, memRow{stage: stage, occupants: occupants, sms: sms, mem: m, gc: ch.gc()})
		return nil
	}
	if err := snap("ready"); err != nil {
		return nil, err
	}

	crowd := &guests{}
	defer crowd.closeAll()
	t0 := time.Now()
	if err := e.joinRooms(ctx, o, crowd); err != nil {
		return nil, err
	}
	occupants = len(crowd.all)
	fmt.Fprintf(out, "joined: %d sessions in %d rooms in %s\n", occupants, min(o.rooms, o.occupants), time.Since(t0).Round(time.Millisecond))
	if err := snap(roundName("rooms joined", 1, o.cycles)); err != nil {
		return nil, err
	}

	t0 = time.Now()
	if sms, err = e.traffic(ctx, o); err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "SMS: %d MO (SMS to SMS) and %d MT (XMPP to SMS) sent, %d submit_sm at the simulator in %s\n",
		o.sms, o.sms, sms, time.Since(t0).Round(time.Millisecond))
	if err := snap("SMS flowed"); err != nil {
		return nil, err
	}
	select {
	case <-time.After(o.settle):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if err := snap(fmt.Sprintf("settled %s", o.settle)); err != nil {
		return nil, err
	}
	for round := 1; ; round++ {
		crowd.closeAll()
		occupants = 0
		select {
		case <-time.After(o.settle):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if err := snap(roundName("all left", round, o.cycles)); err != nil {
			return nil, err
		}
		if round == o.cycles {
			break
		}
		if err := e.joinRooms(ctx, o, crowd); err != nil {
			return nil, err
		}
		occupants = len(crowd.all)
		if err := snap(roundName("rooms joined", round+1, o.cycles)); err != nil {
			return nil, err
		}
	}
	stopped = true
	if err := ch.stop(); err != nil {
		return nil, fmt.Errorf("bench: mpimis stop: %w: %s", err, ch.logTail())
	}
	// Traffic from seeded phones must have found their bindings: a phone
	// the product could not match would have been bound anew.
	counts, err := countBindings(ctx, e.bin, cfgPath)
	if err != nil {
		return nil, err
	}
	if live := counts["active"] + counts["optout"]; live != o.bindings {
		return nil, fmt.Errorf("bench: after the traffic mpimis stats counts %v, want %d live bindings", counts, o.bindings)
	}
	return rows, nil
}

// roundName names a stage of join-and-leave round r of n.
func roundName(stage string, r, n int) string {
	if n == 1 {
		return stage
	}
	return fmt.Sprintf("%s, round %d", stage, r)
}

// joinRooms logs in o.occupants anonymous sessions and has session k join
// room k mod o.rooms, a few at a time.
func (e *fpEnv) joinRooms(ctx context.Context, o fpOptions, crowd *guests) error {
	rooms := make([]string, o.rooms)
	for r := range rooms {
		k, _, err := ident.RoomKeyFor(fpRoomURL(r))
		if err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		rooms[r] = k.String() + "@" + roomDomain
	}
	jctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	next := atomic.Int64{}
	var wg sync.WaitGroup
	var once sync.Once
	var firstErr error
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1) - 1)
				if k >= o.occupants || jctx.Err() != nil {
					return
				}
				err := func() error {
					c, cancel := context.WithTimeout(jctx, 30*time.Second)
					defer cancel()
					g, err := dialGuest(c, e.pros.C2SAddr(), guestHost)
					if err != nil {
						return fmt.Errorf("bench: guest %d: %w", k, err)
					}
					r := k % o.rooms
					if err := g.join(c, rooms[r], fmt.Sprintf("g%d", k), fpRoomURL(r)); err != nil {
						g.close()
						return fmt.Errorf("bench: guest %d: %w", k, err)
					}
					crowd.add(g)
					go g.discard()
					return nil
				}()
				if err != nil {
					once.Do(func() { firstErr = err; cancel() })
					return
				}
			}
		}()
	}
	wg.Wait()
	return firstErr
}

// traffic sends o.sms MO messages from seeded phones to other seeded
// identities (SMS to SMS) and o.sms chat messages from an XMPP account to
// seeded identities (XMPP to SMS), and waits until the simulator has
// received a submit_sm for each. It returns how many it received.
func (e *fpEnv) traffic(ctx context.Context, o fpOptions) (int, error) {
	if o.sms == 0 {
		return 0, nil
	}
	tctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	from := e.sim.SubmittedCount()
	if err := e.pros.AddUser("fp-sender", "pw-fp-sender"); err != nil {
		return 0, fmt.Errorf("bench: %w", err)
	}
	xc, err := xmpptest.Dial(tctx, e.pros.C2SAddr(), "fp-sender", userHost, "pw-fp-sender")
	if err != nil {
		return 0, fmt.Errorf("bench: %w", err)
	}
	defer xc.Close()
	// Pick live (not opted out) seeded bindings.
	live := func(k int) int {
		i := k % o.bindings
		for fpOptedOut(i) {
			i = (i + 1) % o.bindings
		}
		return i
	}
	errs := make(chan error, 17)
	var wg sync.WaitGroup
	next := atomic.Int64{}
	for range 16 { // below mpimis's 32 MO workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1) - 1)
				if k >= o.sms {
					return
				}
				src, dst := live(k*7), live(k*13+1)
				mo := smscsim.MO{Source: phone(src), Dest: "12345", Text: fpIMID(dst) + " footprint mo " + fmt.Sprint(k)}
				if err := sendMORetrying(tctx, e.sim, mo); err != nil {
					errs <- fmt.Errorf("bench: MO %d: %w", k, err)
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for k := range o.sms {
			to := fpIMID(live(k*11+3)) + "@" + gwDomain
			if err := xc.Send(tctx, chat(to, fmt.Sprintf("footprint mt %d", k))); err != nil {
				errs <- fmt.Errorf("bench: MT %d: %w", k, err)
				return
			}
		}
	}()
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return 0, err
	}
	for {
		n := e.sim.SubmittedCount() - from
		if n >= 2*o.sms {
			return n, nil
		}
		if _, _, err := e.sim.WaitSubmittedAfter(tctx, from+n); err != nil {
			return n, fmt.Errorf("bench: %d of %d submit_sm arrived: %w", n, 2*o.sms, err)
		}
	}
}

// sendMORetrying sends mo, and again after a pause while mpimis answers
// ESME_RMSGQFUL (all its MO workers busy), as an SMSC retries.
func sendMORetrying(ctx context.Context, sim *smscsim.Server, mo smscsim.MO) error {
	for {
		err := sim.SendMO(ctx, mo)
		var se *smscsim.StatusError
		if !errors.As(err, &se) || se.Status != smsbridge.StatusMsgQueueFull {
			return err
		}
		select {
		case <-time.After(50 * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// raiseFileLimit lifts the soft limit on open files to the hard one:
// Prosody, mpimis and the bench's client sessions inherit it.
func raiseFileLimit() error {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return fmt.Errorf("bench: getrlimit: %w", err)
	}
	if l.Cur < l.Max {
		l.Cur = l.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
			return fmt.Errorf("bench: setrlimit: %w", err)
		}
	}
	return nil
}

func fileLimit() uint64 {
	var l syscall.Rlimit
	_ = syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l)
	return l.Cur
}

// formatCounts prints counts by state in a stable order.
func formatCounts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}
