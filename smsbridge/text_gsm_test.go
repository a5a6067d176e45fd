package smsbridge

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math/rand"
	"strings"
	"testing"
)

// TestGSMTableSpotChecks pins the positions the standard's chart gives for
// the characters most often got wrong.
func TestGSMTableSpotChecks(t *testing.T) {
	cases := []struct {
		r    rune
		want []byte
	}{
		{'@', []byte{0x00}}, {'£', []byte{0x01}}, {'$', []byte{0x02}}, {'¥', []byte{0x03}},
		{'è', []byte{0x04}}, {'é', []byte{0x05}}, {'ù', []byte{0x06}}, {'ì', []byte{0x07}},
		{'ò', []byte{0x08}}, {'Ç', []byte{0x09}}, {'\n', []byte{0x0A}}, {'Ø', []byte{0x0B}},
		{'ø', []byte{0x0C}}, {'\r', []byte{0x0D}}, {'Å', []byte{0x0E}}, {'å', []byte{0x0F}},
		{'Δ', []byte{0x10}}, {'_', []byte{0x11}}, {'Φ', []byte{0x12}}, {'Γ', []byte{0x13}},
		{'Λ', []byte{0x14}}, {'Ω', []byte{0x15}}, {'Π', []byte{0x16}}, {'Ψ', []byte{0x17}},
		{'Σ', []byte{0x18}}, {'Θ', []byte{0x19}}, {'Ξ', []byte{0x1A}}, {'Æ', []byte{0x1C}},
		{'æ', []byte{0x1D}}, {'ß', []byte{0x1E}}, {'É', []byte{0x1F}}, {' ', []byte{0x20}},
		{'¤', []byte{0x24}}, {'¡', []byte{0x40}}, {'A', []byte{0x41}}, {'Z', []byte{0x5A}},
		{'Ä', []byte{0x5B}}, {'Ö', []byte{0x5C}}, {'Ñ', []byte{0x5D}}, {'Ü', []byte{0x5E}},
		{'§', []byte{0x5F}}, {'¿', []byte{0x60}}, {'a', []byte{0x61}}, {'z', []byte{0x7A}},
		{'ä', []byte{0x7B}}, {'ö', []byte{0x7C}}, {'ñ', []byte{0x7D}}, {'ü', []byte{0x7E}},
		{'à', []byte{0x7F}},
		{'\f', []byte{0x1B, 0x0A}}, {'^', []byte{0x1B, 0x14}}, {'{', []byte{0x1B, 0x28}},
		{'}', []byte{0x1B, 0x29}}, {'\\', []byte{0x1B, 0x2F}}, {'[', []byte{0x1B, 0x3C}},
		{'~', []byte{0x1B, 0x3D}}, {']', []byte{0x1B, 0x3E}}, {'|', []byte{0x1B, 0x40}},
		{'€', []byte{0x1B, 0x65}},
	}
	for i, tc := range cases {
		got, err := EncodeGSM7(string(tc.r))
		if err != nil || !bytes.Equal(got, tc.want) {
			t.Errorf("case %d %q: EncodeGSM7 = % X, %v; want % X", i, tc.r, got, err, tc.want)
		}
	}
}

// TestGSMTableRoundTrip decodes every septet and extension code and checks
// that it encodes back to the same bytes, and that the tables hold 127
// distinct default characters and 10 extension characters.
func TestGSMTableRoundTrip(t *testing.T) {
	seen := map[rune]bool{}
	for c := 0; c < 128; c++ {
		if c == gsmEscape {
			continue
		}
		s := DecodeGSM7([]byte{byte(c)})
		if seen[[]rune(s)[0]] {
			t.Errorf("septet 0x%02X: %q appears twice", c, s)
		}
		seen[[]rune(s)[0]] = true
		got, err := EncodeGSM7(s)
		if err != nil || !bytes.Equal(got, []byte{byte(c)}) {
			t.Errorf("septet 0x%02X: %q encodes to % X, %v", c, s, got, err)
		}
	}
	ext := 0
	for c := 0; c < 128; c++ {
		if gsmExtension[c] == 0 {
			continue
		}
		ext++
		in := []byte{gsmEscape, byte(c)}
		s := DecodeGSM7(in)
		if seen[[]rune(s)[0]] {
			t.Errorf("extension 0x%02X: %q also in the default table", c, s)
		}
		got, err := EncodeGSM7(s)
		if err != nil || !bytes.Equal(got, in) {
			t.Errorf("extension 0x%02X: %q encodes to % X, %v", c, s, got, err)
		}
	}
	if len(seen) != 127 || ext != 10 {
		t.Errorf("table sizes: %d default, %d extension; want 127, 10", len(seen), ext)
	}
}

// TestGSMPrintableASCII checks the whole printable ASCII range: everything is
// one septet except the backtick (absent) and the eight characters of the
// extension table.
func TestGSMPrintableASCII(t *testing.T) {
	for c := rune(0x20); c < 0x7F; c++ {
		want := 1
		switch {
		case c == '`':
			want = 0
		case strings.ContainsRune(`[\]^{|}~`, c):
			want = 2
		}
		n, ok := GSM7Len(string(c))
		if (want == 0) == ok || (ok && n != want) {
			t.Errorf("%q: GSM7Len = %d, %v; want %d", c, n, ok, want)
		}
	}
}

func TestEncodeGSM7Errors(t *testing.T) {
	cases := []struct {
		name, in, wantMsg string
	}{
		{"lowercase c cedilla", "ça", `'ç' (U+00E7) at byte 0`},
		{"backtick after text", "ab`", "'`' (U+0060) at byte 2"},
		{"emoji", "hi 😀", "(U+1F600) at byte 3"},
		{"cyrillic", "Привет", "(U+041F) at byte 0"},
		{"invalid utf8", "ok\xff", "invalid UTF-8 at byte 2"},
		{"replacement char", "\uFFFD", "(U+FFFD) at byte 0"},
		{"escape char itself", "a\x1b", "(U+001B) at byte 1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := EncodeGSM7(tc.in)
			if !errors.Is(err, ErrNotGSM) || got != nil {
				t.Fatalf("EncodeGSM7(%q) = % X, %v; want ErrNotGSM", tc.in, got, err)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) || !strings.HasPrefix(err.Error(), "smsbridge: ") {
				t.Errorf("error %q does not contain %q", err, tc.wantMsg)
			}
			if _, ok := GSM7Len(tc.in); ok {
				t.Errorf("GSM7Len(%q) ok", tc.in)
			}
		})
	}
}

func TestGSM7Len(t *testing.T) {
	cases := []struct {
		in   string
		want int
	}{
		{"", 0}, {"hello", 5}, {"€", 2}, {"a{b}c", 7}, {"ΔΦΓ", 3}, {strings.Repeat("x", 200), 200},
	}
	for i, tc := range cases {
		n, ok := GSM7Len(tc.in)
		if !ok || n != tc.want {
			t.Errorf("case %d %q: GSM7Len = %d, %v; want %d", i, tc.in, n, ok, tc.want)
		}
		if enc, _ := EncodeGSM7(tc.in); len(enc) != tc.want {
			t.Errorf("case %d: encoded length %d, want %d", i, len(enc), tc.want)
		}
	}
}

func TestDecodeGSM7Lenient(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
		want string
	}{
		{"plain", []byte{0x48, 0x69, 0x00}, "Hi@"},
		{"euro", []byte{0x1B, 0x65, 0x31}, "€1"},
		{"unknown escape falls back to default char", []byte{0x1B, 0x41}, "A"},
		{"escape CR2 falls back to CR", []byte{0x1B, 0x0D}, "\r"},
		{"escape escape is a space", []byte{0x61, 0x1B, 0x1B, 0x62}, "a b"},
		{"trailing lone escape dropped", []byte{0x61, 0x1B}, "a"},
		{"only escape", []byte{0x1B}, ""},
		{"high byte", []byte{0x61, 0x80, 0xFF}, "a\uFFFD\uFFFD"},
		{"escape then high byte", []byte{0x1B, 0x9B}, "\uFFFD"},
		{"empty", nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := DecodeGSM7(tc.in); got != tc.want {
				t.Errorf("DecodeGSM7(% X) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestPackGSM7Vectors(t *testing.T) {
	cases := []struct {
		name   string
		text   string
		fill   int
		packed string
	}{
		{"hellohello", "hellohello", 0, "E8329BFD4697D9EC37"},
		{"eight septets fill one octet exactly", "12345678", 0, "31D98C56B3DD70"},
		{"one septet", "A", 0, "41"},
		{"hello after 6-octet UDH", "hello", 1, "D06536FB0D"},
		{"empty", "", 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			septets, err := EncodeGSM7(tc.text)
			if err != nil {
				t.Fatal(err)
			}
			got := PackGSM7(septets, tc.fill)
			if want, _ := hex.DecodeString(tc.packed); !bytes.Equal(got, want) {
				t.Fatalf("PackGSM7 = %X, want %s", got, tc.packed)
			}
			if back := UnpackGSM7(got, tc.fill, len(septets)); !bytes.Equal(back, septets) {
				t.Errorf("UnpackGSM7 = % X, want % X", back, septets)
			}
		})
	}
}

func TestPackUnpackGSM7RoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for i := 0; i < 500; i++ {
		n := rng.Intn(200)
		fill := i % 7
		septets := make([]byte, n)
		for j := range septets {
			septets[j] = byte(rng.Intn(128))
		}
		packed := PackGSM7(septets, fill)
		if want := (fill + 7*n + 7) / 8; len(packed) != want {
			t.Fatalf("iteration %d: packed %d octets, want %d", i, len(packed), want)
		}
		if got := UnpackGSM7(packed, fill, n); !bytes.Equal(got, septets) {
			t.Fatalf("iteration %d (n=%d fill=%d): round trip differs", i, n, fill)
		}
	}
}

func TestUnpackGSM7Short(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
		fill int
		n    int
		want int
	}{
		{"asks for more than present", []byte{0x41}, 0, 5, 1},
		{"all that fit", []byte{0xE8, 0x32, 0x9B, 0xFD, 0x46, 0x97, 0xD9, 0xEC, 0x37}, 0, -1, 10},
		{"fill eats the only octet", []byte{0xFF}, 6, -1, 0},
		{"empty", nil, 3, 4, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := UnpackGSM7(tc.in, tc.fill, tc.n); len(got) != tc.want {
				t.Errorf("got %d septets, want %d", len(got), tc.want)
			}
		})
	}
}

func TestGSM7FillBits(t *testing.T) {
	cases := []struct{ udh, want int }{{0, 0}, {6, 1}, {7, 0}, {1, 6}, {12, 2}, {-3, 0}}
	for i, tc := range cases {
		if got := GSM7FillBits(tc.udh); got != tc.want {
			t.Errorf("case %d: GSM7FillBits(%d) = %d, want %d", i, tc.udh, got, tc.want)
		}
	}
}
