package ident

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
	"strconv"
)

// IMID is the instant-messenger identity of an SMS user: a random decimal
// number that is the localpart of the user's JID <imid>@gateway_domain.
//
// Invariants (DESIGN.md, "Identities and addressing"):
//
//   - MinIMIDDigits to MaxIMIDDigits ASCII digits (configurable, default
//     DefaultIMIDDigits), never starting with '0' (so every imid has exactly
//     one written form);
//   - drawn uniformly at random, never derived from the phone number;
//   - unique and never reused after UNREG: that is the store's job (it draws
//     again on a collision and keeps retired imids).
//
// Worked examples:
//
//	NewIMID(crypto/rand.Reader, 8) -> e.g. "45678901" (uniform over 10000000..99999999)
//	NewIMID(r, 5)                  -> ErrIMIDLength
//	ParseIMID("45678901")          -> "45678901"
//	ParseIMID("100000")            -> "100000" (6 digits, the smallest)
//	ParseIMID("04567890")          -> ErrIMIDSyntax (leading zero)
//	ParseIMID("12345")             -> ErrIMIDSyntax (too short)
//	ParseIMID("4567890a")          -> ErrIMIDSyntax (not a digit)
//	ParseIMID(" 45678901")         -> ErrIMIDSyntax (no trimming: callers tokenize)
//
// An IMID never starts with a letter, so it can never be a Nick, and the two
// can share one namespace in SMS commands ("45678901 hi" vs "@alice hi").
type IMID string

// Lengths of an IMID, in digits.
const (
	// MinIMIDDigits is the smallest accepted imid length.
	MinIMIDDigits = 6
	// MaxIMIDDigits is the largest accepted imid length (10^18 < 2^63).
	MaxIMIDDigits = 18
	// DefaultIMIDDigits is the imid length used unless configured otherwise.
	DefaultIMIDDigits = 8
)

// maxIMIDDraws bounds the rejection sampling of NewIMID. Each draw is
// accepted with probability > 1/2, so a real random source fails all of them
// with probability < 2^-128.
const maxIMIDDraws = 128

// NewIMID draws an imid of the given number of digits uniformly at random
// from [10^(digits-1), 10^digits), reading 8 bytes from r per draw and
// rejecting draws out of range (no modulo bias). Production code passes
// crypto/rand.Reader; tests pass a deterministic reader. It fails with
// ErrIMIDLength for digits outside MinIMIDDigits..MaxIMIDDigits, with the
// reader's error (wrapped) if r fails, and with ErrRandomSource if r keeps
// producing rejected values.
func NewIMID(r io.Reader, digits int) (IMID, error) {
	if digits < MinIMIDDigits || digits > MaxIMIDDigits {
		return "", withDetail(ErrIMIDLength, fmt.Sprintf(
			"ident: imid length %d is not between %d and %d digits",
			digits, MinIMIDDigits, MaxIMIDDigits), nil)
	}
	low := uint64(1)
	for range digits - 1 {
		low *= 10
	}
	span := 9 * low // the number of imids of this length
	mask := uint64(1)<<bits.Len64(span-1) - 1
	var buf [8]byte
	for range maxIMIDDraws {
		if _, err := io.ReadFull(r, buf[:]); err != nil {
			return "", fmt.Errorf("ident: reading the random source: %w", err)
		}
		if v := binary.BigEndian.Uint64(buf[:]) & mask; v < span {
			return IMID(strconv.FormatUint(low+v, 10)), nil
		}
	}
	return "", ErrRandomSource
}

// ParseIMID accepts MinIMIDDigits to MaxIMIDDigits ASCII digits, the first
// not '0'. Nothing is trimmed. The error never contains s (it might be a
// phone number).
func ParseIMID(s string) (IMID, error) {
	if len(s) < MinIMIDDigits || len(s) > MaxIMIDDigits {
		return "", withDetail(ErrIMIDSyntax, fmt.Sprintf(
			"ident: not an imid: it has %d characters, not %d to %d digits",
			len(s), MinIMIDDigits, MaxIMIDDigits), nil)
	}
	if s[0] == '0' {
		return "", withDetail(ErrIMIDSyntax, "ident: not an imid: it starts with 0", nil)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", withDetail(ErrIMIDSyntax, fmt.Sprintf(
				"ident: not an imid: character %d is not a digit", i+1), nil)
		}
	}
	return IMID(s), nil
}

// String returns the imid's digits.
func (id IMID) String() string {
	return string(id)
}
