package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/mpimis/mpimis/internal/prosody"
	"github.com/mpimis/mpimis/internal/smscsim"
)

// kannelBinary is Debian's bearerbox; smsbox sits next to it.
const kannelBinary = "/usr/sbin/bearerbox"

// kannel is Debian's Kannel (bearerbox + smsbox) bound to its own
// simulator: MT goes in through HTTP sendsms, MO comes out to an HTTP sink.
type kannel struct {
	sim      *smscsim.Server
	sendsms  string
	http     *http.Client
	sinkAddr string
}

// kannelConfig renders a Kannel configuration: file store on, warnings
// only, one SMPP transceiver to the simulator, every MO to the sink.
func kannelConfig(dir string, admin, box, send int, simAddr, sink string) (string, error) {
	host, port, err := net.SplitHostPort(simAddr)
	if err != nil {
		return "", fmt.Errorf("bench: %w", err)
	}
	return fmt.Sprintf(`group = core
admin-port = %d
admin-password = bench
admin-allow-ip = "127.0.0.1"
smsbox-port = %d
box-allow-ip = "127.0.0.1"
log-file = "%s/bearerbox.log"
log-level = 2
store-type = file
store-location = "%s/kannel.store"
dlr-storage = internal

group = smsc
smsc = smpp
smsc-id = sim
host = %s
port = %s
transceiver-mode = true
smsc-username = kannel
smsc-password = %s
system-type = ""
max-pending-submits = 100
enquire-link-interval = 30

group = smsbox
bearerbox-host = 127.0.0.1
sendsms-port = %d
sendsms-interface = 127.0.0.1
log-file = "%s/smsbox.log"
log-level = 2

group = sendsms-user
username = bench
password = bench
max-messages = 1
concatenation = false

group = sms-service
keyword = default
catch-all = true
max-messages = 0
get-url = "http://%s/mo?text=%%a"
`, admin, box, dir, dir, host, port, smppPass, send, dir, sink), nil
}

// startKannel starts a simulator, the MO sink, bearerbox and smsbox, and
// waits until Kannel is bound and sendsms answers.
func (e *env) startKannel(ctx context.Context, o options, s *sink) (*kannel, error) {
	dir := filepath.Join(e.dir, "kannel")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	sim, err := smscsim.Start(smscsim.Config{SystemID: "kannel", Password: smppPass, DLRMode: o.dlr, MaxKept: -1})
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	e.stops = append(e.stops, func() { sim.Close() })
	fctx, cancel := context.WithCancel(context.Background())
	e.stops = append(e.stops, cancel)
	go followSubmits(fctx, sim, s)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.got(r.URL.Query().Get("text"), time.Now())
		w.WriteHeader(http.StatusOK)
	})}
	go func() { _ = srv.Serve(ln) }()
	e.stops = append(e.stops, func() { _ = srv.Close() })

	var admin, box, send int
	for _, p := range []*int{&admin, &box, &send} {
		if *p, err = prosody.FreePort(); err != nil {
			return nil, fmt.Errorf("bench: %w", err)
		}
	}
	text, err := kannelConfig(dir, admin, box, send, sim.Addr(), ln.Addr().String())
	if err != nil {
		return nil, err
	}
	cfg := filepath.Join(dir, "kannel.conf")
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	if err := e.spawn(dir, kannelBinary, cfg); err != nil {
		return nil, err
	}
	if err := sim.WaitBinds(ctx, 1); err != nil {
		return nil, fmt.Errorf("bench: kannel never bound: %w", err)
	}
	if err := e.spawn(dir, filepath.Join(filepath.Dir(kannelBinary), "smsbox"), cfg); err != nil {
		return nil, err
	}
	k := &kannel{sim: sim, sinkAddr: ln.Addr().String(), sendsms: "http://127.0.0.1:" + strconv.Itoa(send) + "/cgi-bin/sendsms",
		http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1024, MaxConnsPerHost: 1024}}}
	for {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(send), time.Second)
		if err == nil {
			c.Close()
			return k, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("bench: smsbox never listened: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// spawn starts a Kannel box in its own process group; stop kills it.
func (e *env) spawn(dir, bin, cfg string) error {
	cmd := exec.Command(bin, cfg)
	cmd.Dir = dir
	out, err := os.Create(filepath.Join(dir, filepath.Base(bin)+".out"))
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		out.Close()
		return fmt.Errorf("bench: start %s: %w", bin, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); out.Close(); close(done) }()
	e.stops = append(e.stops, func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	})
	return nil
}

// submit sends one MT through smsbox's HTTP sendsms.
func (k *kannel) submit(ctx context.Context, dest, text string) error {
	q := url.Values{"username": {"bench"}, "password": {"bench"}, "from": {"12345"}, "to": {dest}, "text": {text}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.sendsms+"?"+q.Encode(), nil)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	resp, err := k.http.Do(req)
	if err != nil {
		return fmt.Errorf("bench: sendsms: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted && resp.StatusCode != http.StatusOK {
		return fmt.Errorf("bench: sendsms answered %s", resp.Status)
	}
	return nil
}
