package ident

import (
	"errors"
	"strings"
	"testing"
)

func TestParseNick(t *testing.T) {
	tests := []struct {
		in   string
		want Nick
	}{
		{"alice", "alice"},
		{"Alice", "alice"},
		{"ALICE", "alice"},
		{"bob", "bob"},
		{"bob_2.0-x", "bob_2.0-x"},
		{"a--", "a--"},
		{"z99", "z99"},
		{"a" + strings.Repeat("b", 31), Nick("a" + strings.Repeat("b", 31))},
	}
	for i, tc := range tests {
		got, err := ParseNick(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("%d %q: %q, %v; want %q", i, tc.in, got, err, tc.want)
		}
		if got.String() != string(tc.want) {
			t.Errorf("%d %q: String() = %q", i, tc.in, got.String())
		}
	}
}

func TestParseNickRejects(t *testing.T) {
	tests := []struct {
		in, msg string
		want    error
	}{
		{"", "ident: nick is too short: 0 characters, at least 3", ErrNickTooShort},
		{"al", "ident: nick is too short: 2 characters, at least 3", ErrNickTooShort},
		{"ü", "ident: nick is too short: 1 characters, at least 3", ErrNickTooShort},
		{"a" + strings.Repeat("b", 32), "ident: nick is too long: 33 characters, at most 32", ErrNickTooLong},
		{"2pac", `ident: nick does not start with a letter a-z: it starts with '2'`, ErrNickFirstChar},
		{"12345678", `ident: nick does not start with a letter a-z: it starts with '1'`, ErrNickFirstChar},
		{"_alice", `ident: nick does not start with a letter a-z: it starts with '_'`, ErrNickFirstChar},
		{"@alice", `ident: nick does not start with a letter a-z: it starts with '@'`, ErrNickFirstChar},
		{"ünal", `ident: nick does not start with a letter a-z: it starts with 'ü'`, ErrNickFirstChar},
		{"\u212Aate", "ident: nick does not start with a letter a-z: it starts with '\u212A'", ErrNickFirstChar}, // KELVIN SIGN, not folded
		{"al ice", `ident: nick has a character that is not allowed: ' ' at position 3 (allowed: a-z 0-9 . _ -)`, ErrNickChar},
		{"jürgen", `ident: nick has a character that is not allowed: 'ü' at position 2 (allowed: a-z 0-9 . _ -)`, ErrNickChar},
		{"alice@example.org", `ident: nick has a character that is not allowed: '@' at position 6 (allowed: a-z 0-9 . _ -)`, ErrNickChar},
		{"alice\n", `ident: nick has a character that is not allowed: '\n' at position 6 (allowed: a-z 0-9 . _ -)`, ErrNickChar},
		{"ab\xff", `ident: nick has a character that is not allowed: '�' at position 3 (allowed: a-z 0-9 . _ -)`, ErrNickChar},
		{"a+b", `ident: nick has a character that is not allowed: '+' at position 2 (allowed: a-z 0-9 . _ -)`, ErrNickChar},
	}
	for i, tc := range tests {
		got, err := ParseNick(tc.in)
		if !errors.Is(err, tc.want) || got != "" {
			t.Errorf("%d %q: %q, %v; want %v", i, tc.in, got, err, tc.want)
			continue
		}
		if err.Error() != tc.msg {
			t.Errorf("%d %q: message %q, want %q", i, tc.in, err, tc.msg)
		}
	}
}

// TestNickIMIDDisjoint checks that no string is both a nick and an imid.
func TestNickIMIDDisjoint(t *testing.T) {
	for _, s := range []string{"45678901", "100000", "a45678901", "abcdef"} {
		_, errNick := ParseNick(s)
		_, errIMID := ParseIMID(s)
		if errNick == nil && errIMID == nil {
			t.Errorf("%q is both a nick and an imid", s)
		}
	}
}
