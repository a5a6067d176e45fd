package main

import (
	"regexp"
	"strings"
	"testing"
)

func TestParseQuery(t *testing.T) {
	cases := []struct {
		in    string
		kind  queryKind
		value string // "" for an error
		err   string
	}{
		{in: "45678901", kind: byIMID, value: "45678901"},
		{in: " 45678901 ", kind: byIMID, value: "45678901"},
		{in: "45678901@sms.example.org", kind: byIMID, value: "45678901"},
		{in: "45678901@SMS.Example.ORG/phone", kind: byIMID, value: "45678901"},
		{in: "@Bob", kind: byNick, value: "bob"},
		{in: "bob.smith", kind: byNick, value: "bob.smith"},
		{in: "+49 151 12345678", kind: byPhone, value: "+4915112345678"},
		{in: "004915112345678", kind: byPhone, value: "+4915112345678"},
		{in: "", err: "empty binding"},
		{in: "+49 12", err: "not a possible phone number"},
		{in: "015112345678", err: "not an imid"},
		{in: "12345", err: "not an imid"},
		{in: "45678901@example.org", err: "not the gateway domain"},
		{in: "bob@sms.example.org", err: "not an SMS user's JID"},
		{in: "@1abc", err: "not a nick"},
		{in: "a", err: "not an imid, @nick"},
	}
	for i, c := range cases {
		q, err := parseQuery(c.in, "sms.example.org")
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("case %d (%q): %+v %v, want error %q", i, c.in, q, err, c.err)
			}
			continue
		}
		if err != nil || q.kind != c.kind || q.value != c.value {
			t.Errorf("case %d (%q): %+v %v, want kind %d value %q", i, c.in, q, err, c.kind, c.value)
		}
	}
}

var digitRun = regexp.MustCompile(`[0-9]{7,}`)

// FuzzParseQuery: any input parses without panicking; a result is
// consistent with its kind; an error never repeats a long digit run of the
// input (it might be a phone number), and a phone query is only described
// masked.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"45678901", "45678901@sms.example.org/r", "@bob", "bob", "+4915112345678",
		"004915112345678", "015112345678", "+49 (151) 123-456-78", "@", "@@", "a@b@c", "+", "00", "\x00", "1@sms.example.org"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := parseQuery(s, "sms.example.org")
		if err != nil {
			for _, run := range digitRun.FindAllString(s, -1) {
				if strings.Contains(err.Error(), run) {
					t.Fatalf("error %q repeats digits %q of the input", err, run)
				}
			}
			return
		}
		switch q.kind {
		case byIMID:
			if !isDigits(q.value) || q.value[0] == '0' {
				t.Fatalf("imid %q", q.value)
			}
		case byNick:
			if q.value == "" || q.value != strings.ToLower(q.value) {
				t.Fatalf("nick %q", q.value)
			}
		case byPhone:
			if q.value != q.phone.E164() || strings.Contains(q.describe(false), q.value[1:]) {
				t.Fatalf("phone query %q described as %q", q.value, q.describe(false))
			}
		}
	})
}
