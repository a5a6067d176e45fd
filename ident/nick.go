package ident

import (
	"fmt"
	"unicode/utf8"
)

// Nick is a display name an SMS user may choose: shown as the XEP-0172 nick
// and vcard-temp FN/NICKNAME, and usable as "@nick" in SMS.
//
// Syntax: [a-z][a-z0-9._-]{2,31}, that is MinNickLen to MaxNickLen
// characters, the first a lowercase ASCII letter, the others lowercase ASCII
// letters, digits, '.', '_' or '-'. ParseNick folds ASCII uppercase to
// lowercase first (only ASCII: "K" KELVIN SIGN is refused, not folded to
// "k"). Nothing is trimmed: callers tokenize.
//
// Because a nick starts with a letter and an IMID is all digits, the two are
// disjoint: a destination token is either one or the other (or neither),
// never both.
//
// Worked examples:
//
//	ParseNick("alice")      -> "alice"
//	ParseNick("Alice")      -> "alice"
//	ParseNick("bob_2.0-x")  -> "bob_2.0-x"
//	ParseNick("al")         -> ErrNickTooShort ("ident: nick is too short: 2 characters, at least 3")
//	ParseNick(33 letters)   -> ErrNickTooLong
//	ParseNick("2pac")       -> ErrNickFirstChar
//	ParseNick("_alice")     -> ErrNickFirstChar
//	ParseNick("al ice")     -> ErrNickChar ("ident: nick has a character that is not allowed: ' ' at position 3 (allowed: a-z 0-9 . _ -)")
//	ParseNick("jürgen")     -> ErrNickChar ('ü' at position 2)
//	ParseNick("12345678")   -> ErrNickFirstChar (an imid is never a nick)
//
// Lengths and positions count characters (runes), positions from 1.
type Nick string

// Lengths of a Nick, in characters.
const (
	// MinNickLen is the smallest nick length.
	MinNickLen = 3
	// MaxNickLen is the largest nick length.
	MaxNickLen = 32
)

// ParseNick validates s as a nick after folding ASCII uppercase letters to
// lowercase; see Nick for the syntax. The error says precisely what is
// wrong: too short, too long, a bad first character, or a bad character at
// a position.
func ParseNick(s string) (Nick, error) {
	n := utf8.RuneCountInString(s)
	if n < MinNickLen {
		return "", withDetail(ErrNickTooShort, fmt.Sprintf(
			"ident: nick is too short: %d characters, at least %d", n, MinNickLen), nil)
	}
	if n > MaxNickLen {
		return "", withDetail(ErrNickTooLong, fmt.Sprintf(
			"ident: nick is too long: %d characters, at most %d", n, MaxNickLen), nil)
	}
	b := []byte(s)
	pos := 0
	for i, r := range s {
		pos++
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
			b[i] = byte(r)
		}
		if pos == 1 {
			if r < 'a' || r > 'z' {
				return "", withDetail(ErrNickFirstChar, fmt.Sprintf(
					"ident: nick does not start with a letter a-z: it starts with %q", r), nil)
			}
			continue
		}
		if !isNickChar(r) {
			return "", withDetail(ErrNickChar, fmt.Sprintf(
				"ident: nick has a character that is not allowed: %q at position %d (allowed: a-z 0-9 . _ -)",
				r, pos), nil)
		}
	}
	return Nick(b), nil
}

// isNickChar reports whether r may follow the first character of a nick.
func isNickChar(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-'
}

// String returns the nick.
func (n Nick) String() string {
	return string(n)
}
