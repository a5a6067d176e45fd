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
// bring up Prosody, the SMSC simulator and mpimis, verify a login can
// discover the gateway and a simulated phone gets an answer, then stop and
// remove everything it created.
func TestIntegrationSandbox(t *testing.T) {
	bin := buildMpimis(t)
	sb := filepath.Join(filepath.Dir(bin), "mpimis-sandbox")
	sim := filepath.Join(filepath.Dir(bin), "smsc-sim")
	for _, b := range [][2]string{{sb, "../cmd/mpimis-sandbox"}, {sim, "../cmd/smsc-sim"}} {
		if out, err := exec.Command("go", "build", "-o", b[0], b[1]).CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", b[1], err, out)
		}
	}
	out, err := exec.Command(sb, "-mpimis", bin, "-smsc-sim", sim, "-for", "1s").CombinedOutput()
	if err != nil {
		t.Fatalf("sandbox failed: %v\n%s", err, out)
	}
	s := string(out)
	for _, want := range []string{"sandbox ready", "SMS round trip", "/healthz", "alice@localhost", "sms.localhost", "/mo", "stopping sandbox"} {
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
