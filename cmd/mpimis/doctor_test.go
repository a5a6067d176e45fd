package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mpimis/mpimis/internal/smscsim"
	"github.com/mpimis/mpimis/store"
)

// freeAddr returns a loopback address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a := ln.Addr().String()
	ln.Close()
	return a
}

// TestDoctorLines runs doctor against unreachable peers and a real SMSC
// simulator; each line names its check and the exact problem.
func TestDoctorLines(t *testing.T) {
	sim, err := smscsim.Start(smscsim.Config{SystemID: "smsgw", Password: "right"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	xmppAddr, smscClosed := freeAddr(t), freeAddr(t)
	db := filepath.Join(t.TempDir(), "mpimis.db")
	config := func(smppAddr, password string) string {
		return writeFile(t, fmt.Sprintf("[xmpp]\nserver = %q\nsecret = \"xs\"\ngateway_domain = \"sms.example.org\"\nrooms_domain = \"rooms.example.org\"\n"+
			"[smpp]\naddr = %q\npassword = %q\n[store]\npath = %q\n", xmppAddr, smppAddr, password, db))
	}
	cases := []struct {
		name  string
		cfg   string
		lines []string // expected lines, each a prefix of the output line at the same index
		more  []string // substrings anywhere in the output
	}{
		{"invalid config", writeFile(t, "[xmpp]\nserver = \"nope\"\n[smpp]\npassword = \"p\"\n"),
			[]string{"FAIL  config: ", "", "", "skip  XMPP component port: needs a valid configuration", "skip  XMPP handshake:",
				"skip  SMPP bind:", "skip  store:", "1 check failed"},
			[]string{"xmpp.server", "xmpp.secret"}},
		{"nothing listens", config(smscClosed, "right"),
			[]string{"ok    config: ", "FAIL  XMPP component port: nothing listens on " + xmppAddr + ": is the XMPP server running",
				"skip  XMPP handshake sms.example.org: needs the component port", "skip  XMPP handshake rooms.example.org:",
				"FAIL  SMPP bind: nothing listens on " + smscClosed + ": is the SMSC reachable",
				"ok    store: " + db + " does not exist yet: mpimis run creates it", "2 checks failed"}, nil},
		{"bind refused", config(sim.Addr(), "wrong"),
			[]string{"ok    config: ", "FAIL  XMPP component port:", "skip", "skip",
				"FAIL  SMPP bind: the SMSC refused the bind: invalid password (ESME_RINVPASWD 0x0000000E)", "ok    store:", "2 checks failed"}, nil},
		{"bind accepted", config(sim.Addr(), "right"),
			[]string{"ok    config: ", "FAIL  XMPP component port:", "skip", "skip",
				`ok    SMPP bind: the SMSC at ` + sim.Addr() + ` accepted the bind of system_id "smsgw"`, "ok    store:", "1 check failed"}, nil},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), []string{"doctor", "-config", c.cfg, "-timeout", "2s"}, &out, &errb)
			if code != 1 {
				t.Errorf("case %d: exit %d, want 1", i, code)
			}
			lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			if len(lines) != len(c.lines) {
				t.Fatalf("case %d: %d lines, want %d:\n%s", i, len(lines), len(c.lines), out.String())
			}
			for j, want := range c.lines {
				if !strings.HasPrefix(lines[j], want) {
					t.Errorf("case %d line %d: %q, want prefix %q", i, j, lines[j], want)
				}
			}
			for _, w := range c.more {
				if !strings.Contains(out.String(), w) {
					t.Errorf("case %d: output lacks %q:\n%s", i, w, out.String())
				}
			}
			for _, secret := range []string{"xs", "right", "wrong"} {
				if strings.Contains(out.String(), `"`+secret+`"`) || strings.Contains(out.String(), " "+secret+" ") {
					t.Errorf("case %d: output shows secret %q:\n%s", i, secret, out.String())
				}
			}
		})
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("doctor created the store (%v)", err)
	}
}

func TestDoctorFlags(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"extra argument", []string{"doctor", "-config", "x.toml", "extra"}, "usage: mpimis doctor"},
		{"bad timeout", []string{"doctor", "-timeout", "0s"}, "usage: mpimis doctor"},
		{"unknown flag", []string{"doctor", "-nope"}, "flag provided but not defined"},
	}
	for i, c := range cases {
		var out, errb bytes.Buffer
		if code := run(context.Background(), c.args, &out, &errb); code != 2 || !strings.Contains(errb.String(), c.want) {
			t.Errorf("case %d (%s): exit %d, stderr %q", i, c.name, code, errb.String())
		}
	}
}

func TestCheckStore(t *testing.T) {
	ctx := context.Background()
	want, err := binarySchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	newStore := func(t *testing.T, version int) string {
		p := filepath.Join(t.TempDir(), "m.db")
		st, err := store.Open(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		if version != want {
			setUserVersion(t, p, version)
		}
		return p
	}
	cases := []struct {
		name   string
		path   func(t *testing.T) string
		status string
		detail string
	}{
		{"current", func(t *testing.T) string { return newStore(t, want) }, statusOK, fmt.Sprintf("opens, schema version %d (current)", want)},
		{"older", func(t *testing.T) string { return newStore(t, want-1) }, statusOK,
			fmt.Sprintf("schema version %d: this binary migrates it to %d at start (back it up first)", want-1, want)},
		{"newer", func(t *testing.T) string { return newStore(t, want+3) }, statusFail,
			fmt.Sprintf("schema version %d, newer than this binary's %d", want+3, want)},
		{"not yet created", func(t *testing.T) string { return filepath.Join(t.TempDir(), "new.db") }, statusOK, "does not exist yet"},
		{"no directory", func(t *testing.T) string { return filepath.Join(t.TempDir(), "gone", "new.db") }, statusFail,
			"nor does its directory"},
		{"not a database", func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "junk.db")
			if err := os.WriteFile(p, []byte(strings.Repeat("not sqlite ", 100)), 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}, statusFail, "cannot be read as an SQLite database"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := c.path(t)
			before, _ := os.ReadFile(p)
			status, detail := checkStore(ctx, p)
			if status != c.status || !strings.Contains(detail, c.detail) {
				t.Errorf("case %d: %s %q, want %s with %q", i, status, detail, c.status, c.detail)
			}
			after, _ := os.ReadFile(p)
			if !bytes.Equal(before, after) {
				t.Errorf("case %d: the check changed the file", i)
			}
			if entries, _ := os.ReadDir(filepath.Dir(p)); len(entries) > 1 {
				t.Errorf("case %d: the check left files behind: %v", i, entries)
			}
		})
	}
}

// TestDoctorTimeout: a component port that accepts but never speaks is
// reported within the timeout.
func TestDoctorTimeout(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	cfg := writeFile(t, fmt.Sprintf("[xmpp]\nserver = %q\nsecret = \"s\"\nrooms_domain = \"\"\n[smpp]\naddr = %q\npassword = \"p\"\n[store]\npath = %q\n",
		ln.Addr(), freeAddr(t), filepath.Join(t.TempDir(), "m.db")))
	var out, errb bytes.Buffer
	start := time.Now()
	run(context.Background(), []string{"doctor", "-config", cfg, "-timeout", "300ms"}, &out, &errb)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("doctor took %s", d)
	}
	if want := "FAIL  XMPP handshake sms.localhost: " + ln.Addr().String() + " did not finish the handshake for sms.localhost in time"; !strings.Contains(out.String(), want) {
		t.Errorf("output lacks %q:\n%s", want, out.String())
	}
}
