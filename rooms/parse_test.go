package rooms

import (
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/mpimis/mpimis/component"
)

func TestSplitJID(t *testing.T) {
	cases := []struct {
		in   string
		want addr
		ok   bool
	}{
		{"a@b/c", addr{"a", "b", "c"}, true},
		{"a@b", addr{"a", "b", ""}, true},
		{"b", addr{"", "b", ""}, true},
		{"b/c/d", addr{"", "b", "c/d"}, true},
		{"a@b/c@d", addr{"a", "b", "c@d"}, true},
		{"room@rooms/nick with space", addr{"room", "rooms", "nick with space"}, true},
		{"", addr{}, false},
		{"@b", addr{}, false},
		{"a@", addr{}, false},
		{"a@b/", addr{}, false},
		{"a@b@c", addr{}, false},
		{"/c", addr{}, false},
	}
	for i, c := range cases {
		got, ok := splitJID(c.in)
		if ok != c.ok || got != c.want {
			t.Errorf("case %d (%q): got %+v %v, want %+v %v", i, c.in, got, ok, c.want, c.ok)
		}
		if ok && got.full() != c.in {
			t.Errorf("case %d (%q): full() = %q", i, c.in, got.full())
		}
	}
}

func TestParseHistory(t *testing.T) {
	now := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	h := func(attrs ...string) *component.Element {
		return component.NewElement(component.NSMUC, "x").Add(component.NewElement(component.NSMUC, "history", attrs...))
	}
	cases := []struct {
		name string
		x    *component.Element
		want historyRequest
	}{
		{"no x", nil, historyRequest{-1, 20, time.Time{}}},
		{"no history", component.NewElement(component.NSMUC, "x"), historyRequest{-1, 20, time.Time{}}},
		{"maxstanzas", h("maxstanzas", "5"), historyRequest{-1, 5, time.Time{}}},
		{"maxchars", h("maxchars", " 0 "), historyRequest{0, -1, time.Time{}}},
		{"seconds", h("seconds", "60"), historyRequest{-1, -1, now.Add(-time.Minute)}},
		{"since later than seconds", h("seconds", "3600", "since", "2025-01-01T11:30:00Z"), historyRequest{-1, -1, now.Add(-30 * time.Minute)}},
		{"since with offset", h("since", "2025-01-01T13:00:00+02:00"), historyRequest{-1, -1, now.Add(-time.Hour)}},
		{"huge", h("maxstanzas", "99999999999999999999999"), historyRequest{-1, 1 << 31, time.Time{}}},
		{"negative and junk only", h("maxstanzas", "-3", "maxchars", "ten", "since", "yesterday"), historyRequest{-1, 20, time.Time{}}},
		{"history in another namespace", component.NewElement(component.NSMUC, "x").Add(component.NewElement("urn:other", "history", "maxstanzas", "1")), historyRequest{-1, 20, time.Time{}}},
	}
	for i, c := range cases {
		got := parseHistory(c.x, 20, now)
		if got.maxChars != c.want.maxChars || got.maxStanzas != c.want.maxStanzas || !got.since.Equal(c.want.since) {
			t.Errorf("case %d (%s): got %+v, want %+v", i, c.name, got, c.want)
		}
	}
}

func TestCleanTitle(t *testing.T) {
	long := strings.Repeat("é", 300)
	cases := []struct{ in, want string }{
		{"  A\n\ttitle  ", "A title"},
		{"a\x00b", "a b"},
		{"", ""},
		{" \n ", ""},
		{"bad \xff utf8", "bad \uFFFD utf8"},
		{long, strings.Repeat("é", maxTitle)},
	}
	for i, c := range cases {
		if got := cleanTitle(c.in); got != c.want {
			t.Errorf("case %d: cleanTitle(%q) = %q, want %q", i, c.in, got, c.want)
		}
	}
}

func TestBucket(t *testing.T) {
	t0 := time.Unix(0, 0)
	var b bucket
	b.init(60, t0) // one a second, burst 60
	for i := range 60 {
		if !b.take(t0) {
			t.Fatalf("burst token %d refused", i)
		}
	}
	steps := []struct {
		at   time.Duration
		want bool
	}{{0, false}, {500 * time.Millisecond, false}, {time.Second, true}, {time.Second, false}, {time.Hour, true}}
	for i, s := range steps {
		if got := b.take(t0.Add(s.at)); got != s.want {
			t.Errorf("step %d: take at %v = %v", i, s.at, got)
		}
	}
}

// decodeXML parses one element the way the link does.
func decodeXML(s string) (*component.Element, error) {
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		if start, ok := tok.(xml.StartElement); ok {
			return component.DecodeElement(d, start)
		}
	}
}

func FuzzParseJoin(f *testing.F) {
	for _, s := range []string{
		`<presence xmlns="jabber:component:accept"><x xmlns="http://jabber.org/protocol/muc"><history maxstanzas="5" maxchars="100" seconds="60" since="2025-01-01T00:00:00Z"/></x></presence>`,
		`<presence xmlns="jabber:component:accept"><x xmlns="http://jabber.org/protocol/muc"/><page xmlns="urn:mpimis:page" url="https://example.org/" title="T"/></presence>`,
		`<presence><x xmlns="http://jabber.org/protocol/muc"><history maxstanzas="-1" seconds="99999999999999999999"/></x></presence>`,
		`<presence><show>away</show></presence>`,
	} {
		f.Add(s)
	}
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		st, err := decodeXML(s)
		if err != nil || st == nil {
			return
		}
		j := parseJoinWith(st, 20, now)
		if j.history.maxStanzas < -1 || j.history.maxChars < -1 || j.history.maxStanzas > 1<<31 {
			t.Fatalf("out of range: %+v", j.history)
		}
		if j.page != nil {
			_ = cleanTitle(j.page.title)
			_, _ = checkPage(mustKey(t, "https://example.org/"), j.page.url)
		}
		_ = presencePayload(st)
	})
}

func FuzzSplitJID(f *testing.F) {
	for _, s := range []string{"a@b/c", "b", "@", "a@b@c/d", "/", "a/b@c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, ok := splitJID(s)
		if !ok {
			return
		}
		if a.full() != s {
			t.Fatalf("%q split to %+v, rejoins as %q", s, a, a.full())
		}
		if a.domain == "" || strings.Contains(a.local, "@") || strings.Contains(a.local, "/") || strings.Contains(a.domain, "/") {
			t.Fatalf("%q split to %+v", s, a)
		}
	})
}

func FuzzParseFwdID(f *testing.F) {
	svc, err := New(Config{Domain: testDomain}, NewMemStore(), nil, nil)
	if err != nil {
		f.Fatal(err)
	}
	defer svc.Close()
	r := newRoom(svc, mustKey(f, "https://example.org/"))
	f.Add(r.fwdID(alice, bob, "bob", "id-1"))
	f.Add(fwdPrefix + "AAAA")
	f.Add("plain-id")
	f.Fuzz(func(t *testing.T, s string) {
		to, _, _, mac, ok := parseFwdID(s)
		if ok && (to == "" || len(mac) != 12) {
			t.Fatalf("%q decoded to %q mac %d bytes", s, to, len(mac))
		}
	})
}
