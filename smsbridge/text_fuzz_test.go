package smsbridge

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeGSM7 checks that any byte string decodes to valid UTF-8 that,
// apart from U+FFFD for non-septets, is GSM 03.38 again, and that
// well-formed input (our own encoder's output) round-trips exactly.
func FuzzDecodeGSM7(f *testing.F) {
	for _, s := range [][]byte{
		nil, {0x00}, {0x1B}, {0x1B, 0x1B}, {0x1B, 0x65}, {0x1B, 0x41}, {0x80, 0xFF},
		[]byte("hello"), {0x61, 0x1B}, {0x1B, 0x0A, 0x0D, 0x1B, 0x0D},
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s := DecodeGSM7(b)
		if !utf8.ValidString(s) {
			t.Fatalf("invalid UTF-8 %q", s)
		}
		clean := strings.ReplaceAll(s, "\uFFFD", "")
		enc, err := EncodeGSM7(clean)
		if err != nil {
			t.Fatalf("decoded text %q does not re-encode: %v", clean, err)
		}
		if DecodeGSM7(enc) != clean {
			t.Fatalf("re-encoded text does not decode to itself")
		}
	})
}

// FuzzDecodeUCS2 checks that any byte string decodes to valid UTF-8 and
// that well-formed UTF-16BE round-trips exactly.
func FuzzDecodeUCS2(f *testing.F) {
	for _, s := range [][]byte{
		nil, {0x00}, {0x00, 0x41}, {0xD8, 0x3D, 0xDE, 0x00}, {0xD8, 0x3D}, {0xDE, 0x00},
		{0xD8, 0x3D, 0xD8, 0x3D, 0xDE, 0x00}, {0xFF, 0xFD, 0x00},
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s := DecodeUCS2(b)
		if !utf8.ValidString(s) {
			t.Fatalf("invalid UTF-8 %q", s)
		}
		if even := b[:len(b)&^1]; wellFormedUTF16(even) {
			if got := EncodeUCS2(s); !bytes.Equal(got, even) {
				t.Fatalf("round trip % X -> %q -> % X", even, s, got)
			}
		} else if !strings.ContainsRune(s, utf8.RuneError) {
			t.Fatalf("ill-formed input decoded without U+FFFD: %q", s)
		}
	})
}

func wellFormedUTF16(b []byte) bool {
	for i := 0; i+1 < len(b); i += 2 {
		hi := b[i]
		switch {
		case hi >= 0xD8 && hi <= 0xDB:
			if i+3 >= len(b) || b[i+2] < 0xDC || b[i+2] > 0xDF {
				return false
			}
			i += 2
		case hi >= 0xDC && hi <= 0xDF:
			return false
		}
	}
	return true
}

// FuzzDecodeShortMessage checks that any data_coding and body give either
// valid UTF-8 or one of the documented errors.
func FuzzDecodeShortMessage(f *testing.F) {
	f.Add(byte(0), []byte("hello"), 0)
	f.Add(byte(3), []byte{0xE9, 0x80}, 1)
	f.Add(byte(8), []byte{0xD8, 0x3D, 0xDE, 0x00}, 0)
	f.Add(byte(0xF4), []byte{1}, 2)
	f.Add(byte(0x18), []byte{0, 0x41}, 0)
	f.Add(byte(0x06), []byte{0x41}, 0)
	f.Fuzz(func(t *testing.T, dc byte, b []byte, cs int) {
		s, err := DecodeShortMessage(dc, b, MOCharset(cs%3))
		if err != nil {
			if !errors.Is(err, ErrBinary) && !errors.Is(err, ErrUnsupportedDCS) || s != "" {
				t.Fatalf("unexpected result %q, %v", s, err)
			}
			return
		}
		if !utf8.ValidString(s) {
			t.Fatalf("invalid UTF-8 %q", s)
		}
	})
}
