package smsbridge

import (
	"errors"
	"strings"
	"testing"
)

func TestParseMOCharset(t *testing.T) {
	cases := []struct {
		in      string
		want    MOCharset
		wantErr bool
	}{
		{"gsm", MOCharsetGSM, false},
		{" GSM ", MOCharsetGSM, false},
		{"", MOCharsetGSM, false},
		{"latin1", MOCharsetLatin1, false},
		{"Latin1", MOCharsetLatin1, false},
		{"ascii", MOCharsetASCII, false},
		{"utf8", 0, true},
		{"iso-8859-15", 0, true},
	}
	for i, tc := range cases {
		got, err := ParseMOCharset(tc.in)
		if tc.wantErr {
			if !errors.Is(err, ErrBadCharset) || !strings.Contains(err.Error(), tc.in) {
				t.Errorf("case %d %q: err = %v, want ErrBadCharset naming the value", i, tc.in, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("case %d %q: got %v, %v; want %v", i, tc.in, got, err, tc.want)
		}
		if back, _ := ParseMOCharset(got.String()); back != got {
			t.Errorf("case %d: String %q does not parse back", i, got.String())
		}
	}
}

func TestDecodeShortMessage(t *testing.T) {
	gsmHello := []byte{0x48, 0x65, 0x6C, 0x6C, 0x6F, 0x00, 0x1B, 0x65}
	ucs2 := EncodeUCS2("Hé😀")
	cases := []struct {
		name    string
		dc      byte
		in      []byte
		dc0     MOCharset
		want    string
		wantErr error
	}{
		{"dc0 gsm", 0x00, gsmHello, MOCharsetGSM, "Hello@€", nil},
		{"dc0 latin1", 0x00, []byte{0x48, 0xE9, 0x80}, MOCharsetLatin1, "Hé\u0080", nil},
		{"dc0 ascii", 0x00, []byte{0x48, 0xE9}, MOCharsetASCII, "H\uFFFD", nil},
		{"ia5 ascii", 0x01, []byte("hi\x7f\x80"), MOCharsetGSM, "hi\x7f\uFFFD", nil},
		{"latin1 is not windows-1252", 0x03, []byte{0x80, 0x9F, 0xA3, 0xFF}, MOCharsetGSM, "\u0080\u009F£ÿ", nil},
		{"latin1 ignores dc0", 0x03, []byte{0x40}, MOCharsetASCII, "@", nil},
		{"ucs2 with emoji", 0x08, ucs2, MOCharsetGSM, "Hé😀", nil},
		{"class 0 gsm 0xF0", 0xF0, gsmHello, MOCharsetLatin1, "Hello@€", nil},
		{"class 1 gsm 0xF1", 0xF1, []byte{0x41}, MOCharsetASCII, "A", nil},
		{"class 8-bit 0xF4", 0xF4, []byte{1, 2}, MOCharsetGSM, "", ErrBinary},
		{"class 8-bit 0xF7", 0xF7, []byte{1, 2}, MOCharsetGSM, "", ErrBinary},
		{"general group gsm class 0", 0x10, []byte{0x41}, MOCharsetLatin1, "A", nil},
		{"general group 8-bit", 0x14, []byte{0x41}, MOCharsetGSM, "", ErrBinary},
		{"general group ucs2 class 0", 0x18, ucs2, MOCharsetGSM, "Hé😀", nil},
		{"general group reserved alphabet", 0x1C, []byte{0x41}, MOCharsetGSM, "", ErrUnsupportedDCS},
		{"compressed", 0x20, []byte{0x41}, MOCharsetGSM, "", ErrUnsupportedDCS},
		{"auto-delete group ucs2", 0x48, ucs2, MOCharsetGSM, "Hé😀", nil},
		{"auto-delete compressed", 0x68, ucs2, MOCharsetGSM, "", ErrUnsupportedDCS},
		{"reserved group", 0x80, []byte{0x41}, MOCharsetGSM, "", ErrUnsupportedDCS},
		{"mwi discard gsm", 0xC0, []byte{0x41}, MOCharsetGSM, "A", nil},
		{"mwi store gsm", 0xD8, []byte{0x41}, MOCharsetGSM, "A", nil},
		{"mwi store ucs2", 0xE0, ucs2, MOCharsetGSM, "Hé😀", nil},
		{"binary 4", 0x04, []byte{1}, MOCharsetGSM, "", ErrBinary},
		{"binary 2", 0x02, []byte{1}, MOCharsetGSM, "", ErrBinary},
		{"cyrillic unsupported", 0x06, []byte{1}, MOCharsetGSM, "", ErrUnsupportedDCS},
		{"kanji unsupported", 0x0D, []byte{1}, MOCharsetGSM, "", ErrUnsupportedDCS},
		{"empty ucs2", 0x08, nil, MOCharsetGSM, "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeShortMessage(tc.dc, tc.in, tc.dc0)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				if !strings.Contains(err.Error(), "data_coding 0x") {
					t.Errorf("error %q does not name the value", err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("DecodeShortMessage(0x%02X) = %q, %v; want %q", tc.dc, got, err, tc.want)
			}
		})
	}
}
