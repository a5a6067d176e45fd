package relay

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/mpimis/mpimis/ident"
)

func TestBareJID(t *testing.T) {
	for i, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"alice@example.org", "alice@example.org", true},
		{"Alice@Example.ORG/Phone", "alice@example.org", true},
		{"alice@example.org./x", "alice@example.org", true},
		{"example.org", "example.org", true},
		{"example.org/res", "example.org", true},
		{" alice@example.org ", "alice@example.org", true},
		{"", "", false},
		{"/res", "", false},
		{"@example.org", "", false},
		{"alice@", "", false},
		{"al ice@example.org", "", false},
	} {
		got, ok := bareJID(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%d: bareJID(%q) = %q, %t; want %q, %t", i, tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestPhoneLike(t *testing.T) {
	for i, tc := range []struct {
		in   string
		want bool
	}{
		{"+4915112345678", true},
		{"004915112345678", true},
		{"015112345678", true},
		{"0151 1234 5678", true},
		{"(0151) 1234-5678", true},
		{"151/12345678", true},
		{"@+49151", true},
		{"4915112345678912345", true}, // longer than any imid
		{"45678901", false},           // an imid shape: looked up as an imid
		{"15112345678", false},        // ditto; never matched against numbers
		{"alice", false},
		{"12 beers", false},
		{"1 2", false},
		{"", false},
	} {
		if got := phoneLike(tc.in); got != tc.want {
			t.Errorf("%d: phoneLike(%q) = %t, want %t", i, tc.in, got, tc.want)
		}
	}
}

func FuzzBareJID(f *testing.F) {
	for _, s := range []string{"alice@example.org", "A@B/c", "@x", "x@", "", "/", "a@b@c/d", "ü@ß.example/ø"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		bare, ok := bareJID(s)
		if !ok {
			return
		}
		if strings.Contains(bare, "/") || bare != strings.ToLower(bare) || bare == "" {
			t.Fatalf("bareJID(%q) = %q", s, bare)
		}
		again, ok := bareJID(bare)
		if !ok || again != bare {
			t.Fatalf("bareJID not idempotent: %q -> %q -> %q, %t", s, bare, again, ok)
		}
		_ = jidDomain(bare)
	})
}

var fiveDigits = regexp.MustCompile(`[0-9]{5,}`)

func FuzzScrubDigits(f *testing.F) {
	for _, s := range []string{"", "UNDELIV", "dest 4915112345678", "0x0000000b", "12345", "1234 5678", "0x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := scrubDigits(s)
		if len(out) != len(s) {
			t.Fatalf("scrubDigits(%q) = %q changes the length", s, out)
		}
		// What survives as a long digit run is part of a 0x code.
		for _, loc := range fiveDigits.FindAllStringIndex(out, -1) {
			start := loc[0]
			for start > 0 && strings.ContainsRune("0123456789abcdefABCDEF", rune(out[start-1])) {
				start--
			}
			if start < 1 || (out[start-1] != 'x' && out[start-1] != 'X') {
				t.Fatalf("scrubDigits(%q) = %q keeps digits %q", s, out, out[loc[0]:loc[1]])
			}
		}
	})
}

// FuzzResolve: any prompt either resolves to a live imid or is refused with
// an *Error whose text never repeats the prompt's digits.
func FuzzResolve(f *testing.F) {
	for _, s := range []string{"45678901", "alice", "@alice", "+4915112345678", "0151 123", "x@sms.example.org",
		"12345678@sms.example.org", "", "@", "@@", "ü", "0", "1234567890123456789"} {
		f.Add(s)
	}
	h := newHarness(f, nil)
	a := ident.IMID(h.register(phoneA, "alice"))
	f.Fuzz(func(t *testing.T, prompt string) {
		id, err := h.c.Resolve(context.Background(), prompt)
		if err == nil {
			if id != a {
				t.Fatalf("Resolve(%q) = %q, only %q exists", prompt, id, a)
			}
			if phoneLike(strings.TrimSpace(prompt)) {
				t.Fatalf("Resolve(%q) resolved a phone-like prompt", prompt)
			}
			return
		}
		var e *Error
		if !errors.As(err, &e) || e.Kind == KindInternal {
			t.Fatalf("Resolve(%q): %v", prompt, err)
		}
		if d := fiveDigits.FindString(prompt); d != "" && strings.Contains(err.Error(), d) {
			t.Fatalf("Resolve(%q): error repeats the digits: %v", prompt, err)
		}
	})
}

// FuzzFromXMPP: any message is either refused with an *Error and queues
// nothing, or queues exactly "<bare sender>: <body>" to the SMS user.
func FuzzFromXMPP(f *testing.F) {
	for _, s := range [][3]string{
		{"alice@example.org/x", "hi", "chat"}, {"", "hi", ""}, {"evil@evil.example", "x", "chat"},
		{"a@example.org", "", "chat"}, {"A@EXAMPLE.ORG/ü", strings.Repeat("ŵ", 300), "normal"},
	} {
		f.Add(s[0], s[1], s[2], true)
	}
	h := newHarness(f, func(c *Config) { c.SMSPerMinute, c.SMSPerDay = 0, 0; c.LoopRepeats = 1 << 30 })
	a := ident.IMID(h.register(phoneA, ""))
	f.Fuzz(func(t *testing.T, from, body, typ string, known bool) {
		to := a
		if !known {
			to = "12345678"
		}
		err := h.c.FromXMPP(context.Background(), XMPPMessage{From: from, To: to, Body: body, Type: typ})
		q := h.s.take()
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Kind == KindInternal || len(q) != 0 {
				t.Fatalf("FromXMPP(%q, %q): %v, queued %d", from, body, err, len(q))
			}
			return
		}
		bare, _ := bareJID(from)
		if len(q) != 1 || q[0].To != phoneA || q[0].Body != bare+": "+body || q[0].Meta.ReplyTo != from {
			t.Fatalf("FromXMPP(%q, %q): queued %+v", from, body, q)
		}
	})
}
