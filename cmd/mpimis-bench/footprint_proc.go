package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mpimis/mpimis/internal/loopback"
)

// buildMpimis builds cmd/mpimis of the module the bench runs in into dir
// and returns the binary's path.
func buildMpimis(ctx context.Context, dir string) (string, error) {
	gomod, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("bench: go env GOMOD: %w", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(gomod)))
	if root == "." || root == "" {
		return "", errors.New("bench: not inside the mpimis module: run from the tree or give -mpimis-bin")
	}
	bin := filepath.Join(dir, "mpimis")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/mpimis")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("bench: go build ./cmd/mpimis: %w\n%s", err, out)
	}
	return bin, nil
}

// fpConfig is what the mpimis configuration file of the bench varies.
type fpConfig struct {
	xmppAddr, smppAddr, httpAddr, store string
}

// configTOML renders an mpimis configuration: defaults except the peers'
// addresses, the secrets, the store and limits raised so the bench's
// traffic is not refused.
func (c fpConfig) configTOML() string {
	return fmt.Sprintf(`[xmpp]
server = %q
secret = %q
gateway_domain = %q
rooms_domain = %q
reconnect_max = "1s"

[smpp]
addr = %q
password = %q
tps = 10000
window = 100

[store]
path = %q

[http]
listen = %q

[limits]
sms_per_minute = 1000000
sms_per_day = 1000000

[log]
level = "warn"
`, c.xmppAddr, secret, gwDomain, roomDomain, c.smppAddr, smppPass, c.store, c.httpAddr)
}

// child is a running mpimis process.
type child struct {
	cmd     *exec.Cmd
	start   time.Time
	http    string // host:port of its HTTP side
	logPath string
	done    chan error
}

// writeConfig picks a free port for the HTTP side and writes the
// configuration to path.
func (c *fpConfig) write(path string) error {
	port, err := loopback.FreePort()
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	c.httpAddr = "127.0.0.1:" + strconv.Itoa(port)
	if err := os.WriteFile(path, []byte(c.configTOML()), 0o600); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	return nil
}

// startChild runs "bin run -config cfgPath" (written by fpConfig.write)
// with the garbage collector's trace on; it and everything else mpimis
// writes on standard error go to logPath.
func startChild(bin, cfgPath, logPath string, c fpConfig) (*child, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	cmd := exec.Command(bin, "run", "-config", cfgPath)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = append(os.Environ(), "GODEBUG=gctrace=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	ch := &child{cmd: cmd, http: c.httpAddr, logPath: logPath, done: make(chan error, 1)}
	ch.start = time.Now()
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("bench: start mpimis: %w", err)
	}
	go func() { ch.done <- cmd.Wait(); logf.Close() }()
	return ch, nil
}

// healthz is the part of /healthz the bench reads.
type healthz struct {
	Status string `json:"status"`
}

// waitReady polls /healthz every few milliseconds and returns the times
// from exec until the HTTP side first answered and until it answered 200
// ("ok": both XMPP links up and the SMPP session bound).
func (c *child) waitReady(ctx context.Context, limit time.Duration) (httpUp, ready time.Duration, err error) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	hc := &http.Client{Timeout: time.Second}
	url := "http://" + c.http + "/healthz"
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := hc.Do(req)
		at := time.Since(c.start)
		if err == nil {
			var h healthz
			_ = json.NewDecoder(resp.Body).Decode(&h)
			resp.Body.Close()
			if httpUp == 0 {
				httpUp = at
			}
			if resp.StatusCode == http.StatusOK && h.Status == "ok" {
				return httpUp, at, nil
			}
		}
		select {
		case err := <-c.done:
			c.done <- err
			return 0, 0, fmt.Errorf("bench: mpimis exited before it was ready (%v): %s", err, c.logTail())
		case <-ctx.Done():
			return 0, 0, fmt.Errorf("bench: mpimis not ready after %s: %s", limit, c.logTail())
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// mem reads the process's memory figures.
func (c *child) mem() (procMem, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	if err != nil {
		return procMem{}, fmt.Errorf("bench: %w", err)
	}
	defer f.Close()
	return parseProcStatus(f)
}

// gc returns the last garbage collection in the process's log.
func (c *child) gc() gcTrace {
	f, err := os.Open(c.logPath)
	if err != nil {
		return gcTrace{}
	}
	defer f.Close()
	return parseGCTrace(f)
}

// stop asks mpimis to shut down (SIGTERM) and waits; after 15 s it kills.
func (c *child) stop() error {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-c.done:
		c.done <- err
		return err
	case <-time.After(15 * time.Second):
		_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
		err := <-c.done
		c.done <- err
		return fmt.Errorf("bench: mpimis ignored SIGTERM for 15 s: %v", err)
	}
}

// logTail returns the last lines of the log that are not gctrace lines.
func (c *child) logTail() string {
	b, _ := os.ReadFile(c.logPath)
	var keep []string
	for _, l := range strings.Split(string(bytes.TrimSpace(b)), "\n") {
		if !gcLine.MatchString(l) {
			keep = append(keep, l)
		}
	}
	if len(keep) > 10 {
		keep = keep[len(keep)-10:]
	}
	return strings.Join(keep, "\n")
}

// countBindings runs "mpimis stats -json" on the store and returns the
// bindings by state.
func countBindings(ctx context.Context, bin, cfgPath string) (map[string]int, error) {
	out, err := exec.CommandContext(ctx, bin, "stats", "-json", "-config", cfgPath).Output()
	if err != nil {
		return nil, fmt.Errorf("bench: mpimis stats: %w", err)
	}
	var v struct {
		Bindings map[string]int `json:"bindings"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		return nil, fmt.Errorf("bench: mpimis stats: %w", err)
	}
	return v.Bindings, nil
}
