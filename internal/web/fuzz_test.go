package web

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestParsePeriod(t *testing.T) {
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"all", 0, true},
		{"24h", 24 * time.Hour, true},
		{"90m", 90 * time.Minute, true},
		{"7d", 7 * 24 * time.Hour, true},
		{"3660d", maxPeriod, true},
		{"3661d", 0, false},
		{"0d", 0, false},
		{"+7d", 0, false},
		{"-1h", 0, false},
		{"0s", 0, false},
		{"d", 0, false},
		{"", 0, false},
		{"ALL", 0, false},
		{"1y", 0, false},
		{"100000h", 0, false},
	}
	for i, tc := range cases {
		got, err := parsePeriod(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("%d %q: %v, %v; want %v, ok %v", i, tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestParseLimit(t *testing.T) {
	cases := []struct {
		in   string
		want int
		ok   bool
	}{
		{"", 10, true}, {"1", 1, true}, {"1000", 1000, true}, {"1001", 0, false},
		{"0", 0, false}, {"-3", 0, false}, {"+3", 0, false}, {"3.5", 0, false}, {"x", 0, false},
	}
	for i, tc := range cases {
		got, err := parseLimit(tc.in, 10)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("%d %q: %v, %v; want %v, ok %v", i, tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestSiteOf(t *testing.T) {
	cases := []struct{ in, want string }{
		{"https://example.org/a?b=c", "example.org"},
		{"http://[::1]:8080/", "[::1]:8080"},
		{"https://user:pw@example.org/", "example.org"},
		{"not a url", ""},
		{"", ""},
		{"/relative", ""},
		{"https://xn--bcher-kva.example/", "xn--bcher-kva.example"},
	}
	for i, tc := range cases {
		if got := siteOf(tc.in); got != tc.want {
			t.Errorf("%d %q: %q, want %q", i, tc.in, got, tc.want)
		}
	}
}

func TestRedact(t *testing.T) {
	cases := []struct{ in, want string }{
		{"dial tcp 127.0.0.1:5347: connection refused", "dial tcp 127.0.0.1:5347: connection refused"},
		{"to +4915112345678 failed", "to [redacted] failed"},
		{"to 4915112345678", "to [redacted]"},
		{"123456 is short", "123456 is short"},
		{"1234567", "[redacted]"},
		{"year 2025, port 65535", "year 2025, port 65535"},
		{"a+49151123456789b", "a[redacted]b"},
	}
	for i, tc := range cases {
		if got := Redact(tc.in); got != tc.want {
			t.Errorf("%d %q: %q, want %q", i, tc.in, got, tc.want)
		}
	}
}

var sevenDigits = regexp.MustCompile(`[0-9]{7}`)

func FuzzRedact(f *testing.F) {
	for _, s := range []string{"", "+4915112345678", "12345678901234567890", "a1b2c3", "ok 123456 x 1234567"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Redact(s)
		if sevenDigits.MatchString(out) {
			t.Fatalf("Redact(%q) = %q still has seven digits in a row", s, out)
		}
		if !sevenDigits.MatchString(s) && out != s {
			t.Fatalf("Redact(%q) = %q changed text without long digit runs", s, out)
		}
	})
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"all", "24h", "7d", "-1h", "3661d", "1h30m", "0d", "+1d", "9999999999999999999d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parsePeriod(s)
		if err != nil {
			if d != 0 {
				t.Fatalf("parsePeriod(%q) = %v with error %v", s, d, err)
			}
			return
		}
		if d < 0 || d > maxPeriod || (d == 0 && s != "all") {
			t.Fatalf("parsePeriod(%q) = %v out of range", s, d)
		}
	})
}

func FuzzParseLimit(f *testing.F) {
	for _, s := range []string{"", "1", "1000", "1001", "-1", "+5", "0x10", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseLimit(s, 7)
		if err == nil && (n < 1 || n > maxLimit) {
			t.Fatalf("parseLimit(%q) = %d out of range", s, n)
		}
		if err != nil && n != 0 {
			t.Fatalf("parseLimit(%q) = %d with error", s, n)
		}
	})
}

func FuzzSiteOf(f *testing.F) {
	for _, s := range []string{"https://example.org/a", "http://[::1]:80/", "https://u:p@h/", "%zz", "//h/p", "https://h/p?q=1#f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		site := siteOf(s)
		if strings.ContainsAny(site, "/?#@") {
			t.Fatalf("siteOf(%q) = %q holds more than a host", s, site)
		}
	})
}
