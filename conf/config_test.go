package conf

import (
	"bytes"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

const examplePath = "mpimis.example.toml"

func TestDefaultsValidateWithSecrets(t *testing.T) {
	if err := validConfig().Validate(); err != nil {
		t.Fatalf("defaults with secrets: %v", err)
	}
	err := Defaults().Validate()
	got := errorKeys(t, err)
	want := []string{"xmpp.secret", "smpp.password"}
	if !slices.Equal(got, want) {
		t.Fatalf("defaults without secrets: keys %q, want %q (error %v)", got, want, err)
	}
}

func TestDefaultsAreFresh(t *testing.T) {
	a, b := Defaults(), Defaults()
	a.XMPP.Admins = append(a.XMPP.Admins, "x@y")
	a.Gateway.AllowedDomains = append(a.Gateway.AllowedDomains, "y")
	if len(b.XMPP.Admins) != 0 || len(b.Gateway.AllowedDomains) != 0 {
		t.Fatal("Defaults shares slices between calls")
	}
}

func TestExampleLoads(t *testing.T) {
	t.Setenv(EnvXMPPSecret, "")
	t.Setenv(EnvSMPPPassword, "")
	c, err := Load(examplePath)
	if err != nil {
		t.Fatalf("Load(%s): %v", examplePath, err)
	}
	// Apart from the placeholder secrets, the example holds the defaults.
	if c.XMPP.Secret == "" || c.SMPP.Password == "" {
		t.Fatalf("example secrets empty: %+v", c.Redacted())
	}
	c.XMPP.Secret, c.SMPP.Password = "", ""
	if d := Defaults(); !reflect.DeepEqual(c, d) {
		t.Fatalf("example values differ from Defaults():\nexample  %+v\ndefaults %+v", c, d)
	}
}

func TestExampleHasEveryKey(t *testing.T) {
	data, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	md, err := toml.Decode(string(data), &raw)
	if err != nil {
		t.Fatal(err)
	}
	inFile := map[string]bool{}
	for _, k := range md.Keys() {
		inFile[k.String()] = true
	}
	want := leafKeys(reflect.TypeFor[Config](), "")
	for _, k := range []string{"xmpp.admins", "smpp.window", "gateway.sticky_window", "log.format"} {
		if !slices.Contains(want, k) {
			t.Fatalf("key %s not reflected from Config: %q", k, want)
		}
	}
	for i, k := range want {
		if !inFile[k] {
			t.Errorf("%d: key %s is missing from %s", i, k, examplePath)
		}
	}
	// The reverse (no key in the example that Config lacks) is checked by
	// TestExampleLoads, as unknown keys fail Load.
}

func TestExampleCommentsEveryKey(t *testing.T) {
	data, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	for i, line := range lines {
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "[") {
			continue
		}
		// Every key line follows a comment or another key of its group.
		prev := lines[i-1]
		if !strings.HasPrefix(prev, "#") && !strings.Contains(prev, " = ") {
			t.Errorf("line %d %q has no comment above it", i+1, line)
		}
	}
}

func TestSchemaCoversAllFields(t *testing.T) {
	// checkValue must know every field type of Config: a value of the
	// right TOML type gives no error for each leaf of the defaults.
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(validConfig()); err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	md, err := toml.Decode(buf.String(), &raw)
	if err != nil {
		t.Fatal(err)
	}
	if errs := checkSchema("defaults", md, raw); len(errs) > 0 {
		t.Fatalf("schema check of the encoded defaults: %v", errs)
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	want := validConfig()
	want.XMPP.Admins = []string{"admin@example.org", "ops@example.org"}
	want.Gateway.AllowedDomains = []string{"example.org"}
	want.Gateway.StickyWindow.Duration = 90 * 60 * 1e9
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(want); err != nil {
		t.Fatal(err)
	}
	got, err := parse(buf.Bytes(), "encoded", noEnv)
	if err != nil {
		t.Fatalf("parse of encoded config: %v\n%s", err, buf.String())
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, want)
	}
	if !strings.Contains(buf.String(), `sticky_window = "1h30m"`) {
		t.Errorf("encoded durations are not in short form:\n%s", buf.String())
	}
}
