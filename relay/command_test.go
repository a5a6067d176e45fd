package relay

import (
	"errors"
	"strings"
	"testing"
)

func TestParseSMS(t *testing.T) {
	cases := []struct {
		in   string
		want Command
		err  error // sentinel or nil; *UsageError checked by usage != ""
		use  string
	}{
		{"HELP", Command{Verb: VerbHelp}, nil, ""},
		{"?", Command{Verb: VerbHelp}, nil, ""},
		{"  help me please ", Command{Verb: VerbHelp}, nil, ""},
		{"reg", Command{Verb: VerbRegister}, nil, ""},
		{"Register Alice", Command{Verb: VerbRegister, Nick: "alice"}, nil, ""},
		{"BIND bob.smith", Command{Verb: VerbRegister, Nick: "bob.smith"}, nil, ""},
		{"REG 9lives", Command{}, nil, "REG [name]"},
		{"NICK carol", Command{Verb: VerbNick, Nick: "carol"}, nil, ""},
		{"nick @Carol", Command{Verb: VerbNick, Nick: "carol"}, nil, ""},
		{"NICK", Command{}, nil, "NICK <name>"},
		{"NICK x", Command{}, nil, "NICK <name>"},
		{"UNREG", Command{Verb: VerbUnregister}, nil, ""},
		{"unbind", Command{Verb: VerbUnregister}, nil, ""},
		{"STOP", Command{Verb: VerbStop}, nil, ""},
		{"stopall", Command{Verb: VerbStop}, nil, ""},
		{"Unsubscribe", Command{Verb: VerbStop}, nil, ""},
		{"cancel", Command{Verb: VerbStop}, nil, ""},
		{"END", Command{Verb: VerbStop}, nil, ""},
		{"quit", Command{Verb: VerbStop}, nil, ""},
		{"REVOKE", Command{Verb: VerbStop}, nil, ""},
		{"optout", Command{Verb: VerbStop}, nil, ""},
		{"START", Command{Verb: VerbStart}, nil, ""},
		{"unstop", Command{Verb: VerbStart}, nil, ""},
		{"WHO 45678901", Command{Verb: VerbWho, Dest: Dest{Kind: DestIMID, IMID: "45678901"}}, nil, ""},
		{"status @alice", Command{Verb: VerbWho, Dest: Dest{Kind: DestNick, Nick: "alice"}}, nil, ""},
		{"WHO", Command{}, nil, "WHO <id|@nick|jid>"},
		{"WHO +4915112345678", Command{}, ErrPhoneDest, "WHO <id|@nick|jid>"},
		{"ADD alice@example.org", Command{Verb: VerbAdd, Dest: Dest{Kind: DestJID, JID: "alice@example.org"}}, nil, ""},
		{"DEL Alice@Example.ORG", Command{Verb: VerbDel, Dest: Dest{Kind: DestJID, JID: "Alice@example.org"}}, nil, ""},
		{"ADD alice@example.org/phone", Command{}, ErrBadDest, "ADD <id|@nick|jid>"},
		{"LIST", Command{Verb: VerbList}, nil, ""},
		{"BLOCK @spam", Command{Verb: VerbBlock, Dest: Dest{Kind: DestNick, Nick: "spam"}}, nil, ""},
		{"unblock 12345678", Command{Verb: VerbUnblock, Dest: Dest{Kind: DestIMID, IMID: "12345678"}}, nil, ""},
		{"alice@example.org hello there", Command{Verb: VerbSend, Dest: Dest{Kind: DestJID, JID: "alice@example.org"}, Text: "hello there"}, nil, ""},
		{"45678901   see you at 5 ", Command{Verb: VerbSend, Dest: Dest{Kind: DestIMID, IMID: "45678901"}, Text: "see you at 5"}, nil, ""},
		{"@bob hi\nsecond line", Command{Verb: VerbSend, Dest: Dest{Kind: DestNick, Nick: "bob"}, Text: "hi\nsecond line"}, nil, ""},
		{"@bob", Command{}, nil, "<id|@nick|jid> <message>"},
		{"+4915112345678 hi", Command{}, ErrPhoneDest, ""},
		{"004915112345678 hi", Command{}, ErrPhoneDest, ""},
		{"4915112345678912345 hi", Command{}, ErrPhoneDest, ""},
		{"012345 hi", Command{}, ErrBadDest, ""},
		{"@x hi", Command{}, ErrBadDest, ""},
		{"a@b@c hi", Command{}, ErrBadDest, ""},
		{"see you at 5", Command{Verb: VerbSticky, Text: "see you at 5"}, nil, ""},
		{"2 beers?", Command{Verb: VerbSticky, Text: "2 beers?"}, nil, ""},
		{"12345 is my locker", Command{Verb: VerbSticky, Text: "12345 is my locker"}, nil, ""},
		{"Ünïcödé 😀", Command{Verb: VerbSticky, Text: "Ünïcödé 😀"}, nil, ""},
		{"", Command{}, ErrEmptyText, ""},
		{" \t\n", Command{}, ErrEmptyText, ""},
	}
	for i, c := range cases {
		got, err := ParseSMS(c.in)
		var ue *UsageError
		switch {
		case c.use != "":
			if !errors.As(err, &ue) || ue.Usage != c.use {
				t.Errorf("%d %q: err %v, want usage %q", i, c.in, err, c.use)
			}
			if c.err != nil && !errors.Is(err, c.err) {
				t.Errorf("%d %q: err %v, want %v", i, c.in, err, c.err)
			}
		case c.err != nil:
			if !errors.Is(err, c.err) {
				t.Errorf("%d %q: err %v, want %v", i, c.in, err, c.err)
			}
		case err != nil:
			t.Errorf("%d %q: unexpected error %v", i, c.in, err)
		case got != c.want:
			t.Errorf("%d %q: got %+v, want %+v", i, c.in, got, c.want)
		}
	}
}

// The errors of the parser never repeat a phone number the user typed.
func TestParseErrorsNeverEchoNumbers(t *testing.T) {
	for i, in := range []string{"+4915112345678 hi", "WHO +4915112345678", "BLOCK 004915112345678", "4915112345678912345 x", "ADD +447700900123"} {
		_, err := ParseSMS(in)
		if err == nil {
			t.Fatalf("%d: %q accepted", i, in)
		}
		if strings.Contains(err.Error(), "12345678") || strings.Contains(err.Error(), "900123") {
			t.Errorf("%d: error echoes the number: %v", i, err)
		}
	}
}

func FuzzParseSMS(f *testing.F) {
	for _, s := range []string{"HELP", "REG alice", "@bob hi", "alice@example.org x", "45678901 y", "+49151 z", "WHO", "free text", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseSMS(s)
		if err != nil {
			return
		}
		switch c.Verb {
		case VerbSend:
			if c.Dest.Kind == DestNone || c.Text == "" {
				t.Fatalf("%q: send without dest or text: %+v", s, c)
			}
		case VerbSticky:
			if c.Text == "" {
				t.Fatalf("%q: sticky without text", s)
			}
		case VerbWho, VerbAdd, VerbDel, VerbBlock, VerbUnblock:
			if c.Dest.Kind == DestNone {
				t.Fatalf("%q: %v without dest", s, c.Verb)
			}
		}
		if c.Dest.Kind == DestIMID && (len(c.Dest.IMID) < 6 || c.Dest.IMID[0] == '0') {
			t.Fatalf("%q: bad imid %q", s, c.Dest.IMID)
		}
	})
}
