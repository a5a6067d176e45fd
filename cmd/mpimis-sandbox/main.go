// Command mpimis-sandbox runs a complete local mpimis installation on
// loopback for trying it out: a real Prosody from a generated
// configuration, the SMSC simulator (smsc-sim) standing in for the
// carrier, and the mpimis binary attached to both with its SQLite store.
// It prints how to log in with an XMPP client and how to text mpimis as a
// phone, verifies the setup itself (a test user discovers the gateway, a
// simulated phone gets an answer to HELP), and on Ctrl-C (or after -for)
// stops everything it started and removes its files unless -keep.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/conf"
	"github.com/mpimis/mpimis/internal/prosody"
	"github.com/mpimis/mpimis/internal/xmpptest"
)

var users = map[string]string{"alice": "alice", "bob": "bob", "admin": "admin"}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mpimis-sandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	bin := fs.String("mpimis", "bin/mpimis", "the mpimis binary to run")
	simBin := fs.String("smsc-sim", "bin/smsc-sim", "the SMSC simulator binary to run")
	dir := fs.String("dir", "", "working directory (default: a new temporary directory)")
	keep := fs.Bool("keep", false, "keep the working directory on exit")
	runFor := fs.Duration("for", 0, "stop after this long (0: until Ctrl-C)")
	webDir := fs.String("web", "web", "the web pages' directory (built by scripts/build-web.sh)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if *runFor > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *runFor)
		defer cancel()
	}
	if err := sandbox(ctx, *bin, *simBin, *dir, *webDir, *keep, stdout); err != nil {
		fmt.Fprintln(stderr, "mpimis-sandbox:", err)
		return 1
	}
	return 0
}

// port returns want if it is free on loopback, else a random free port.
func port(want int) int {
	if l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(want)); err == nil {
		l.Close()
		return want
	}
	p, err := prosody.FreePort()
	if err != nil {
		return want
	}
	return p
}

func sandbox(ctx context.Context, bin, simBin, dir, webDir string, keep bool, out io.Writer) (err error) {
	if !prosody.Available() {
		return fmt.Errorf("Prosody is not installed (%s); scripts/install-deps.sh installs it", prosody.Binary)
	}
	if _, err := os.Stat(bin); err != nil {
		return fmt.Errorf("mpimis binary: %w (build it with: go build -o bin/mpimis ./cmd/mpimis)", err)
	}
	if _, err := os.Stat(simBin); err != nil {
		return fmt.Errorf("smsc-sim binary: %w (build it with: go build -o bin/smsc-sim ./cmd/smsc-sim)", err)
	}
	if dir == "" {
		if dir, err = os.MkdirTemp("", "mpimis-sandbox-"); err != nil {
			return err
		}
	}
	if !keep {
		defer os.RemoveAll(dir)
	}
	secret := "sandbox-secret"
	p, err := prosody.New(prosody.Options{
		Dir:           filepath.Join(dir, "prosody"),
		RoomsDomain:   "rooms.localhost",
		Secret:        secret,
		Users:         users,
		C2SPort:       port(5222),
		ComponentPort: port(5347),
		HTTPPort:      port(5280),
		GuestHost:     guestHost,
	})
	if err != nil {
		return err
	}
	if err := p.Start(ctx); err != nil {
		return err
	}
	defer p.Stop()

	phoneDist := builtDir(webDir, "phone", "index.html")
	sim, err := startSim(ctx, simBin, dir, phoneDist)
	if err != nil {
		return err
	}
	defer sim.stop()

	cfg := conf.Defaults()
	cfg.SMPP.Addr = sim.smpp
	cfg.XMPP.Server = p.ComponentAddr()
	cfg.XMPP.Secret = secret
	cfg.XMPP.Admins = []string{"admin@localhost"}
	cfg.SMPP.Password = "secret"
	cfg.Store.Path = filepath.Join(dir, "mpimis.db")
	cfg.HTTP.Listen = fmt.Sprintf("127.0.0.1:%d", port(8088))
	cfgPath := filepath.Join(dir, "mpimis.toml")
	f, err := os.Create(cfgPath)
	if err != nil {
		return err
	}
	err = toml.NewEncoder(f).Encode(cfg)
	f.Close()
	if err != nil {
		return err
	}
	logf, err := os.Create(filepath.Join(dir, "mpimis.log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(bin, "run", "-config", cfgPath)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}()

	if err := verify(ctx, p, exited); err != nil {
		return fmt.Errorf("%w (logs: %s, %s)", err, logf.Name(), p.LogPath())
	}
	if err := sim.verify(ctx); err != nil {
		return fmt.Errorf("%w (logs: %s, %s)", err, logf.Name(), sim.logPath)
	}
	if err := waitHealthy(ctx, cfg.HTTP.Listen); err != nil {
		return fmt.Errorf("%w (log: %s)", err, logf.Name())
	}
	fmt.Fprintf(out, `mpimis sandbox is up (files in %s)

  XMPP server   %s (STARTTLS with a self-signed certificate; plain auth allowed)
  users         alice@localhost / alice, bob@localhost / bob, admin@localhost / admin
  SMS gateway   sms.localhost     (discover it from your client's service browser)
  page rooms    rooms.localhost
  SMSC (sim)    SMPP %s, control http://%s
  status page   http://%s/  (also /healthz, /metrics, /api/status)
  mpimis        %s run -config %s
  logs          %s, %s, %s

Log in with any XMPP client (Gajim, Dino, profanity) using the server and
port above. Text mpimis as a phone would, and read what it texts back:

  curl -d from=+4915112345678 -d 'text=REG bob' http://%s/mo
  curl http://%s/mt
  curl -N http://%s/events          # live stream of SMS sent to phones

Then write to the JID the reply names from your XMPP client.
`, dir, p.C2SAddr(), sim.smpp, sim.http, cfg.HTTP.Listen, bin, cfgPath, logf.Name(), p.LogPath(), sim.logPath, sim.http, sim.http, sim.http)
	if err := printPages(out, webDir, phoneDist, sim.http, "ws://"+p.HTTPAddr()+"/xmpp-websocket"); err != nil {
		return err
	}
	fmt.Fprint(out, `Ctrl-C stops everything.
sandbox ready: verified gateway disco through Prosody as alice@localhost, an SMS round trip and /healthz
`)

	select {
	case <-ctx.Done():
		fmt.Fprintln(out, "stopping sandbox")
		return nil
	case err := <-exited:
		return fmt.Errorf("mpimis exited unexpectedly: %v (log: %s)", err, logf.Name())
	}
}

// verify waits until alice can discover the gateway through Prosody.
func verify(ctx context.Context, p *prosody.Server, exited <-chan error) error {
	vctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	c, err := xmpptest.Dial(vctx, p.C2SAddr(), "alice", "localhost", users["alice"])
	if err != nil {
		return err
	}
	defer c.Close()
	for {
		res, err := c.IQ(vctx, xmpptest.NewIQ("get", "sms.localhost", component.NewElement(component.NSDiscoInfo, "query")))
		if err != nil {
			return fmt.Errorf("gateway discovery: %w", err)
		}
		q := res.Child(component.NSDiscoInfo, "query")
		if q != nil && q.Child(component.NSDiscoInfo, "identity") != nil {
			return nil
		}
		// Not yet attached: Prosody answers for the component itself.
		select {
		case err := <-exited:
			return fmt.Errorf("mpimis exited: %v", err)
		case <-vctx.Done():
			return errors.New("the gateway never answered service discovery")
		case <-time.After(100 * time.Millisecond):
		}
	}
}
