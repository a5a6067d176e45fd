package integration

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/mpimis/mpimis/ident"
)

var binDir string

// buildMpimis builds cmd/mpimis once per test binary.
func buildMpimis(t *testing.T) string {
	t.Helper()
	if binDir == "" {
		d, err := os.MkdirTemp("", "mpimis-bin-")
		must(t, err, "tempdir")
		out, err := exec.Command("go", "build", "-o", filepath.Join(d, "mpimis"), "../cmd/mpimis").CombinedOutput()
		if err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		binDir = d
	}
	return filepath.Join(binDir, "mpimis")
}

func writeConfig(t *testing.T, v any) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "mpimis.toml")
	var b bytes.Buffer
	must(t, toml.NewEncoder(&b).Encode(v), "encode config")
	must(t, os.WriteFile(path, b.Bytes(), 0o600), "write config")
	return path
}

// TestIntegrationRunAndSIGTERM runs the real binary against Prosody: both
// components authenticate, and SIGTERM closes both streams cleanly and
// exits 0.
func TestIntegrationRunAndSIGTERM(t *testing.T) {
	bin := buildMpimis(t)
	p := startProsody(t)
	cfg := testConfig(p, t.TempDir())
	cfg.Log.Format = "json"
	path := writeConfig(t, cfg)

	cmd := exec.Command(bin, "run", "-config", path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	must(t, cmd.Start(), "start mpimis")
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
		}
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	must(t, p.WaitLog(ctx, "External component successfully authenticated", 2), "both components authenticate")

	must(t, cmd.Process.Signal(syscall.SIGTERM), "SIGTERM")
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("mpimis exited with %v after SIGTERM\n%s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("mpimis did not exit within 10s of SIGTERM\n%s", stderr.String())
	}
	// Prosody saw each authenticated stream closed by the component (it
	// logs a component's own </stream:stream> as "(stream error)").
	for _, d := range []string{gwDomain, roomsDomain} {
		must(t, p.WaitLog(ctx, "component disconnected: "+d+" (stream error)", 1), "prosody logs the close of %s", d)
	}
	if !strings.Contains(stderr.String(), `"msg":"mpimis stopped"`) {
		t.Errorf("no clean-stop log line in JSON logs:\n%s", stderr.String())
	}
}

// TestIntegrationCheckCommand: check names the offending key and exits
// non-zero; a good config passes.
func TestIntegrationCheckCommand(t *testing.T) {
	bin := buildMpimis(t)
	good := map[string]any{
		"xmpp": map[string]any{"server": "127.0.0.1:5347", "secret": "s", "gateway_domain": "sms.example.org"},
		"smpp": map[string]any{"password": "p"},
	}
	cases := []struct {
		name    string
		cfg     map[string]any
		env     []string
		wantErr string // "" for success
	}{
		{"good", good, nil, ""},
		{"secret from env", map[string]any{"xmpp": map[string]any{"server": "127.0.0.1:5347"}, "smpp": map[string]any{"password": "p"}}, []string{"MPIMIS_XMPP_SECRET=s"}, ""},
		{"missing secret", map[string]any{"xmpp": map[string]any{"server": "127.0.0.1:5347"}, "smpp": map[string]any{"password": "p"}}, nil, "xmpp.secret"},
		{"bad server address", map[string]any{"xmpp": map[string]any{"server": "localhost", "secret": "s"}, "smpp": map[string]any{"password": "p"}}, nil, "xmpp.server"},
		{"unknown key", map[string]any{"xmpp": map[string]any{"secret": "s", "sever": "x"}, "smpp": map[string]any{"password": "p"}}, nil, "xmpp.sever"},
		{"bad window", map[string]any{"xmpp": map[string]any{"secret": "s"}, "smpp": map[string]any{"password": "p", "window": 0}}, nil, "smpp.window"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(bin, "check", "-config", writeConfig(t, c.cfg))
			cmd.Env = append(os.Environ(), c.env...)
			out, err := cmd.CombinedOutput()
			if c.wantErr == "" {
				if err != nil {
					t.Fatalf("case %d: check failed: %v\n%s", i, err, out)
				}
				return
			}
			if err == nil {
				t.Fatalf("case %d: check passed, want failure naming %s\n%s", i, c.wantErr, out)
			}
			if !strings.Contains(string(out), c.wantErr) {
				t.Fatalf("case %d: output does not name %s:\n%s", i, c.wantErr, out)
			}
		})
	}
}

// TestIntegrationRoomCommand: mpimis room prints the room JID computed by
// the design's algorithm.
func TestIntegrationRoomCommand(t *testing.T) {
	bin := buildMpimis(t)
	path := writeConfig(t, map[string]any{
		"xmpp": map[string]any{"secret": "s", "rooms_domain": "rooms.example.org"},
		"smpp": map[string]any{"password": "p"},
	})
	for i, u := range []string{"https://example.org/page", "HTTP://Example.ORG:80/a/../page?utm_source=x&b=1&a=2#top"} {
		out, err := exec.Command(bin, "room", "-config", path, u).Output()
		must(t, err, "case %d: room %s", i, u)
		key, _, err := ident.RoomKeyFor(u)
		must(t, err, "case %d", i)
		if got, want := strings.TrimSpace(string(out)), string(key)+"@rooms.example.org"; got != want {
			t.Errorf("case %d: room %s printed %q, want %q", i, u, got, want)
		}
	}
	if out, err := exec.Command(bin, "room", "-config", path, "ftp://example.org/").CombinedOutput(); err == nil || !strings.Contains(string(out), "scheme") {
		t.Errorf("ftp URL: err %v, output %q; want a failure naming the scheme", err, out)
	}
}
