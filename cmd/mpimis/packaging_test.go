package main

import (
	"bufio"
	"bytes"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mpimis/mpimis/conf"
)

const (
	unitPath       = "../../contrib/systemd/mpimis.service"
	sysusersPath   = "../../contrib/systemd/mpimis.sysusers"
	envExamplePath = "../../contrib/systemd/mpimis.env.example"
	dockerfilePath = "../../contrib/Dockerfile"
)

// unitFile is a parsed systemd unit: section -> key -> values in order
// (a key may repeat).
type unitFile map[string]map[string][]string

// parseUnit reads the ini syntax of systemd units: [Section] headers,
// Key=Value lines, '#' and ';' comments, blank lines. Continuation lines
// are not used by our unit and are refused, as is anything else.
func parseUnit(data []byte) (unitFile, error) {
	u := unitFile{}
	section := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
			continue
		case strings.HasSuffix(line, `\`):
			return nil, &unitError{n, "continuation lines are not supported"}
		case line[0] == '[' && line[len(line)-1] == ']':
			section = line[1 : len(line)-1]
			if section == "" {
				return nil, &unitError{n, "empty section name"}
			}
			if u[section] == nil {
				u[section] = map[string][]string{}
			}
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		key = strings.TrimSpace(key)
		if !ok || key == "" || section == "" {
			return nil, &unitError{n, "not Key=Value inside a section"}
		}
		u[section][key] = append(u[section][key], strings.TrimSpace(value))
	}
	return u, sc.Err()
}

type unitError struct {
	line int
	msg  string
}

func (e *unitError) Error() string { return "line " + strconv.Itoa(e.line) + ": " + e.msg }

// TestSystemdUnit checks the hardening and wiring keys of the unit.
func TestSystemdUnit(t *testing.T) {
	raw, err := os.ReadFile(unitPath)
	if err != nil {
		t.Fatal(err)
	}
	u, err := parseUnit(raw)
	if err != nil {
		t.Fatalf("%s: %v", unitPath, err)
	}
	svc := u["Service"]
	last := func(key string) string {
		v := svc[key]
		if len(v) == 0 {
			return "(unset)"
		}
		return v[len(v)-1]
	}
	cases := []struct {
		key, want string
	}{
		{"User", "mpimis"},
		{"ProtectSystem", "strict"},
		{"ProtectHome", "yes"},
		{"PrivateTmp", "yes"},
		{"NoNewPrivileges", "yes"},
		{"StateDirectory", "mpimis"},
		{"WorkingDirectory", "/var/lib/mpimis"},
		{"CapabilityBoundingSet", ""},
		{"AmbientCapabilities", ""},
		{"RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX"},
		{"SystemCallFilter", "@system-service"},
		{"EnvironmentFile", "/etc/mpimis/secrets.env"},
		{"Restart", "on-failure"},
		{"KillSignal", "SIGTERM"},
		{"ExecStart", "/usr/local/bin/mpimis run -config /etc/mpimis/mpimis.toml"},
		{"ExecStartPre", "/usr/local/bin/mpimis check -config /etc/mpimis/mpimis.toml"},
	}
	for i, c := range cases {
		if got := last(c.key); got != c.want {
			t.Errorf("case %d: [Service] %s = %q, want %q", i, c.key, got, c.want)
		}
	}
	if got := u["Install"]["WantedBy"]; len(got) != 1 || got[0] != "multi-user.target" {
		t.Errorf("[Install] WantedBy = %q", got)
	}
	if !strings.Contains(strings.Join(u["Unit"]["After"], " "), "network-online.target") {
		t.Errorf("[Unit] After = %q lacks network-online.target", u["Unit"]["After"])
	}
	// The commands the unit runs exist in this binary's usage.
	for _, key := range []string{"ExecStart", "ExecStartPre"} {
		f := strings.Fields(last(key))
		if len(f) < 2 || !strings.Contains(usage, "\n  "+f[1]+" -config FILE") {
			t.Errorf("%s runs %q, not a command of this binary", key, last(key))
		}
	}

	// The sysusers entry creates the unit's user; the environment file
	// example sets exactly the two secrets conf reads.
	su, err := os.ReadFile(sysusersPath)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^u mpimis - `).Match(su) {
		t.Errorf("%s does not create user mpimis:\n%s", sysusersPath, su)
	}
	env, err := os.ReadFile(envExamplePath)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range regexp.MustCompile(`(?m)^([A-Z_]+)=`).FindAllSubmatch(env, -1) {
		names = append(names, string(m[1]))
	}
	if strings.Join(names, " ") != conf.EnvXMPPSecret+" "+conf.EnvSMPPPassword {
		t.Errorf("%s sets %q, want %s and %s", envExamplePath, names, conf.EnvXMPPSecret, conf.EnvSMPPPassword)
	}
}

// TestStaticBuildAndUnitVerify builds the binary the way the Dockerfile
// does (CGO_ENABLED=0, version stamped) and checks it is static and
// reports the version; then, where systemd-analyze is installed, it
// verifies the unit with ExecStart pointing at that binary. Any warning
// of systemd-analyze fails the test.
func TestStaticBuildAndUnitVerify(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "mpimis")
	build := exec.Command("go", "build", "-ldflags", "-X main.version=packaging-test", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("static build: %v\n%s", err, out)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("the CGO_ENABLED=0 binary is dynamically linked (program header %v)", p.Type)
		}
	}
	f.Close()
	out, err := exec.Command(bin, "version").Output()
	if err != nil || string(out) != "mpimis packaging-test\n" {
		t.Errorf("version: %q %v", out, err)
	}

	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Log("systemd-analyze is not installed: the unit's keys were checked, but not verified by systemd")
		return
	}
	raw, err := os.ReadFile(unitPath)
	if err != nil {
		t.Fatal(err)
	}
	unit := filepath.Join(dir, "mpimis.service")
	if err := os.WriteFile(unit, bytes.ReplaceAll(raw, []byte("/usr/local/bin/mpimis"), []byte(bin)), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(analyze, "verify", unit)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s%s", err, stdout.String(), stderr.String())
	}
}

// TestDockerfile checks the image recipe (no Docker engine here to build
// it): a multi-stage static build of ./cmd/mpimis on this module's Go
// version, run as a non-root user with the store on a volume.
func TestDockerfile(t *testing.T) {
	raw, err := os.ReadFile(dockerfilePath)
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	goVersion := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(gomod)
	if goVersion == nil {
		t.Fatal("no go directive in go.mod")
	}
	var from, user []string
	for _, line := range strings.Split(string(raw), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "FROM":
			from = append(from, strings.Join(f[1:], " "))
		case "USER":
			user = append(user, f[1])
		}
	}
	cases := []struct {
		what string
		ok   bool
	}{
		{"two stages, the first named build", len(from) == 2 && strings.HasSuffix(from[0], " AS build")},
		{"build stage on go " + string(goVersion[1]), strings.HasPrefix(from[0], "golang:"+string(goVersion[1])+"-")},
		{"static build", strings.Contains(string(raw), "CGO_ENABLED=0 go build")},
		{"builds ./cmd/mpimis", strings.Contains(string(raw), "./cmd/mpimis")},
		{"runs as a non-root user", len(user) > 0 && user[len(user)-1] != "root" && !strings.HasPrefix(user[len(user)-1], "0")},
		{"store on a volume", strings.Contains(string(raw), `VOLUME ["/var/lib/mpimis"]`)},
		{"entrypoint is mpimis", strings.Contains(string(raw), `ENTRYPOINT ["/usr/local/bin/mpimis"]`)},
		{"default command runs", strings.Contains(string(raw), `CMD ["run", "-config", "/etc/mpimis/mpimis.toml"]`)},
	}
	for i, c := range cases {
		if !c.ok {
			t.Errorf("case %d: Dockerfile: %s: not so", i, c.what)
		}
	}
	if _, err := os.Stat("../../go.sum"); err != nil {
		t.Errorf("the Dockerfile copies go.sum: %v", err)
	}
}

func FuzzParseUnit(f *testing.F) {
	if raw, err := os.ReadFile(unitPath); err == nil {
		f.Add(string(raw))
	}
	for _, s := range []string{"", "[A]\nk=v\n", "k=v", "[]\n", "[A]\nk\n", "[A]\nk=\\\n", "#c\n;c\n[A]\n k = v = w \n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := parseUnit([]byte(s))
		if err != nil {
			return
		}
		for sec, keys := range u {
			if sec == "" {
				t.Fatalf("empty section accepted from %q", s)
			}
			for k := range keys {
				if k == "" || strings.ContainsAny(k, "=\n") {
					t.Fatalf("key %q from %q", k, s)
				}
			}
		}
	})
}
