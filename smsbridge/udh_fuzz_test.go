package smsbridge

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzParseUDH checks that ParseUDH never panics, that on success header and
// payload partition the input with the header length the UDHL announces,
// and that any concatenation found is valid and survives a rebuild.
func FuzzParseUDH(f *testing.F) {
	for _, s := range [][]byte{
		{}, {0x00}, {0x05, 0x00, 0x03, 0xA4, 0x03, 0x01, 'h', 'i'},
		{0x06, 0x08, 0x04, 0xBE, 0xEF, 0x02, 0x02, 0xFF},
		{0x0B, 0x05, 0x04, 0x0B, 0x84, 0x23, 0xF0, 0x00, 0x03, 0x0A, 0x02, 0x01, 0xAA},
		{0x09, 0x00, 0x03}, {0x04, 0x00, 0x02, 0x01, 0x02}, {0x05, 0x00, 0x03, 0x01, 0x02, 0x03},
		{0x01, 0x00}, {0xFF},
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		udh, payload, c, err := ParseUDH(b)
		if err != nil {
			if !errors.Is(err, ErrBadUDH) || udh != nil || payload != nil || c != nil {
				t.Fatalf("error %v with results", err)
			}
			return
		}
		if len(udh) == 0 || int(udh[0])+1 != len(udh) {
			t.Fatalf("udh % X inconsistent with its UDHL", udh)
		}
		if !bytes.Equal(append(append([]byte{}, udh...), payload...), b) {
			t.Fatalf("udh and payload do not partition the input")
		}
		if c == nil {
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("invalid concat %+v returned: %v", *c, err)
		}
		_, _, again, err := ParseUDH(BuildConcatUDH(*c))
		if err != nil || again == nil || *again != *c {
			t.Fatalf("rebuilt header parses to %v, %v; want %+v", again, err, *c)
		}
	})
}
