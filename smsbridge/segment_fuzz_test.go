package smsbridge

import (
	"errors"
	"testing"
	"unicode/utf8"
)

// FuzzEncode checks that for any valid UTF-8 text and mode Encode either
// returns a documented error or segments that decode back to the text, stay
// within their limits and never end inside an escape or surrogate pair
// (verifyEncoded); SegmentCount must agree.
func FuzzEncode(f *testing.F) {
	f.Add("hello", 0, uint16(1), 0)
	f.Add("ça va 😀", 1, uint16(300), 3)
	f.Add("€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€", 2, uint16(7), 6)
	f.Add("😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀", 3, uint16(9), 1)
	f.Add("", 0, uint16(0), 0)
	f.Add("a{b}c[d]e~f|g^h\\i\fj€", 1, uint16(65535), 2)
	f.Fuzz(func(t *testing.T, text string, m int, ref uint16, max int) {
		if !utf8.ValidString(text) {
			return
		}
		mode := LongMode(((m % 4) + 4) % 4)
		max %= 300
		enc, err := Encode(text, mode, ref, max)
		if err != nil {
			switch {
			case text == "" && errors.Is(err, ErrEmpty):
			case errors.Is(err, ErrTooLong):
				n, cerr := SegmentCount(text, mode)
				if cerr == nil && (max <= 0 || n <= max) {
					t.Fatalf("ErrTooLong but SegmentCount = %d (max %d): %v", n, max, err)
				}
			default:
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if max > 0 && enc.Parts > max {
			t.Fatalf("%d parts exceed max %d", enc.Parts, max)
		}
		if err := verifyEncoded(text, mode, ref, enc); err != nil {
			t.Fatal(err)
		}
	})
}
