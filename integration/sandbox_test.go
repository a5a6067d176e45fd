package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestIntegrationSandbox runs the sandbox command as a user would: it must
// bring up Prosody and mpimis, verify a login can discover the gateway,
// then stop and remove everything it created.
func TestIntegrationSandbox(t *testing.T) {
	bin := buildMpimis(t)
	sb := filepath.Join(filepath.Dir(bin), "mpimis-sandbox")
	if out, err := exec.Command("go", "build", "-o", sb, "../cmd/mpimis-sandbox").CombinedOutput(); err != nil {
		t.Fatalf("go build sandbox: %v\n%s", err, out)
	}
	out, err := exec.Command(sb, "-mpimis", bin, "-for", "1s").CombinedOutput()
	if err != nil {
		t.Fatalf("sandbox failed: %v\n%s", err, out)
	}
	s := string(out)
	for _, want := range []string{"sandbox ready", "alice@localhost", "sms.localhost", "stopping sandbox"} {
		if !strings.Contains(s, want) {
			t.Errorf("sandbox output lacks %q:\n%s", want, s)
		}
	}
	m := regexp.MustCompile(`files in (\S+)\)`).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no working directory printed:\n%s", s)
	}
	if _, err := os.Stat(m[1]); !os.IsNotExist(err) {
		t.Errorf("sandbox left %s behind (stat: %v)", m[1], err)
	}
}
