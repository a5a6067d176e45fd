package conf

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// secrets is a file fragment that sets both secrets.
const secrets = "[xmpp]\nsecret = \"s\"\n[smpp]\npassword = \"p\"\n"

func TestParseFileErrors(t *testing.T) {
	cases := []struct {
		name string
		data string
		kind error
		keys []string // keys named by the joined errors, in order
		want []string // fragments of the error text
	}{
		{
			name: "unknown key",
			data: secrets + "windw = 5\n",
			kind: ErrUnknownKey,
			keys: []string{"smpp.windw"},
			want: []string{"conf: test.toml: unknown key smpp.windw"},
		},
		{
			name: "all unknown keys",
			data: "x.y = 1\n[xmpp]\nsecrt = \"s\"\n[smpp]\npasword = \"p\"\n[logging]\nlevel = \"info\"\n",
			kind: ErrUnknownKey,
			keys: []string{"x", "xmpp.secrt", "smpp.pasword", "logging"},
			want: []string{"unknown key xmpp.secrt", "unknown key smpp.pasword", "unknown key logging\n", "unknown key x"},
		},
		{
			name: "unknown top level key",
			data: "verbose = true\n",
			kind: ErrUnknownKey,
			keys: []string{"verbose"},
			want: []string{"conf: test.toml: unknown key verbose"},
		},
		{
			name: "key below a leaf",
			data: "[xmpp.server]\nhost = \"x\"\n",
			kind: ErrType,
			keys: []string{"xmpp.server"},
			want: []string{"conf: test.toml: xmpp.server: must be a string, got table"},
		},
		{
			name: "string for integer",
			data: secrets + "window = \"ten\"\n",
			kind: ErrType,
			keys: []string{"smpp.window"},
			want: []string{"conf: test.toml: smpp.window: must be an integer, got string"},
		},
		{
			name: "all type errors",
			data: "[xmpp]\nserver = 5347\nadmins = [\"a@b\", 3, true]\nkeepalive = 30\n[smpp]\ndelivery_receipts = \"yes\"\ntps = 1.5\n[store]\npath = 1979-05-27\n[limits]\nsms_per_day = [1]\n",
			kind: ErrType,
			keys: []string{"xmpp.server", "xmpp.admins[1]", "xmpp.admins[2]", "xmpp.keepalive", "smpp.delivery_receipts", "smpp.tps", "store.path", "limits.sms_per_day"},
			want: []string{
				"xmpp.server: must be a string, got integer",
				"xmpp.admins[1]: must be a string, got integer",
				"xmpp.admins[2]: must be a string, got boolean",
				`xmpp.keepalive: must be a duration string such as "30s", got integer`,
				"smpp.delivery_receipts: must be true or false, got string",
				"smpp.tps: must be an integer, got float",
				"store.path: must be a string, got date/time",
				"limits.sms_per_day: must be an integer, got array",
			},
		},
		{
			name: "table is not a table",
			data: "xmpp = \"x\"\nlog = [1]\n",
			kind: ErrType,
			keys: []string{"xmpp", "log"},
			want: []string{"xmpp: must be a table, got string", "log: must be a table, got array"},
		},
		{
			name: "admins not an array",
			data: "[xmpp]\nadmins = \"admin@localhost\"\n",
			kind: ErrType,
			keys: []string{"xmpp.admins"},
			want: []string{"xmpp.admins: must be an array of strings, got string"},
		},
		{
			name: "array of tables",
			data: "[[xmpp.admins]]\njid = \"a@b\"\n",
			kind: ErrType,
			keys: []string{"xmpp.admins"},
			want: []string{"xmpp.admins: must be an array of strings, got array of tables"},
		},
		{
			name: "bad duration",
			data: secrets + "enquire_link = \"30\"\n",
			kind: ErrType,
			keys: []string{"smpp.enquire_link"},
			want: []string{`conf: test.toml: smpp.enquire_link: "30" is not a duration`},
		},
		{
			name: "duration as table",
			data: "[gateway.sticky_window]\nDuration = 5\n",
			kind: ErrType,
			keys: []string{"gateway.sticky_window"},
			want: []string{"gateway.sticky_window: must be a duration string"},
		},
		{
			name: "unknown and type errors together",
			data: "[smpp]\nwindow = \"x\"\nwindw = 1\n",
			kind: ErrType,
			keys: []string{"smpp.window", "smpp.windw"},
			want: []string{"smpp.window: must be an integer", "unknown key smpp.windw"},
		},
		{
			name: "syntax error has line",
			data: "[xmpp]\nserver = \"a:1\"\n\n\nsecret = \n",
			kind: ErrSyntax,
			keys: []string{"xmpp.secret"},
			want: []string{"conf: test.toml:5: "},
		},
		{
			name: "duplicate key has line",
			data: "[smpp]\nwindow = 1\ntps = 2\nwindow = 3\n",
			kind: ErrSyntax,
			keys: []string{"smpp.window"},
			want: []string{"conf: test.toml:4: ", "already been defined"},
		},
		{
			name: "control character quoted by the library",
			data: "[smpp]\nsource_npi=0b\n0\n",
			kind: ErrSyntax,
			want: []string{`conf: test.toml:2: not a binary number: '0b\n'`},
		},
		{
			name: "unterminated table header",
			data: "[xmpp\n",
			kind: ErrSyntax,
			want: []string{"conf: test.toml:1: "},
		},
	}
	for i, tc := range cases {
		c, err := parse([]byte(tc.data), "test.toml", noEnv)
		if err == nil {
			t.Errorf("%d %s: no error, config %+v", i, tc.name, c.Redacted())
			continue
		}
		if c != nil {
			t.Errorf("%d %s: config returned with error", i, tc.name)
		}
		if !errors.Is(err, tc.kind) {
			t.Errorf("%d %s: error is not %v: %v", i, tc.name, tc.kind, err)
		}
		if keys := errorKeys(t, err); tc.keys != nil && !slices.Equal(keys, tc.keys) {
			t.Errorf("%d %s: keys %q, want %q; error:\n%v", i, tc.name, keys, tc.keys, err)
		}
		msg := err.Error() + "\n"
		for _, w := range tc.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%d %s: error does not contain %q:\n%s", i, tc.name, w, msg)
			}
		}
		for j, line := range strings.Split(err.Error(), "\n") {
			if !strings.HasPrefix(line, "conf: test.toml") {
				t.Errorf("%d %s: line %d %q lacks the prefix", i, tc.name, j, line)
			}
		}
	}
}

func TestParseSyntaxErrorPosition(t *testing.T) {
	cases := []struct {
		name string
		data string
		line int
	}{
		{"bare value", "[smpp]\ntps = 5\nwindow = ten\n", 3},
		{"missing bracket", "\n\n\n\n[smpp\n", 5},
		{"bad escape", "[store]\n\npath = \"a\\qb\"\n", 3},
		{"newline after bom", "\xef\xbb\xbf\n[xmpp\n", 2},
		{"newline in string", "[xmpp]\nsecret = \"abc\n", 2},
	}
	for i, tc := range cases {
		_, err := parse([]byte(tc.data), "f.toml", noEnv)
		var fe *FileError
		if !errors.As(err, &fe) {
			t.Errorf("%d %s: not a *FileError: %v", i, tc.name, err)
			continue
		}
		if fe.Line != tc.line || fe.File != "f.toml" || fe.Kind != ErrSyntax {
			t.Errorf("%d %s: got %+v, want line %d", i, tc.name, fe, tc.line)
		}
	}
}

func TestParseValues(t *testing.T) {
	data := `
[xmpp]
secret = "xs"
admins = ["admin@example.org"]
keepalive = "1m30s"
keepalive_timeout = "2500ms"
reconnect_max = "5m"
[smpp]
password = "pw"
window = 20
delivery_receipts = false
[gateway]
sticky_window = "0s"
allowed_domains = ["example.org", "example.net"]
[log]
format = "json"
`
	c, err := parse([]byte(data), "values.toml", noEnv)
	if err != nil {
		t.Fatal(err)
	}
	want := Defaults()
	want.XMPP.Secret = "xs"
	want.XMPP.Admins = []string{"admin@example.org"}
	want.XMPP.Keepalive.Duration = 90 * time.Second
	want.XMPP.KeepaliveTimeout.Duration = 2500 * time.Millisecond
	want.XMPP.ReconnectMax.Duration = 5 * time.Minute
	want.SMPP.Password = "pw"
	want.SMPP.Window = 20
	want.SMPP.DeliveryReceipts = false
	want.Gateway.StickyWindow.Duration = 0
	want.Gateway.AllowedDomains = []string{"example.org", "example.net"}
	want.Log.Format = "json"
	checks := []struct {
		name      string
		got, want any
	}{
		{"xmpp", c.XMPP, want.XMPP},
		{"smpp", c.SMPP, want.SMPP},
		{"gateway", c.Gateway, want.Gateway},
		{"log", c.Log, want.Log},
		{"untouched sections", []any{c.Store, c.HTTP, c.Limits, c.Rooms}, []any{want.Store, want.HTTP, want.Limits, want.Rooms}},
	}
	for i, ch := range checks {
		if !equal(ch.got, ch.want) {
			t.Errorf("%d %s: got %+v, want %+v", i, ch.name, ch.got, ch.want)
		}
	}
}

func TestParseValidates(t *testing.T) {
	_, err := parse([]byte(secrets+"window = 0\n[xmpp.x]\n"), "v.toml", noEnv)
	if !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("unknown table not reported before validation: %v", err)
	}
	_, err = parse([]byte(secrets+"window = 0\n"), "v.toml", noEnv)
	var ke *KeyError
	if !errors.As(err, &ke) || ke.Key != "smpp.window" {
		t.Fatalf("want a *KeyError for smpp.window, got %v", err)
	}
	if got, want := err.Error(), "conf: smpp.window: must be between 1 and 1000, got 0"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope", "mpimis.toml")
	c, err := Load(path)
	if err == nil || c != nil {
		t.Fatalf("Load of a missing file: %v, %v", c, err)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error does not wrap fs.ErrNotExist: %v", err)
	}
	if !strings.HasPrefix(err.Error(), "conf: ") || !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the path %q", err, path)
	}
}

func TestLoadUsesFileNameAndEnv(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mpimis.toml")
	if err := os.WriteFile(path, []byte("[smpp]\nwindw = 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if want := "conf: " + path + ": unknown key smpp.windw"; err == nil || err.Error() != want {
		t.Fatalf("got %v, want %q", err, want)
	}

	if err := os.WriteFile(path, []byte("[smpp]\nwindow = 7\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvXMPPSecret, "from-env-x")
	t.Setenv(EnvSMPPPassword, "envpw")
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.XMPP.Secret != "from-env-x" || c.SMPP.Password != "envpw" || c.SMPP.Window != 7 {
		t.Fatalf("env or file not applied: %+v", c.Redacted())
	}
}

func TestFileErrorsNeverShowSecrets(t *testing.T) {
	const secret = "hunter2xyz"
	cases := []struct {
		name string
		data string
	}{
		{"bare secret", "[xmpp]\nsecret = hunter2xyz\n"},
		{"bare password", "[smpp]\npassword = hunter2xyz\n"},
		{"secret in array", "[xmpp]\nsecret = [hunter2xyz]\n"},
		{"secret in inline table", "[xmpp]\nsecret = {a = hunter2xyz}\n"},
		{"secret as datetime", "[smpp]\npassword = 1979-05-27Thunter2xyz\n"},
		{"secret as number", "[smpp]\npassword = 0xhunter2xyz\n"},
		{"secret bad escape", "[xmpp]\nsecret = \"hunter2xyz\\q\"\n"},
		{"secret unterminated", "[xmpp]\nsecret = \"hunter2xyz\n"},
		{"secret integer", "[smpp]\npassword = 12345\n"},
		{"secret array of strings", "[xmpp]\nsecret = [\"hunter2xyz\"]\n"},
		{"secret misspelt key", "[xmpp]\nsecrte = \"hunter2xyz\"\n"},
		{"secret too long", "[xmpp]\nsecret = \"x\"\n[smpp]\npassword = \"hunter2xyz\"\n"},
		{"secret dotted", "smpp.password = hunter2xyz\n"},
		{"secret in inline section", "xmpp = {secret = hunter2xyz}\n"},
		{"secret quoted key", "\"xmpp\".\"secret\" = hunter2xyz\n"},
	}
	for i, tc := range cases {
		_, err := parse([]byte(tc.data), "s.toml", noEnv)
		if err == nil {
			t.Errorf("%d %s: no error", i, tc.name)
			continue
		}
		for _, frag := range []string{secret, "hunter", "12345"} {
			if strings.Contains(err.Error(), frag) {
				t.Errorf("%d %s: error shows the secret: %v", i, tc.name, err)
			}
		}
	}
}
