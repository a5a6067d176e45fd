package smsbridge

import (
	"bytes"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzMessageIDCandidates checks the id matching of delivery reports: the
// first candidate is the normal form, normalising is idempotent, there are
// no duplicates, every candidate is its own normal form, and the decimal
// and hexadecimal spellings of one number (with any zero padding, case and
// NUL terminator an SMSC may add) always share a candidate.
func FuzzMessageIDCandidates(f *testing.F) {
	for _, s := range []struct {
		id string
		v  uint64
	}{
		{"0A1B", 2587}, {" 000123\x00", 123}, {"ABC", 0}, {"000", 0}, {"", 1},
		{"550e8400-e29b-41d4-a716-446655440000", 1 << 63}, {"ffffffffffffffff", ^uint64(0)},
		{"18446744073709551615", ^uint64(0)}, {"18446744073709551616", 7}, {"\x00\x00", 10},
	} {
		f.Add(s.id, s.v)
	}
	f.Fuzz(func(t *testing.T, id string, v uint64) {
		n := NormalizeMessageID(id)
		if NormalizeMessageID(n) != n {
			t.Fatalf("NormalizeMessageID not idempotent: %q -> %q -> %q", id, n, NormalizeMessageID(n))
		}
		c := MessageIDCandidates(id)
		if n == "" {
			if c != nil {
				t.Fatalf("empty id %q has candidates %q", id, c)
			}
		} else if len(c) == 0 || c[0] != n || len(c) > 3 {
			t.Fatalf("MessageIDCandidates(%q) = %q; normal form %q", id, c, n)
		}
		for i, s := range c {
			if NormalizeMessageID(s) != s || slices.Index(c, s) != i {
				t.Fatalf("MessageIDCandidates(%q) = %q: %q not normal or repeated", id, c, s)
			}
		}
		// The same number as two SMSCs (or the two PDUs of one) print it.
		dec := strconv.FormatUint(v, 10)
		hex := strings.ToUpper(strconv.FormatUint(v, 16))
		pad := strings.Repeat("0", int(v%5))
		for _, pair := range [][2]string{{dec, hex}, {pad + dec + "\x00", " " + hex}, {dec, pad + strings.ToLower(hex)}} {
			a, b := MessageIDCandidates(pair[0]), MessageIDCandidates(pair[1])
			if !slices.ContainsFunc(a, func(s string) bool { return slices.Contains(b, s) }) {
				t.Fatalf("%q %q of %d share no candidate: %q, %q", pair[0], pair[1], v, a, b)
			}
		}
	})
}

// FuzzDLRFromTLVs checks reports built from receipted_message_id and
// message_state: an id that is empty after trimming is an error wrapping
// ErrBadDLR, anything else a report whose ID is the trimmed id as valid
// UTF-8 and whose Stat comes from the TLV, whatever the text says.
func FuzzDLRFromTLVs(f *testing.F) {
	f.Add([]byte("abc\x00"), byte(2), []byte("id:xyz sub:001 dlvrd:001 stat:UNDELIV err:042 text:hi"))
	f.Add([]byte(" \x00 "), byte(2), []byte(nil))
	f.Add([]byte("\xff\xfe1"), byte(0), []byte("garbage"))
	f.Add([]byte("7B"), byte(9), []byte("id:7b stat:DELIVRD submit date:2401311530 done date:2401311531"))
	f.Add([]byte("1"), byte(255), []byte("id: stat:"))
	f.Fuzz(func(t *testing.T, rid []byte, state byte, text []byte) {
		d, err := DLRFromTLVs(rid, state, text)
		trimmed := bytes.Trim(rid, " \t\r\n\x00")
		if len(trimmed) == 0 {
			if !errors.Is(err, ErrBadDLR) || d != nil {
				t.Fatalf("empty id %q: %+v, %v", rid, d, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("id %q: %v", rid, err)
		}
		if d.ID != strings.ToValidUTF8(string(trimmed), "\uFFFD") || d.Stat != StatFromMessageState(state) {
			t.Fatalf("id %q state %d: got ID %q Stat %q", rid, state, d.ID, d.Stat)
		}
		for _, s := range []string{d.ID, d.Stat, d.Err, d.Text} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 in %+v", d)
			}
		}
		if d.Final() != (state != 1) { // every state but ENROUTE is final (unknown ones as UNKNOWN)
			t.Fatalf("state %d (%s): Final() = %t", state, d.Stat, d.Final())
		}
	})
}

// FuzzPackGSM7 checks that unpacking packed septets gives them back for
// every fill, that the packed length is the minimum, and that UnpackGSM7
// never reads past its input whatever n and fill it is given.
func FuzzPackGSM7(f *testing.F) {
	f.Add([]byte("hellohello"), 0, -1)
	f.Add([]byte{0x7F, 0x00, 0x1B, 0x65}, 1, 4)
	f.Add([]byte{}, 7, 3)
	f.Add([]byte("1234567"), 6, 100)
	f.Add([]byte{0xFF, 0x80}, -1, 0)
	f.Fuzz(func(t *testing.T, septets []byte, fill, n int) {
		packed := PackGSM7(septets, fill)
		if want := ((fill & 7) + 7*len(septets) + 7) / 8; len(packed) != want {
			t.Fatalf("%d septets fill %d packed to %d octets, want %d", len(septets), fill, len(packed), want)
		}
		got := UnpackGSM7(packed, fill, len(septets))
		want := make([]byte, len(septets))
		for i, s := range septets {
			want[i] = s & 0x7F
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("fill %d: % X -> % X -> % X", fill, septets, packed, got)
		}
		// Arbitrary packed data and counts: no panic, at most n septets,
		// at most what the data holds.
		u := UnpackGSM7(septets, fill, n)
		if max := (len(septets)*8 - fill&7) / 7; len(u) > max && max >= 0 || n >= 0 && len(u) > n {
			t.Fatalf("UnpackGSM7(% X, %d, %d) = %d septets", septets, fill, n, len(u))
		}
	})
}

// FuzzParseConfigValues checks the smpp.long_messages and
// smpp.mo_default_charset parsers: a value is accepted exactly when it
// is a spelling of a mode (case and surrounding space aside), the mode
// prints back to a spelling that parses to itself, and refusals wrap the
// documented error and quote the value.
func FuzzParseConfigValues(f *testing.F) {
	for _, s := range []string{"", "udh8", " UDH16 ", "sar", "Payload", "gsm", "latin1", "ASCII\t", "utf8", "udh 8", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseLongMode(s)
		if err != nil {
			if !errors.Is(err, ErrBadLongMode) || !strings.Contains(err.Error(), strconv.Quote(s)) {
				t.Fatalf("ParseLongMode(%q): %v", s, err)
			}
		} else if again, err := ParseLongMode(m.String()); err != nil || again != m || !m.valid() {
			t.Fatalf("ParseLongMode(%q) = %v, reparsed %v, %v", s, m, again, err)
		}
		c, err := ParseMOCharset(s)
		if err != nil {
			if !errors.Is(err, ErrBadCharset) || !strings.Contains(err.Error(), strconv.Quote(s)) {
				t.Fatalf("ParseMOCharset(%q): %v", s, err)
			}
		} else if again, err := ParseMOCharset(c.String()); err != nil || again != c {
			t.Fatalf("ParseMOCharset(%q) = %v, reparsed %v, %v", s, c, again, err)
		}
	})
}
