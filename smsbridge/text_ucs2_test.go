package smsbridge

import (
	"bytes"
	"encoding/hex"
	"testing"
)

func TestEncodeUCS2(t *testing.T) {
	cases := []struct {
		name, in, want string
		units          int
	}{
		{"ascii", "Hi", "00480069", 2},
		{"latin", "ç", "00E7", 1},
		{"cyrillic", "Ж", "0416", 1},
		{"emoji surrogate pair", "😀", "D83DDE00", 2},
		{"max BMP", "\uFFFF", "FFFF", 1},
		{"max rune", "\U0010FFFF", "DBFFDFFF", 2},
		{"invalid utf8 becomes U+FFFD", "a\xffb", "0061FFFD0062", 3},
		{"empty", "", "", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := EncodeUCS2(tc.in)
			if want, _ := hex.DecodeString(tc.want); !bytes.Equal(got, want) {
				t.Errorf("EncodeUCS2(%q) = %X, want %s", tc.in, got, tc.want)
			}
			if n := UCS2Units(tc.in); n != tc.units {
				t.Errorf("UCS2Units(%q) = %d, want %d", tc.in, n, tc.units)
			}
		})
	}
}

func TestDecodeUCS2Lenient(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"ascii", "00480069", "Hi"},
		{"emoji", "D83DDE00", "😀"},
		{"odd trailing byte dropped", "004100", "A"},
		{"lone high surrogate at end", "0041D83D", "A\uFFFD"},
		{"high surrogate then BMP", "D83D0041", "\uFFFDA"},
		{"lone low surrogate", "DE000041", "\uFFFDA"},
		{"two high surrogates then low", "D83DD83DDE00", "\uFFFD😀"},
		{"nul", "0000", "\x00"},
		{"empty", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in, _ := hex.DecodeString(tc.in)
			if got := DecodeUCS2(in); got != tc.want {
				t.Errorf("DecodeUCS2(%s) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestUCS2RoundTrip(t *testing.T) {
	cases := []string{"Grüße 😀👍🏽 中文 ÇĞ", "\U0001F1E9\U0001F1EA flag", "\u200d", "a\u0301"}
	for i, s := range cases {
		if got := DecodeUCS2(EncodeUCS2(s)); got != s {
			t.Errorf("case %d: round trip %q -> %q", i, s, got)
		}
	}
}
