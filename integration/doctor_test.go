package integration

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/conf"
	"github.com/mpimis/mpimis/internal/prosody"
	"github.com/mpimis/mpimis/internal/smscsim"
)

// runDoctor runs the real binary's doctor on cfg and returns its exit code
// and standard output, one element per line.
func runDoctor(t *testing.T, bin string, cfg *conf.Config) (int, []string) {
	t.Helper()
	cmd := exec.Command(bin, "doctor", "-config", writeConfig(t, cfg), "-timeout", "5s")
	cmd.Env = append(os.Environ(), conf.EnvXMPPSecret+"=", conf.EnvSMPPPassword+"=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("doctor: %v\n%s", err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("doctor wrote to stderr: %s", stderr.String())
	}
	return code, strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
}

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err, "listen")
	a := ln.Addr().String()
	ln.Close()
	return a
}

// TestIntegrationDoctor runs `mpimis doctor` against a real XMPP server
// (Prosody and ejabberd) and the SMSC simulator: all good, then one fault
// at a time, each named in plain words on its check's line.
func TestIntegrationDoctor(t *testing.T) {
	bin := buildMpimis(t)
	eachServer(t, func(t *testing.T, srv xmppServer) {
		sim, err := smscsim.Start(smscsim.Config{SystemID: "smsgw", Password: "smpp-pw"})
		must(t, err, "start SMSC simulator")
		t.Cleanup(func() { sim.Close() })
		base := func() *conf.Config {
			cfg := testConfig(srv, t.TempDir())
			cfg.SMPP.Addr, cfg.SMPP.SystemID, cfg.SMPP.Password = sim.Addr(), "smsgw", "smpp-pw"
			return cfg
		}
		xmppClosed, smscClosed := closedAddr(t), closedAddr(t)
		cases := []struct {
			name  string
			tweak func(*conf.Config)
			code  int
			lines []string // prefix of each output line, in order
		}{
			{"all good", nil, 0, []string{
				"ok    config: ",
				"ok    XMPP component port: " + srv.ComponentAddr() + " accepts connections",
				"ok    XMPP handshake sms.localhost: the server accepted the secret for sms.localhost",
				"ok    XMPP handshake rooms.localhost: the server accepted the secret for rooms.localhost",
				`ok    SMPP bind: the SMSC at ` + sim.Addr() + ` accepted the bind of system_id "smsgw"`,
				"ok    store: ",
				"all checks passed",
			}},
			{"wrong secret", func(c *conf.Config) { c.XMPP.Secret = "not-the-secret" }, 1, []string{
				"ok    config: ",
				"ok    XMPP component port: ",
				"FAIL  XMPP handshake sms.localhost: the server refused the secret for sms.localhost (not-authorized): " +
					"component_secret in the server config and xmpp.secret differ",
				"FAIL  XMPP handshake rooms.localhost: the server refused the secret for rooms.localhost (not-authorized)",
				"ok    SMPP bind: ",
				"ok    store: ",
				"2 checks failed",
			}},
			{"unknown domain", func(c *conf.Config) { c.XMPP.GatewayDomain = "other.localhost" }, 1, []string{
				"ok    config: ",
				"ok    XMPP component port: ",
				unknownDomain(srv, "other.localhost"),
				"ok    XMPP handshake rooms.localhost: ",
				"ok    SMPP bind: ",
				"ok    store: ",
				"1 check failed",
			}},
			{"closed component port", func(c *conf.Config) { c.XMPP.Server = xmppClosed }, 1, []string{
				"ok    config: ",
				"FAIL  XMPP component port: nothing listens on " + xmppClosed + ": is the XMPP server running, and is its component port set there",
				"skip  XMPP handshake sms.localhost: needs the component port",
				"skip  XMPP handshake rooms.localhost: needs the component port",
				"ok    SMPP bind: ",
				"ok    store: ",
				"1 check failed",
			}},
			{"refused bind", func(c *conf.Config) { c.SMPP.Password = "wrongpw" }, 1, []string{
				"ok    config: ",
				"ok    XMPP component port: ",
				"ok    XMPP handshake sms.localhost: ",
				"ok    XMPP handshake rooms.localhost: ",
				"FAIL  SMPP bind: the SMSC refused the bind: invalid password (ESME_RINVPASWD 0x0000000E): smpp.password",
				"ok    store: ",
				"1 check failed",
			}},
			{"closed SMSC port", func(c *conf.Config) { c.SMPP.Addr = smscClosed }, 1, []string{
				"ok    config: ",
				"ok    XMPP component port: ",
				"ok    XMPP handshake sms.localhost: ",
				"ok    XMPP handshake rooms.localhost: ",
				"FAIL  SMPP bind: nothing listens on " + smscClosed + ": is the SMSC reachable",
				"ok    store: ",
				"1 check failed",
			}},
		}
		for i, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				cfg := base()
				if c.tweak != nil {
					c.tweak(cfg)
				}
				code, lines := runDoctor(t, bin, cfg)
				checkLines(t, i, code, lines, c.code, c.lines)
				for _, l := range lines {
					for _, s := range []string{cfg.XMPP.Secret, cfg.SMPP.Password} {
						if strings.Contains(l, s) {
							t.Errorf("case %d: line %q shows a secret", i, l)
						}
					}
				}
			})
		}
	})
}

// unknownDomain is the doctor line for a domain the server has no
// component for: Prosody says host-unknown; ejabberd cannot tell it from a
// wrong secret and says not-authorized, which the line explains.
func unknownDomain(srv xmppServer, domain string) string {
	if _, ok := srv.(*prosody.Server); ok {
		return "FAIL  XMPP handshake " + domain + ": the server at " + srv.ComponentAddr() + " has no Component section for " + domain
	}
	return "FAIL  XMPP handshake " + domain + ": the server refused the secret for " + domain + " (not-authorized): " +
		"component_secret in the server config and xmpp.secret differ (ejabberd also answers so when its ejabberd_service " +
		"listener has no hosts entry for " + domain + ")"
}

func checkLines(t *testing.T, i, code int, lines []string, wantCode int, want []string) {
	t.Helper()
	if code != wantCode {
		t.Errorf("case %d: exit %d, want %d", i, code, wantCode)
	}
	if len(lines) != len(want) {
		t.Fatalf("case %d: %d lines, want %d:\n%s", i, len(lines), len(want), strings.Join(lines, "\n"))
	}
	for j, w := range want {
		if !strings.HasPrefix(lines[j], w) {
			t.Errorf("case %d line %d:\n got %q\nwant %q...", i, j, lines[j], w)
		}
	}
}

// TestIntegrationDoctorWhileRunning runs doctor next to a running mpimis:
// Prosody refuses a second component for a domain (conflict, explained),
// ejabberd balances one domain over several connections and accepts it.
// Either way the running links stay up and the store is readable.
func TestIntegrationDoctorWhileRunning(t *testing.T) {
	bin := buildMpimis(t)
	eachServer(t, func(t *testing.T, srv xmppServer) {
		var running *conf.Config
		m := startMpimis(t, srv, func(c *conf.Config) { running = c })
		cfg := *running // the same store, domains, secrets and SMSC
		before := map[string]uint64{}
		for _, l := range m.Links() {
			before[l.Domain()] = l.Status().Connects
		}

		code, lines := runDoctor(t, bin, &cfg)
		handshake := []string{
			"FAIL  XMPP handshake sms.localhost: another component is already connected as sms.localhost (conflict): is mpimis already running?",
			"FAIL  XMPP handshake rooms.localhost: another component is already connected as rooms.localhost (conflict)",
		}
		wantCode, summary := 1, "2 checks failed"
		if _, isProsody := srv.(*prosody.Server); !isProsody {
			handshake = []string{"ok    XMPP handshake sms.localhost: ", "ok    XMPP handshake rooms.localhost: "}
			wantCode, summary = 0, "all checks passed"
		}
		checkLines(t, 0, code, lines, wantCode, []string{
			"ok    config: ",
			"ok    XMPP component port: ",
			handshake[0], handshake[1],
			"ok    SMPP bind: ",
			"ok    store: " + cfg.Store.Path + " opens, schema version ",
			summary,
		})

		// A wrong secret is still named as such while mpimis runs: the
		// server checks the secret before it looks for a conflict, so a
		// conflict line also means the secret was right.
		wrong := cfg
		wrong.XMPP.Secret = "not-the-secret"
		code, lines = runDoctor(t, bin, &wrong)
		checkLines(t, 1, code, lines, 1, []string{
			"ok    config: ",
			"ok    XMPP component port: ",
			"FAIL  XMPP handshake sms.localhost: the server refused the secret for sms.localhost (not-authorized)",
			"FAIL  XMPP handshake rooms.localhost: the server refused the secret for rooms.localhost (not-authorized)",
			"ok    SMPP bind: ",
			"ok    store: ",
			"2 checks failed",
		})

		// The running links were not disturbed: still up, not redialled,
		// and no change within a second after doctor ended.
		quiet, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		for _, l := range m.Links() {
			select {
			case <-l.Changed():
			case <-quiet.Done():
			}
			if st := l.Status(); st.State != component.StateUp || st.Connects != before[l.Domain()] {
				t.Errorf("link %s after doctor: %+v (connects before %d)", l.Domain(), st, before[l.Domain()])
			}
		}
	})
}

// runCLI runs the real binary with args and returns its exit code, stdout
// and stderr.
func runCLI(t *testing.T, bin string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return ee.ExitCode(), stdout.String(), stderr.String()
	case err != nil:
		t.Fatalf("%v: %v", args, err)
	}
	return 0, stdout.String(), stderr.String()
}

// TestIntegrationAdminWhileRunning runs the operator commands on the store
// of a running mpimis: they read it without disturbing the server, print
// the number masked, and an unbind takes effect for the server at once.
func TestIntegrationAdminWhileRunning(t *testing.T) {
	bin := buildMpimis(t)
	p := startProsody(t)
	var running *conf.Config
	m := startMpimis(t, p, func(c *conf.Config) { running = c })
	must(t, m.sim.WaitBinds(ctxT(t), 1), "SMPP bind")
	alice := login(t, p, "alice")
	textFromPhone(t, m, phoneBob, "REG bob")
	sub := jidRe.FindStringSubmatch(smsTo(t, m, phoneBob, contains("@"+gwDomain)))
	if sub == nil {
		t.Fatal("no JID in the registration reply")
	}
	imid, bobJID := sub[1], sub[0]
	cfg := writeConfig(t, running)
	masked := "+49*********01"

	cases := []struct {
		args []string
		out  []string
	}{
		{[]string{"bindings", "list", "-config", cfg}, []string{imid, "bob", "active", masked}},
		{[]string{"bindings", "find", "-config", cfg, phoneBob}, []string{bobJID, "bob", masked}},
		{[]string{"bindings", "find", "-config", cfg, "@bob"}, []string{bobJID}},
		{[]string{"stats", "-config", cfg}, []string{"active 1", "registrations"}},
		{[]string{"bindings", "unbind", "-config", cfg, imid}, []string{"retired " + bobJID}},
		{[]string{"stats", "-config", cfg}, []string{"active 0", "retired 1", "unregistrations"}},
	}
	for i, c := range cases {
		code, out, errOut := runCLI(t, bin, c.args...)
		if code != 0 {
			t.Fatalf("case %d %v: exit %d\n%s%s", i, c.args, code, out, errOut)
		}
		for _, w := range c.out {
			if !strings.Contains(out, w) {
				t.Errorf("case %d %v: output lacks %q:\n%s", i, c.args, w, out)
			}
		}
		if strings.Contains(out+errOut, strings.TrimPrefix(phoneBob, "+")) {
			t.Errorf("case %d %v: the number is shown in full:\n%s%s", i, c.args, out, errOut)
		}
		if strings.Contains(errOut, "closing the store") {
			t.Errorf("case %d %v: %s", i, c.args, errOut)
		}
	}

	// The running server sees the retirement at once.
	must(t, alice.Send(ctxT(t), chat(bobJID, "after-unbind", "still there?", false)), "send")
	e, err := alice.Expect(ctxT(t), func(e *component.Element) bool {
		return e.Get("id") == "after-unbind" && e.Get("type") == "error"
	})
	must(t, err, "error for the retired identity")
	if se := component.ParseStanzaError(e); se == nil || se.Condition != component.CondItemNotFound {
		t.Errorf("message to the retired identity answered %s", e)
	}
	for _, l := range m.Links() {
		if l.Status().State != component.StateUp {
			t.Errorf("link %s went down: %+v", l.Domain(), l.Status())
		}
	}
}
