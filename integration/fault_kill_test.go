package integration

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mpimis/mpimis/conf"
	"github.com/mpimis/mpimis/internal/app"
	"github.com/mpimis/mpimis/internal/prosody"
	"github.com/mpimis/mpimis/internal/smscsim"
)

// envAppChild names the config file of a child process that runs the
// whole of mpimis (internal/app, as `mpimis run` does) until it is killed.
const envAppChild = "MPIMIS_FAULT_APP_CONFIG"

// appChildMain is the child's main: mpimis with its log on stderr.
func appChildMain() int {
	cfg, err := conf.Load(os.Getenv(envAppChild))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	a, err := app.New(ctx, cfg, log, "fault-child")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := a.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// appProc is mpimis running in a child process.
type appProc struct {
	cmd  *exec.Cmd
	log  *syncBuffer
	done chan struct{}
	err  error // set when done is closed
}

// startAppProc runs mpimis in a child process with the configuration at
// path and waits until both its components are authenticated with p and it
// is bound to sim. At the end of the test a child still running is stopped
// with SIGTERM and must exit cleanly.
func startAppProc(t *testing.T, p *prosody.Server, sim *smscsim.Server, path string) *appProc {
	t.Helper()
	const authenticated = "External component successfully authenticated"
	auths, binds := strings.Count(p.Log(), authenticated), sim.Binds()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envAppChild+"="+path)
	a := &appProc{cmd: cmd, log: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = a.log, a.log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	must(t, cmd.Start(), "start the mpimis child")
	go func() { a.err = cmd.Wait(); close(a.done) }()
	t.Cleanup(func() {
		select {
		case <-a.done:
		default:
			_ = cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-a.done:
				if a.err != nil {
					t.Errorf("mpimis child exited with %v after SIGTERM", a.err)
				}
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				<-a.done
				t.Errorf("mpimis child did not stop within 10s of SIGTERM")
			}
		}
		if t.Failed() {
			t.Logf("mpimis child %d log:\n%s", cmd.Process.Pid, lastLines(a.log.String(), 60))
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := p.WaitLog(ctx, authenticated, auths+2); err != nil {
		t.Fatalf("mpimis child never linked: %v\n%s", err, lastLines(a.log.String(), 30))
	}
	if err := sim.WaitBinds(ctx, binds+1); err != nil {
		t.Fatalf("mpimis child never bound: %v\n%s", err, lastLines(a.log.String(), 30))
	}
	return a
}

// kill9 kills the child with SIGKILL and waits until it is gone.
func (a *appProc) kill9(t *testing.T) {
	t.Helper()
	must(t, a.cmd.Process.Signal(syscall.SIGKILL), "kill -9 mpimis")
	<-a.done
}

// startKillEnv starts Prosody, an SMSC simulator and mpimis in a child
// process on a fresh store; it returns what a restart needs.
func startKillEnv(t *testing.T) (p *prosody.Server, sim *smscsim.Server, cfgPath string, a *appProc) {
	t.Helper()
	p = startProsody(t)
	sim, err := smscsim.Start(smscsim.Config{SystemID: "smsgw", Password: "secret", DLRDelay: 10 * time.Millisecond})
	must(t, err, "start SMSC simulator")
	t.Cleanup(func() { sim.Close() })
	cfg := testConfig(p, t.TempDir())
	faultConfig(cfg)
	cfg.SMPP.Addr = sim.Addr()
	cfgPath = writeConfig(t, cfg)
	return p, sim, cfgPath, startAppProc(t, p, sim, cfgPath)
}

// TestIntegrationFaultKillMTQueued: alice's messages wait in the MT queue
// behind an SMSC that throttles every submit when mpimis is killed with
// SIGKILL. Messages sent while it is down are bounced by the server. A new
// process on the same store submits every accepted message once the SMSC
// takes them again, exactly once (nothing had been accepted by the SMSC),
// and alice gets every receipt.
func TestIntegrationFaultKillMTQueued(t *testing.T) {
	p, sim, cfgPath, first := startKillEnv(t)
	view := &mpimis{sim: sim} // the SMS helpers only need the simulator
	bobJID := register(t, view, phoneBob, "bob")
	carolJID := register(t, view, phoneCarol, "carol")
	alice := login(t, p, "alice")

	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	sim.SetThrottle(-1)
	mt := newMTStream("kill-mt", bobJID, carolJID)
	for range 4 {
		must(t, mt.batch(ctx, alice, 5), "MT batch")
	}
	if len(mt.refused) != 0 || len(mt.accepted) != 20 {
		t.Fatalf("accepted %d of 20, refused %v", len(mt.accepted), mt.refused)
	}
	// Every message has been tried and throttled: it is queued, waiting
	// for its next attempt, when the process dies.
	tried := map[string]bool{}
	awaitSubmits(t, sim, "throttled once per accepted MT", len(mt.accepted), func(r smscsim.Submitted) bool {
		tok, ok := strings.CutPrefix(r.Text, mtPrefix)
		if !ok || r.Status == 0 || tried[tok] {
			return false
		}
		tried[tok] = true
		return true
	})
	const gone = "component disconnected: " + gwDomain
	downBefore := strings.Count(p.Log(), gone)
	first.kill9(t)
	checkNoPanic(t, "the killed mpimis", first.log.String())
	for _, msg := range sim.Messages() {
		if strings.HasPrefix(msg.Text, mtPrefix) {
			t.Fatalf("the SMSC accepted %q before the kill: the test proves nothing", msg.Text)
		}
	}

	// While mpimis is down, the server bounces what is sent to it. The
	// server must have seen the connection close first: until then it
	// writes to the dead socket, and the message is lost without a bounce.
	must(t, p.WaitLog(ctx, gone, downBefore+1), "Prosody noticing the killed component")
	must(t, alice.Send(ctx, chat(bobJID, "while-down", "while down", true)), "send while down")
	if _, err := alice.Expect(ctx, isRefusalOf("while-down")); err != nil {
		t.Errorf("no error for a message sent while mpimis was down: %v", err)
	}

	sim.SetThrottle(0)
	second := startAppProc(t, p, sim, cfgPath)
	checkMTCopies(t, mtCopies(t, sim, mt.accepted), 0)
	awaitReceipts(t, alice, mt.accepted)
	checkServing(t, alice)
	checkNoPanic(t, "the restarted mpimis", second.log.String())
}

// TestIntegrationFaultKillMOStream: two phones text alice without pause
// when mpimis is killed with SIGKILL; the SMSC keeps delivering (and
// retrying what was not acknowledged) until a new process on the same
// store binds. Every MO acknowledged by either process reaches alice, and
// copies of one carry one id.
func TestIntegrationFaultKillMOStream(t *testing.T) {
	p, sim, cfgPath, first := startKillEnv(t)
	view := &mpimis{sim: sim}
	register(t, view, phoneBob, "bob")
	register(t, view, phoneCarol, "carol")
	alice := login(t, p, "alice")

	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	streams := []*moStream{newMOStream(sim, phoneBob, "kill-mo-b"), newMOStream(sim, phoneCarol, "kill-mo-c")}
	var stops []func() error
	for _, s := range streams {
		stops = append(stops, s.start(ctx))
	}
	for _, s := range streams {
		must(t, s.waitCount(ctx, 15), "MO before the kill")
	}
	first.kill9(t)
	checkNoPanic(t, "the killed mpimis", first.log.String())
	before := make([]int, len(streams))
	for i, s := range streams {
		before[i] = s.count()
	}
	second := startAppProc(t, p, sim, cfgPath)
	for i, s := range streams {
		must(t, s.waitCount(ctx, before[i]+15), "MO after the restart")
	}
	var accepted []string
	failed := 0
	for i, s := range streams {
		must(t, stops[i](), "MO stream %s", s.name)
		a, f, _ := s.result()
		accepted, failed = append(accepted, a...), failed+len(f)
	}
	if failed == 0 {
		t.Errorf("no MO attempt failed: the kill did not hit the stream")
	}
	in := moInbox{}
	must(t, in.collect(ctx, alice, accepted), "collect MO")
	dups := in.check(t, accepted)
	checkServing(t, alice)
	checkNoPanic(t, "the restarted mpimis", second.log.String())
	t.Logf("MO: %d accepted, %d attempts failed, %d duplicates at alice", len(accepted), failed, dups)
}
