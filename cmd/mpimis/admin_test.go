package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mpimis/mpimis/store"
)

// Test numbers: possible German mobile numbers, never printed in full
// unless -show-numbers is given.
const (
	phoneBob   = "+4915112345678"
	phoneCarol = "+4915187654321"
	phoneDave  = "+4917612340000"
)

// adminFixture is a store with three bindings (one suspended, one with a
// block and a buddy), queued messages and counters, and a config naming it.
type adminFixture struct {
	cfg, db string
}

func newAdminFixture(t *testing.T) adminFixture {
	t.Helper()
	dir := t.TempDir()
	db := filepath.Join(dir, "mpimis.db")
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
	}()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, b := range []store.Binding{
		{IMID: "45678901", Phone: phoneBob, Nick: "bob"},
		{IMID: "56789012", Phone: phoneCarol, State: store.StateOptOut},
		{IMID: "67890123", Phone: phoneDave, Nick: "dave"},
	} {
		must(st.CreateBinding(ctx, &b))
	}
	must(st.Suspend(ctx, "67890123", time.Now()))
	_, err = st.Block(ctx, "45678901", "spam@example.org", time.Now())
	must(err)
	_, err = st.UpdateBuddy(ctx, "45678901", "alice@example.org", time.Now(), func(b *store.Buddy, _ bool) bool {
		b.Listed, b.From = true, true
		return true
	})
	must(err)
	_, err = st.EnqueueMT(ctx, &store.MT{Dest: phoneBob, Source: "alice@example.org", Text: "hi"})
	must(err)
	_, err = st.EnqueueMO(ctx, &store.MO{Source: phoneCarol, Dest: "12345", Payload: []byte("yo")})
	must(err)
	must(st.AddCounter(ctx, "relayed_xmpp_to_sms", 7))
	cfg := writeFile(t, fmt.Sprintf("[xmpp]\nsecret = \"s\"\ngateway_domain = \"sms.example.org\"\n[smpp]\npassword = \"p\"\n[store]\npath = %q\n", db))
	return adminFixture{cfg: cfg, db: db}
}

// noNumbers fails if any test number appears in full in s.
func noNumbers(t *testing.T, what, s string) {
	t.Helper()
	for _, p := range []string{phoneBob, phoneCarol, phoneDave} {
		if strings.Contains(s, p) || strings.Contains(s, p[1:]) {
			t.Errorf("%s shows a phone number in full:\n%s", what, s)
		}
	}
}

func TestBindingsCommands(t *testing.T) {
	f := newAdminFixture(t)
	cases := []struct {
		name        string
		args        []string
		code        int
		out, errOut []string // substrings expected on stdout / stderr
		notOut      []string
		showNumbers bool // full numbers allowed in the output
	}{
		{name: "list", args: []string{"bindings", "list", "-config", f.cfg}, code: 0,
			out: []string{"IMID", "45678901  bob", "+49*********78", "56789012", "optout", "+49*********21", "67890123  dave"}},
		{name: "list page", args: []string{"bindings", "list", "-config", f.cfg, "-limit", "2"}, code: 0,
			out: []string{"45678901", "56789012"}, notOut: []string{"67890123"}, errOut: []string{"-after 56789012 -limit 2"}},
		{name: "list after", args: []string{"bindings", "list", "-config", f.cfg, "-after", "56789012"}, code: 0,
			out: []string{"67890123"}, notOut: []string{"45678901", "56789012"}},
		{name: "list numbers", args: []string{"bindings", "list", "-show-numbers", "-config", f.cfg}, code: 0,
			out: []string{phoneBob, phoneCarol, phoneDave}, showNumbers: true},
		{name: "find imid", args: []string{"bindings", "find", "-config", f.cfg, "45678901"}, code: 0,
			out: []string{"45678901@sms.example.org", "bob", "active", "+49*********78", "1 listed, 1 subscribed", "blocks   1"}},
		{name: "find flags after", args: []string{"bindings", "find", "@dave", "-config", f.cfg}, code: 0,
			out: []string{"67890123", "active (suspended)"}},
		{name: "find nick without @", args: []string{"bindings", "find", "-config", f.cfg, "BOB"}, code: 0,
			out: []string{"45678901"}},
		{name: "find jid", args: []string{"bindings", "find", "-config", f.cfg, "56789012@SMS.example.org/res"}, code: 0,
			out: []string{"56789012", "optout"}},
		{name: "find number masked", args: []string{"bindings", "find", "-config", f.cfg, "+49 151 87654321"}, code: 0,
			out: []string{"56789012", "+49*********21"}},
		{name: "find number shown", args: []string{"bindings", "find", "-config", f.cfg, "-show-numbers", "004915187654321"}, code: 0,
			out: []string{"56789012", phoneCarol}, showNumbers: true},
		{name: "find unknown number masked", args: []string{"bindings", "find", "-config", f.cfg, "+4915199999988"}, code: 1,
			errOut: []string{"no live binding for +49*********88"}},
		{name: "find unknown imid", args: []string{"bindings", "find", "-config", f.cfg, "99999999"}, code: 1,
			errOut: []string{"no live binding for 99999999"}},
		{name: "find national number", args: []string{"bindings", "find", "-config", f.cfg, "015112345678"}, code: 2,
			errOut: []string{"not an imid", "country code"}},
		{name: "find other domain", args: []string{"bindings", "find", "-config", f.cfg, "45678901@example.org"}, code: 2,
			errOut: []string{"not the gateway domain sms.example.org"}},
		{name: "find json", args: []string{"bindings", "find", "-json", "-config", f.cfg, "45678901"}, code: 0,
			out: []string{`"imid": "45678901"`, `"phone": "+49*********78"`, `"blocks": 1`}},
		{name: "find without argument", args: []string{"bindings", "find", "-config", f.cfg}, code: 2,
			errOut: []string{"usage: mpimis bindings find"}},
		{name: "unbind by nick refused", args: []string{"bindings", "unbind", "-config", f.cfg, "@bob"}, code: 2,
			errOut: []string{"unbind takes an imid"}},
		{name: "unbind unknown", args: []string{"bindings", "unbind", "-config", f.cfg, "99999999"}, code: 1,
			errOut: []string{"no live binding for 99999999"}},
		{name: "usage lists the operator commands", args: []string{"help"}, code: 0,
			out: []string{"doctor -config FILE", "bindings list -config FILE", "bindings find", "bindings unbind", "stats -config FILE"}},
		{name: "bindings help", args: []string{"bindings", "help"}, code: 0, out: []string{"-show-numbers"}},
		{name: "no subcommand", args: []string{"bindings"}, code: 2, errOut: []string{"usage: mpimis bindings"}},
		{name: "unknown subcommand", args: []string{"bindings", "purge"}, code: 2, errOut: []string{`unknown bindings command "purge"`}},
		{name: "missing store", args: []string{"bindings", "list", "-config", writeFile(t, "[xmpp]\nsecret = \"s\"\n[smpp]\npassword = \"p\"\n[store]\npath = \"/nonexistent/x.db\"\n")},
			code: 1, errOut: []string{"no store at /nonexistent/x.db"}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), c.args, &out, &errb)
			if code != c.code {
				t.Errorf("case %d: exit %d, want %d\nstdout: %s\nstderr: %s", i, code, c.code, out.String(), errb.String())
			}
			for _, w := range c.out {
				if !strings.Contains(out.String(), w) {
					t.Errorf("case %d: stdout lacks %q:\n%s", i, w, out.String())
				}
			}
			for _, w := range c.notOut {
				if strings.Contains(out.String(), w) {
					t.Errorf("case %d: stdout has %q:\n%s", i, w, out.String())
				}
			}
			for _, w := range c.errOut {
				if !strings.Contains(errb.String(), w) {
					t.Errorf("case %d: stderr lacks %q:\n%s", i, w, errb.String())
				}
			}
			if !c.showNumbers {
				noNumbers(t, fmt.Sprintf("case %d stdout", i), out.String())
			}
			noNumbers(t, fmt.Sprintf("case %d stderr", i), errb.String())
		})
	}
}

// TestBindingsUnbind retires a binding through the CLI: it disappears from
// lookups, loses its number, nick, blocks and buddies, keeps its imid
// reserved, and is counted as an unregistration.
func TestBindingsUnbind(t *testing.T) {
	f := newAdminFixture(t)
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"bindings", "unbind", "-config", f.cfg, "45678901@sms.example.org"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "retired 45678901@sms.example.org") {
		t.Errorf("stdout %q", out.String())
	}
	if code := run(context.Background(), []string{"bindings", "unbind", "-config", f.cfg, "45678901"}, &out, &errb); code != 1 {
		t.Errorf("second unbind: exit %d, want 1", code)
	}

	ctx := context.Background()
	st, err := store.Open(ctx, f.db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.GetBindingByIMID(ctx, "45678901"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("binding still live: %v", err)
	}
	if _, err := st.GetBindingByPhone(ctx, phoneBob); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("number still bound: %v", err)
	}
	if _, err := st.GetBindingByNick(ctx, "bob"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("nick still taken: %v", err)
	}
	if ok, err := st.IMIDExists(ctx, "45678901"); err != nil || !ok {
		t.Errorf("imid no longer reserved: %v %v", ok, err)
	}
	if n, err := st.CountBlocks(ctx, "45678901"); err != nil || n != 0 {
		t.Errorf("blocks left: %d %v", n, err)
	}
	counters, err := st.RelayCounters(ctx)
	if err != nil || counters[unregistrationsCounter] != 1 {
		t.Errorf("unregistrations counter %d (%v), want 1", counters[unregistrationsCounter], err)
	}
	if _, err := st.GetBindingByIMID(ctx, "56789012"); err != nil {
		t.Errorf("another binding was touched: %v", err)
	}
}

func TestStatsCommand(t *testing.T) {
	f := newAdminFixture(t)
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"stats", "-config", f.cfg}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for i, w := range []string{
		"active 2  optout 1  suspended 1  retired 0",
		"queued 1  sending 0  sent 0  delivered 0  failed 0",
		"queued 1  processing 0  done 0",
		"(since ",
		"0 incomplete messages, 0 parts",
		"relayed_xmpp_to_sms",
	} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("case %d: stats lack %q:\n%s", i, w, out.String())
		}
	}
	noNumbers(t, "stats", out.String())

	out.Reset()
	if code := run(context.Background(), []string{"stats", "-json", "-config", f.cfg}, &out, &errb); code != 0 {
		t.Fatalf("json: exit %d: %s", code, errb.String())
	}
	var v statsView
	if err := json.Unmarshal(out.Bytes(), &v); err != nil {
		t.Fatalf("json: %v\n%s", err, out.String())
	}
	if v.Bindings["active"] != 2 || v.MT.States["queued"] != 1 || v.MO.States["queued"] != 1 ||
		v.MT.Oldest == nil || v.Counters["relayed_xmpp_to_sms"] != 7 {
		t.Errorf("json stats %+v", v)
	}
}

// TestStoreCommandsNeedNoSecrets: the store commands run with a config
// whose secrets live in the service's environment only.
func TestStoreCommandsNeedNoSecrets(t *testing.T) {
	f := newAdminFixture(t)
	t.Setenv("MPIMIS_XMPP_SECRET", "")
	t.Setenv("MPIMIS_SMPP_PASSWORD", "")
	cases := []struct {
		name string
		body string
		code int
		want string
	}{
		{"secrets missing", fmt.Sprintf("[store]\npath = %q\n", f.db), 0, "active 2"},
		{"another problem too", fmt.Sprintf("[xmpp]\nserver = \"nope\"\n[store]\npath = %q\n", f.db), 1, "xmpp.server"},
	}
	for i, c := range cases {
		var out, errb bytes.Buffer
		code := run(context.Background(), []string{"stats", "-config", writeFile(t, c.body)}, &out, &errb)
		if code != c.code || !strings.Contains(out.String()+errb.String(), c.want) {
			t.Errorf("case %d (%s): exit %d, output %q %q", i, c.name, code, out.String(), errb.String())
		}
	}
}

// TestStoreVersionGuard: the admin commands refuse a store at another
// schema version rather than migrating it under a running server.
func TestStoreVersionGuard(t *testing.T) {
	want, err := binarySchemaVersion(context.Background())
	if err != nil || want < 1 {
		t.Fatalf("binary schema version %d: %v", want, err)
	}
	cases := []struct {
		name    string
		version int
		msg     string
	}{
		{"older", want - 1, fmt.Sprintf("schema version %d and this binary expects %d", want-1, want)},
		{"newer", want + 1, fmt.Sprintf("schema version %d, newer than this binary (%d)", want+1, want)},
	}
	for i, c := range cases {
		f := newAdminFixture(t)
		setUserVersion(t, f.db, c.version)
		var out, errb bytes.Buffer
		if code := run(context.Background(), []string{"stats", "-config", f.cfg}, &out, &errb); code != 1 || !strings.Contains(errb.String(), c.msg) {
			t.Errorf("case %d (%s): exit %d, stderr %q, want %q", i, c.name, code, errb.String(), c.msg)
		}
		if got, err := readSchemaVersion(context.Background(), f.db); err != nil || got != c.version {
			t.Errorf("case %d (%s): the store was changed to version %d (%v)", i, c.name, got, err)
		}
	}
}

// setUserVersion overwrites PRAGMA user_version of the database at path.
func setUserVersion(t *testing.T, path string, v int) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(fmt.Sprintf("PRAGMA user_version = %d", v)); err != nil {
		t.Fatal(err)
	}
}
