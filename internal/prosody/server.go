package prosody

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mpimis/mpimis/internal/loopback"
)

// Binary is the Prosody executable.
const Binary = "/usr/bin/prosody"

// Server is a running (or stopped) Prosody.
type Server struct {
	Opts Options
	cmd  *exec.Cmd
	done chan error
}

// Available reports whether Prosody is installed.
func Available() bool {
	_, err := os.Stat(Binary)
	return err == nil
}

// FreePort returns a currently unused loopback TCP port.
func FreePort() (int, error) { return loopback.FreePort() }

// New prepares a server in o.Dir (created if needed): configuration,
// certificate, users. It does not start it.
func New(o Options) (*Server, error) {
	o.setDefaults()
	if o.Dir == "" {
		return nil, errors.New("prosody: Options.Dir is required")
	}
	if err := loopback.FillPorts(&o.C2SPort, &o.ComponentPort, &o.HTTPPort); err != nil {
		return nil, fmt.Errorf("prosody: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(o.Dir, "data"), 0o700); err != nil {
		return nil, fmt.Errorf("prosody: %w", err)
	}
	if err := writeCert(o.Dir, []string{o.Host, o.GatewayDomain, o.RoomsDomain, o.GuestHost}); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(o.Dir, "prosody.cfg.lua"), []byte(configText(&o)), 0o600); err != nil {
		return nil, fmt.Errorf("prosody: %w", err)
	}
	s := &Server{Opts: o}
	for u, pw := range o.Users {
		if err := s.AddUser(u, pw); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// AddUser writes an account file; it works while Prosody runs.
func (s *Server) AddUser(user, password string) error {
	dir := filepath.Join(s.Opts.Dir, "data", encodePath(s.Opts.Host), "accounts")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("prosody: %w", err)
	}
	body := fmt.Sprintf("return {\n\t[\"password\"] = %s;\n};\n", luaString(password))
	if err := os.WriteFile(filepath.Join(dir, encodePath(user)+".dat"), []byte(body), 0o600); err != nil {
		return fmt.Errorf("prosody: %w", err)
	}
	return nil
}

// ConfigPath is the generated configuration file.
func (s *Server) ConfigPath() string { return filepath.Join(s.Opts.Dir, "prosody.cfg.lua") }

// LogPath is Prosody's log file.
func (s *Server) LogPath() string { return filepath.Join(s.Opts.Dir, "prosody.log") }

// C2SAddr and ComponentAddr are the listening addresses.
func (s *Server) C2SAddr() string { return "127.0.0.1:" + strconv.Itoa(s.Opts.C2SPort) }

// ComponentAddr is the XEP-0114 port address.
func (s *Server) ComponentAddr() string { return "127.0.0.1:" + strconv.Itoa(s.Opts.ComponentPort) }

// HTTPAddr is the HTTP (BOSH/WebSocket) address.
func (s *Server) HTTPAddr() string { return "127.0.0.1:" + strconv.Itoa(s.Opts.HTTPPort) }

// Start launches Prosody and waits until its ports accept connections.
func (s *Server) Start(ctx context.Context) error {
	if s.cmd != nil {
		return errors.New("prosody: already running")
	}
	cmd := exec.Command(Binary, "--config", s.ConfigPath(), "-F")
	cmd.Dir = s.Opts.Dir
	out, err := os.OpenFile(filepath.Join(s.Opts.Dir, "stdout.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("prosody: %w", err)
	}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		out.Close()
		return fmt.Errorf("prosody: start: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait(); out.Close() }()
	s.cmd, s.done = cmd, done
	for _, addr := range []string{s.C2SAddr(), s.ComponentAddr()} {
		if err := waitPort(ctx, addr, done); err != nil {
			_ = s.Stop()
			return fmt.Errorf("prosody: %w (log: %s)", err, s.tail())
		}
	}
	return nil
}

func waitPort(ctx context.Context, addr string, done <-chan error) error {
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case err := <-done:
			return fmt.Errorf("exited before listening on %s: %v", addr, err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("nothing listening on %s after 15s", addr)
		}
	}
}

// Stop terminates Prosody and waits for it to exit.
func (s *Server) Stop() error {
	if s.cmd == nil {
		return nil
	}
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
	var err error
	select {
	case err = <-s.done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		err = <-s.done
	}
	s.cmd, s.done = nil, nil
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return nil // killed by our signal
	}
	return err
}

// Restart stops and starts Prosody on the same ports.
func (s *Server) Restart(ctx context.Context) error {
	if err := s.Stop(); err != nil {
		return err
	}
	return s.Start(ctx)
}

// Log returns Prosody's whole log.
func (s *Server) Log() string {
	b, _ := os.ReadFile(s.LogPath())
	return string(b)
}

// WaitLog waits until Prosody's log contains substr, counting from
// occurrence n (0 for any); it returns the number of occurrences seen.
func (s *Server) WaitLog(ctx context.Context, substr string, atLeast int) error {
	for {
		if strings.Count(s.Log(), substr) >= atLeast {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("prosody: log never showed %q %d times: %w", substr, atLeast, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (s *Server) tail() string {
	f, err := os.Open(s.LogPath())
	if err != nil {
		b, _ := os.ReadFile(filepath.Join(s.Opts.Dir, "stdout.log"))
		return string(b)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > 20 {
			lines = lines[1:]
		}
	}
	return strings.Join(lines, "\n")
}

// writeCert writes a self-signed certificate and its key for the names.
func writeCert(dir string, names []string) error {
	c, k, err := loopback.SelfSigned(names...)
	if err != nil {
		return fmt.Errorf("prosody: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cert.pem"), c, 0o600); err != nil {
		return fmt.Errorf("prosody: %w", err)
	}
	return os.WriteFile(filepath.Join(dir, "key.pem"), k, 0o600)
}
