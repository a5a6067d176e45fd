package ident

import (
	"strings"
	"testing"
)

func FuzzNormalizeURL(f *testing.F) {
	for _, s := range []string{
		"https://example.org/",
		"HTTPS://User:pw@Example.COM:443/A/./b/../C?utm_source=x&b=2&a=1#top",
		"http://[2001:DB8::1]:8080/a/../b?%7e=%7E&x",
		"https://bücher.example/Straße?q=café",
		"https://example.org/%zz%2f%2E%2e/./?&&a=1&&",
		"https://example.org.:/a//b/..?fbclid=1&UTM_x=2&utmost=3",
		"http://a@b@c/d",
		"ftp://example.org/",
		"javascript:alert(1)",
		"//example.org/",
		"https://xn--bcher-kva.example/",
		"http://192.0.2.1:0080/",
		"https://[::ffff:1.2.3.4]/",
	} {
		f.Add(s)
	}
	// Vectors of the shared test file as further seeds.
	v := loadRoomVectors(f)
	for _, tc := range v.Valid {
		f.Add(tc.URL)
	}
	for _, tc := range v.Invalid {
		f.Add(tc.URL)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		norm, err := NormalizeURL(raw)
		if err != nil {
			return
		}
		again, err := NormalizeURL(norm)
		if err != nil {
			t.Fatalf("NormalizeURL(%q) = %q, which is refused: %v", raw, norm, err)
		}
		if again != norm {
			t.Fatalf("not idempotent: %q -> %q -> %q", raw, norm, again)
		}
		if !strings.HasPrefix(norm, "http://") && !strings.HasPrefix(norm, "https://") {
			t.Fatalf("NormalizeURL(%q) = %q: not http(s)", raw, norm)
		}
		if strings.ContainsAny(norm, "# \x00\n") {
			t.Fatalf("NormalizeURL(%q) = %q: has '#', space or control", raw, norm)
		}
		key, norm2, err := RoomKeyFor(raw)
		if err != nil || norm2 != norm {
			t.Fatalf("RoomKeyFor(%q) = %q, %q, %v; NormalizeURL gave %q", raw, key, norm2, err, norm)
		}
		if len(key) != 26 || strings.Trim(string(key), "abcdefghijklmnopqrstuvwxyz234567") != "" {
			t.Fatalf("RoomKeyFor(%q) = %q: not 26 chars of [a-z2-7]", raw, key)
		}
		if k, err := ParseRoomKey(string(key)); err != nil || k != key {
			t.Fatalf("ParseRoomKey(%q) = %q, %v", key, k, err)
		}
	})
}

func FuzzParsePhone(f *testing.F) {
	for _, s := range []struct{ raw, region string }{
		{"+4915112345678", ""},
		{"004915112345678", ""},
		{"4915112345678", ""},
		{"015112345678", "DE"},
		{"(0151) 123-456 78", "de"},
		{"+447700900123", ""},
		{"+12025550123", "US"},
		{"+390612345678", "IT"},
		{"+80012345678", ""},
		{"+49 151 CALL ME", ""},
		{"+", ""},
		{"00", "ZZ"},
	} {
		f.Add(s.raw, s.region)
	}
	f.Fuzz(func(t *testing.T, raw, region string) {
		p, err := ParsePhone(raw, region)
		if err != nil {
			if !p.IsZero() {
				t.Fatalf("ParsePhone(%q, %q): error %v with a non-zero Phone", raw, region, err)
			}
			return
		}
		e := p.E164()
		if len(e) < 3 || len(e) > 16 || e[0] != '+' || e[1] == '0' || strings.Trim(e[1:], "0123456789") != "" {
			t.Fatalf("ParsePhone(%q, %q).E164() = %q: not E.164", raw, region, e)
		}
		if p.SMPPAddr() != e[1:] {
			t.Fatalf("SMPPAddr %q vs E164 %q", p.SMPPAddr(), e)
		}
		for _, out := range []string{p.String(), p.GoString(), p.LogValue().String()} {
			if strings.Contains(out, e[1:]) {
				t.Fatalf("%q: masked form %q contains the digits", e, out)
			}
			if strings.Count(out, "*") < 4 {
				t.Fatalf("%q: masked form %q hides fewer than 4 digits", e, out)
			}
		}
		again, err := ParsePhone(e, "")
		if err != nil || again != p {
			t.Fatalf("ParsePhone(%q) = %v, %v; want the same Phone", e, again.GoString(), err)
		}
	})
}

func FuzzParseNick(f *testing.F) {
	for _, s := range []string{"alice", "Alice", "bob_2.0-x", "al", "2pac", "jürgen", "\u212Aate", "ab\xff", strings.Repeat("a", 33)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseNick(s)
		if err != nil {
			return
		}
		str := string(n)
		if len(str) < MinNickLen || len(str) > MaxNickLen || str[0] < 'a' || str[0] > 'z' ||
			strings.Trim(str, "abcdefghijklmnopqrstuvwxyz0123456789._-") != "" {
			t.Fatalf("ParseNick(%q) = %q: not [a-z][a-z0-9._-]{2,31}", s, n)
		}
		if !strings.EqualFold(str, s) {
			t.Fatalf("ParseNick(%q) = %q: not a case fold of the input", s, n)
		}
		if again, err := ParseNick(str); err != nil || again != n {
			t.Fatalf("ParseNick(%q) = %q, %v; not idempotent", n, again, err)
		}
		if _, err := ParseIMID(str); err == nil {
			t.Fatalf("%q is both a nick and an imid", n)
		}
	})
}

func FuzzParseIMID(f *testing.F) {
	for _, s := range []string{"45678901", "100000", "999999999999999999", "04567890", "12345", "4567890a", "1000000000000000000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseIMID(s)
		if err != nil {
			if strings.Contains(err.Error(), s) && len(s) >= 4 {
				t.Fatalf("ParseIMID(%q): error %q echoes the input", s, err)
			}
			return
		}
		if string(id) != s || len(s) < MinIMIDDigits || len(s) > MaxIMIDDigits || s[0] == '0' ||
			strings.Trim(s, "0123456789") != "" {
			t.Fatalf("ParseIMID(%q) = %q: accepted a non-imid", s, id)
		}
	})
}

func FuzzParseRoomKey(f *testing.F) {
	for _, s := range []string{"qgmndowebiidgzj2pdsiqago7q", "qgmndowebiidgzj2pdsiqago7r", "QGMNDOWEBIIDGZJ2PDSIQAGO7Q", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseRoomKey(s)
		if err != nil {
			return
		}
		// Every accepted key must decode to exactly 16 bytes and re-encode
		// to itself (canonical base32).
		b, err := roomKeyEncoding.DecodeString(string(k))
		if err != nil || len(b) != 16 || roomKeyEncoding.EncodeToString(b) != s {
			t.Fatalf("ParseRoomKey accepted %q: decode %x, %v", s, b, err)
		}
	})
}
