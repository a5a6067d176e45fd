package conf

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	example, err := os.ReadFile(examplePath)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		string(example),
		"",
		secrets,
		secrets + "window = 0\n",
		secrets + "windw = 5\n",
		"[xmpp]\nsecret = hunter2\n",
		"[xmpp]\nadmins = [\"a@b\", 3]\nkeepalive = 30\n",
		"[[xmpp.admins]]\nx = 1\n",
		"[xmpp.server]\nx = 1\n",
		"xmpp = 1\n[gateway.sticky_window]\nDuration = 1\n",
		"x.y.z = 1\n\"a.b\" = 2\n[\"q\\nr\"]\n",
		"\xef\xbb\xbf[xmpp\n",
		"[smpp]\ntps = 9223372036854775807\nwindow = -9223372036854775808\n",
		"[gateway]\nsticky_window = \"-9223372036854775807ns\"\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const secret, password = "fuzz-secret-value", "fuzzpw"
		env := fakeEnv(map[string]string{EnvXMPPSecret: secret, EnvSMPPPassword: password})
		c, err := parse(data, "fuzz.toml", env)
		if err != nil {
			if c != nil {
				t.Fatalf("config returned with error %v", err)
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "conf: ") {
					t.Fatalf("error line %q lacks the prefix", line)
				}
			}
			// The env secrets can only show up in a message by a leak,
			// unless the input itself holds them in some other key.
			leak := func(s string) bool {
				return strings.Contains(err.Error(), s) && !bytes.Contains(data, []byte(s))
			}
			if leak(secret) || leak(password) {
				t.Fatalf("error shows a secret: %v", err)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("parse succeeded but Validate fails: %v", err)
		}
		if c.XMPP.Secret != secret || c.SMPP.Password != password {
			t.Fatalf("env secrets not applied")
		}
		r := c.Redacted()
		if r.XMPP.Secret != redactedSecret || r.SMPP.Password != redactedSecret {
			t.Fatalf("Redacted keeps a secret")
		}
	})
}
