package smsbridge

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// EncodeUCS2 encodes s as UTF-16BE, which is what SMSCs and handsets accept
// for data_coding 8 ("UCS-2"): characters outside the Basic Multilingual
// Plane, such as emoji, become surrogate pairs and survive the trip. Invalid
// UTF-8 in s is encoded as U+FFFD.
func EncodeUCS2(s string) []byte {
	out := make([]byte, 0, 2*len(s))
	for _, r := range s {
		if r >= 0x10000 {
			hi, lo := utf16.EncodeRune(r)
			out = append(out, byte(hi>>8), byte(hi), byte(lo>>8), byte(lo))
			continue
		}
		out = append(out, byte(r>>8), byte(r))
	}
	return out
}

// UCS2Units returns the number of UTF-16 code units s takes (2 for a rune
// outside the Basic Multilingual Plane).
func UCS2Units(s string) int {
	n := 0
	for _, r := range s {
		n += utf16Units(r)
	}
	return n
}

func utf16Units(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// DecodeUCS2 decodes UTF-16BE leniently: an odd trailing byte is dropped
// and a surrogate that is not part of a well-formed pair decodes as U+FFFD.
func DecodeUCS2(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/2)
	n := len(b) / 2
	for i := 0; i < n; i++ {
		u := rune(b[2*i])<<8 | rune(b[2*i+1])
		switch {
		case u < 0xD800 || u > 0xDFFF:
			sb.WriteRune(u)
		case u <= 0xDBFF && i+1 < n:
			lo := rune(b[2*i+2])<<8 | rune(b[2*i+3])
			if r := utf16.DecodeRune(u, lo); r != utf8.RuneError {
				sb.WriteRune(r)
				i++
				continue
			}
			sb.WriteRune(utf8.RuneError)
		default:
			sb.WriteRune(utf8.RuneError)
		}
	}
	return sb.String()
}
