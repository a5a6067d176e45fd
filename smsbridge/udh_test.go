package smsbridge

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func TestBuildConcatUDH(t *testing.T) {
	cases := []struct {
		name string
		c    Concat
		want string
	}{
		{"8-bit", Concat{Ref: 0xA4, Total: 3, Seq: 1}, "050003A40301"},
		{"8-bit keeps the low byte", Concat{Ref: 0x12A4, Total: 3, Seq: 2}, "050003A40302"},
		{"16-bit", Concat{Ref: 0x12A4, Total: 2, Seq: 2, Ref16: true}, "06080412A40202"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := BuildConcatUDH(tc.c)
			if want, _ := hex.DecodeString(tc.want); !bytes.Equal(got, want) {
				t.Fatalf("BuildConcatUDH = %X, want %s", got, tc.want)
			}
			udh, payload, c, err := ParseUDH(append(got, 'x'))
			if err != nil || c == nil || len(payload) != 1 || len(udh) != len(got) {
				t.Fatalf("ParseUDH of built header: %v %v", c, err)
			}
			want := tc.c
			if !want.Ref16 {
				want.Ref &= 0xFF
			}
			if *c != want {
				t.Errorf("parsed %+v, want %+v", *c, want)
			}
		})
	}
}

func TestParseUDH(t *testing.T) {
	cases := []struct {
		name        string
		in          string // hex
		wantConcat  *Concat
		wantUDH     int
		wantPayload string // hex
		wantErr     string
	}{
		{"8-bit concat", "050003A40301414243", &Concat{Ref: 0xA4, Total: 3, Seq: 1}, 6, "414243", ""},
		{"16-bit concat", "060804BEEF0202FF", &Concat{Ref: 0xBEEF, Total: 2, Seq: 2, Ref16: true}, 7, "FF", ""},
		{"port IE before concat tolerated", "0B05040B8423F000030A0201AA", &Concat{Ref: 0x0A, Total: 2, Seq: 1}, 12, "AA", ""},
		{"unknown IE only", "0324010041", nil, 4, "41", ""},
		{"zero-length IE", "022400", nil, 3, "", ""},
		{"empty header", "0041", nil, 1, "41", ""},
		{"last concat wins", "0A0003010201000302030141", &Concat{Ref: 2, Total: 3, Seq: 1}, 11, "41", ""},
		{"header only", "050003010101", &Concat{Ref: 1, Total: 1, Seq: 1}, 6, "", ""},
		{"empty message", "", nil, 0, "", "empty message"},
		{"UDHL exceeds message", "0900030103", nil, 0, "", "UDHL 9 exceeds message length 4"},
		{"IE 0x00 wrong length", "04000201024141", nil, 0, "", "IE 0x00 length 2, want 3"},
		{"IE 0x08 wrong length", "050803010203", nil, 0, "", "IE 0x08 length 3, want 4"},
		{"IE runs past header", "0300050141", nil, 0, "", "IE 0x00 length 5 exceeds the 1 octets left in the UDH"},
		{"truncated IE header", "01004141", nil, 0, "", "IE header at offset 1 truncated"},
		{"seq zero", "050003010300", nil, 0, "", "seq 0 out of range 1..3"},
		{"seq above total", "050003010204", nil, 0, "", "seq 4 out of range 1..2"},
		{"total zero", "050003010000", nil, 0, "", "concatenation total 0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in, _ := hex.DecodeString(tc.in)
			udh, payload, c, err := ParseUDH(in)
			if tc.wantErr != "" {
				if !errors.Is(err, ErrBadUDH) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want ErrBadUDH with %q", err, tc.wantErr)
				}
				if udh != nil || payload != nil || c != nil {
					t.Errorf("non-nil results with error")
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if len(udh) != tc.wantUDH {
				t.Errorf("udh length %d, want %d", len(udh), tc.wantUDH)
			}
			if got := strings.ToUpper(hex.EncodeToString(payload)); got != tc.wantPayload {
				t.Errorf("payload %s, want %s", got, tc.wantPayload)
			}
			switch {
			case (c == nil) != (tc.wantConcat == nil):
				t.Errorf("concat %v, want %v", c, tc.wantConcat)
			case c != nil && *c != *tc.wantConcat:
				t.Errorf("concat %+v, want %+v", *c, *tc.wantConcat)
			}
		})
	}
}

func TestConcatValidate(t *testing.T) {
	cases := []struct {
		c  Concat
		ok bool
	}{
		{Concat{Ref: 1, Total: 1, Seq: 1}, true},
		{Concat{Ref: 300, Total: 255, Seq: 255, Ref16: true}, true},
		{Concat{Ref: 300, Total: 2, Seq: 1}, false},
		{Concat{Total: 0, Seq: 0}, false},
		{Concat{Total: 2, Seq: 3}, false},
	}
	for i, tc := range cases {
		err := tc.c.Validate()
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, ErrBadUDH)) {
			t.Errorf("case %d %+v: Validate = %v, want ok=%v", i, tc.c, err, tc.ok)
		}
	}
}

func TestGSMSeptetBudget(t *testing.T) {
	cases := []struct{ udh, want int }{{0, 160}, {6, 153}, {7, 152}, {12, 146}, {140, 0}, {141, 0}, {-1, 0}}
	for i, tc := range cases {
		if got := GSMSeptetBudget(tc.udh); got != tc.want {
			t.Errorf("case %d: GSMSeptetBudget(%d) = %d, want %d", i, tc.udh, got, tc.want)
		}
	}
	// The budget must really fit: header plus fill bits plus packed septets
	// within 140 octets.
	for u := 1; u < 140; u++ {
		n := GSMSeptetBudget(u)
		if bits := u*8 + GSM7FillBits(u) + 7*n; bits > 140*8 {
			t.Errorf("udh %d: %d septets need %d bits", u, n, bits)
		}
	}
}
