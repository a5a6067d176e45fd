package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "mpimis.toml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const goodConfig = `
[xmpp]
secret = "s"
rooms_domain = "rooms.example.org"
[smpp]
password = "p"
`

// TestRoomVectors runs `mpimis room` over the shared test vectors of the
// room algorithm (ident/testdata/roomkeys.json, also used by the widget).
func TestRoomVectors(t *testing.T) {
	raw, err := os.ReadFile("../../ident/testdata/roomkeys.json")
	if err != nil {
		t.Fatal(err)
	}
	var vec struct {
		Valid []struct {
			URL, Normalized, Room string
		}
		Invalid []struct {
			URL, Error string
		}
	}
	if err := json.Unmarshal(raw, &vec); err != nil {
		t.Fatal(err)
	}
	if len(vec.Valid) < 20 || len(vec.Invalid) < 5 {
		t.Fatalf("vectors file too small: %d valid, %d invalid", len(vec.Valid), len(vec.Invalid))
	}
	cfg := writeFile(t, goodConfig)
	for i, v := range vec.Valid {
		var out, errb bytes.Buffer
		if code := run(context.Background(), []string{"room", "-config", cfg, v.URL}, &out, &errb); code != 0 {
			t.Errorf("valid %d (%q): exit %d: %s", i, v.URL, code, errb.String())
			continue
		}
		if got, want := out.String(), v.Room+"@rooms.example.org\n"; got != want {
			t.Errorf("valid %d (%q): printed %q, want %q", i, v.URL, got, want)
		}
	}
	for i, v := range vec.Invalid {
		var out, errb bytes.Buffer
		if code := run(context.Background(), []string{"room", "-config", cfg, v.URL}, &out, &errb); code == 0 {
			t.Errorf("invalid %d (%q): accepted, printed %q", i, v.URL, out.String())
		} else if errb.Len() == 0 {
			t.Errorf("invalid %d (%q): refused without a message", i, v.URL)
		}
	}
}

func TestCommands(t *testing.T) {
	good := writeFile(t, goodConfig)
	noRooms := writeFile(t, "[xmpp]\nsecret = \"s\"\nrooms_domain = \"\"\n[smpp]\npassword = \"p\"\n")
	bad := writeFile(t, "[xmpp]\nserver = \"nope\"\n[smpp]\npassword = \"p\"\n")
	cases := []struct {
		name     string
		args     []string
		code     int
		out, err string // substrings expected on stdout / stderr
	}{
		{"no command", nil, 2, "", "usage"},
		{"unknown command", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"version", []string{"version"}, 0, "mpimis ", ""},
		{"check ok", []string{"check", "-config", good}, 0, "OK", ""},
		{"check bad names keys", []string{"check", "-config", bad}, 1, "", "xmpp.server"},
		{"check bad lists every problem", []string{"check", "-config", bad}, 1, "", "xmpp.secret"},
		{"check missing file", []string{"check", "-config", "/nonexistent/mpimis.toml"}, 1, "", "/nonexistent/mpimis.toml"},
		{"room without url", []string{"room", "-config", good}, 2, "", "usage"},
		{"room with rooms disabled", []string{"room", "-config", noRooms, "https://example.org/"}, 1, "", "rooms_domain"},
		{"room non-http", []string{"room", "-config", good, "mailto:a@b"}, 1, "", "scheme"},
		{"run with bad config", []string{"run", "-config", bad}, 1, "", "xmpp.server"},
		{"bad flag", []string{"check", "-nope"}, 2, "", "flag provided but not defined"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), c.args, &out, &errb)
			if code != c.code {
				t.Errorf("case %d: exit %d, want %d (stderr %q)", i, code, c.code, errb.String())
			}
			if !strings.Contains(out.String(), c.out) {
				t.Errorf("case %d: stdout %q lacks %q", i, out.String(), c.out)
			}
			if !strings.Contains(errb.String(), c.err) {
				t.Errorf("case %d: stderr %q lacks %q", i, errb.String(), c.err)
			}
		})
	}
}
