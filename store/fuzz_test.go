package store

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzEscapeURIPath checks that escapeURIPath leaves no character SQLite's
// URI parser would interpret and that percent-decoding (what SQLite does to
// the path of a file: URI) gives the original path back.
func FuzzEscapeURIPath(f *testing.F) {
	for _, seed := range []string{
		"", "/var/lib/mpimis/mpimis.db", "a?mode=ro", "b#frag", "100%.db", "%41", "x\x00y", "é/ü?#%",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, p string) {
		e := escapeURIPath(p)
		if strings.ContainsAny(e, "?#\x00") {
			t.Fatalf("escapeURIPath(%q) = %q still contains ?, # or NUL", p, e)
		}
		back, err := url.PathUnescape(e)
		if err != nil {
			t.Fatalf("escapeURIPath(%q) = %q is not a valid escape: %v", p, e, err)
		}
		if back != p {
			t.Fatalf("escapeURIPath(%q) = %q decodes to %q", p, e, back)
		}
	})
}

// FuzzBindingRoundTrip stores bindings with arbitrary phone and nick strings
// and checks that they read back byte for byte through every lookup, then
// retires them and checks that they are gone.
func FuzzBindingRoundTrip(f *testing.F) {
	for _, seed := range []struct{ phone, nick string }{
		{"+4915123456789", "alice"},
		{"+4915123456789", ""},
		{"", "bob"},
		{"+49 151 234", "MiXeD.Case-1_x"},
		{"0049\x00151", "ni\x00ck"},
		{"+44'; DROP TABLE bindings; --", "ü"},
		{"\xff\xfe", "\xc3"},
	} {
		f.Add(seed.phone, seed.nick)
	}
	ctx := context.Background()
	s, _ := openTest(f)
	n := 0
	f.Fuzz(func(t *testing.T, phone, nick string) {
		n++
		imid := strconv.Itoa(n)
		err := s.CreateBinding(ctx, &Binding{IMID: imid, Phone: phone, Nick: nick})
		if phone == "" {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("empty phone: %v, want ErrInvalid", err)
			}
			return
		}
		if err != nil {
			t.Fatalf("CreateBinding: %v", err)
		}
		wantNick := strings.ToLower(nick)
		lookups := map[string]func() (*Binding, error){
			"phone": func() (*Binding, error) { return s.GetBindingByPhone(ctx, phone) },
			"imid":  func() (*Binding, error) { return s.GetBindingByIMID(ctx, imid) },
		}
		if nick != "" {
			lookups["nick"] = func() (*Binding, error) { return s.GetBindingByNick(ctx, nick) }
			if isASCII(nick) {
				lookups["upper nick"] = func() (*Binding, error) { return s.GetBindingByNick(ctx, strings.ToUpper(nick)) }
			}
		}
		for name, get := range lookups {
			b, err := get()
			if err != nil {
				t.Fatalf("by %s: %v", name, err)
			}
			if b.IMID != imid || b.Phone != phone || b.Nick != wantNick || b.State != StateActive {
				t.Fatalf("by %s: got imid %q phone %q nick %q state %s; want %q %q %q active",
					name, b.IMID, b.Phone, b.Nick, b.State, imid, phone, wantNick)
			}
		}
		if err := s.RetireBinding(ctx, imid); err != nil {
			t.Fatalf("RetireBinding: %v", err)
		}
		if _, err := s.GetBindingByPhone(ctx, phone); !errors.Is(err, ErrNotFound) {
			t.Fatalf("after retire, by phone: %v", err)
		}
		if nick != "" {
			if _, err := s.GetBindingByNick(ctx, nick); !errors.Is(err, ErrNotFound) {
				t.Fatalf("after retire, by nick: %v", err)
			}
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
