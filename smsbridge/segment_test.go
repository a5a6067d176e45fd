package smsbridge

import (
	"bytes"
	"errors"
	"math/rand"
	"strings"
	"testing"
)

func TestParseLongMode(t *testing.T) {
	cases := []struct {
		in      string
		want    LongMode
		wantErr bool
	}{
		{"udh8", LongUDH8, false},
		{"", LongUDH8, false},
		{"UDH16", LongUDH16, false},
		{" sar ", LongSAR, false},
		{"payload", LongPayload, false},
		{"udh", 0, true},
		{"tlv", 0, true},
	}
	for i, tc := range cases {
		got, err := ParseLongMode(tc.in)
		if tc.wantErr {
			if !errors.Is(err, ErrBadLongMode) {
				t.Errorf("case %d %q: err = %v, want ErrBadLongMode", i, tc.in, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("case %d %q: got %v, %v; want %v", i, tc.in, got, err, tc.want)
		}
		if back, _ := ParseLongMode(got.String()); back != got {
			t.Errorf("case %d: String %q does not parse back", i, got.String())
		}
	}
}

// segLens returns the text length of each segment: septets for GSM,
// UTF-16 units for UCS-2, after the UDH if any.
func segLens(t *testing.T, enc *Encoded) []int {
	t.Helper()
	var out []int
	for i, s := range enc.Segments {
		body := s.ShortMessage
		if s.ESMClassUDHI {
			_, p, _, err := ParseUDH(body)
			if err != nil {
				t.Fatalf("segment %d: %v", i, err)
			}
			body = p
		}
		n := len(body)
		if enc.DataCoding == DCSUCS2 {
			n /= 2
		}
		out = append(out, n)
	}
	return out
}

func TestEncodeBoundaries(t *testing.T) {
	a := func(n int) string { return strings.Repeat("a", n) }
	zh := func(n int) string { return strings.Repeat("ж", n) }
	cases := []struct {
		name  string
		text  string
		mode  LongMode
		dc    byte
		lens  []int
		parts int
	}{
		{"160 GSM is one segment", a(160), LongUDH8, DCSDefault, []int{160}, 1},
		{"161 GSM is 153+8", a(161), LongUDH8, DCSDefault, []int{153, 8}, 2},
		{"306 GSM is two full parts", a(306), LongUDH8, DCSDefault, []int{153, 153}, 2},
		{"307 GSM is three parts", a(307), LongUDH8, DCSDefault, []int{153, 153, 1}, 3},
		{"euro fitting exactly at the end of part 1", a(151) + "€" + a(10), LongUDH8, DCSDefault, []int{153, 10}, 2},
		{"euro straddling the boundary moves", a(152) + "€" + a(10), LongUDH8, DCSDefault, []int{152, 12}, 2},
		{"euros only: 80 is one segment", strings.Repeat("€", 80), LongUDH8, DCSDefault, []int{160}, 1},
		{"euros only: 81 is 152+10", strings.Repeat("€", 81), LongUDH8, DCSDefault, []int{152, 10}, 2},
		{"159 septets plus euro exceeds single", a(159) + "€", LongUDH8, DCSDefault, []int{153, 8}, 2},
		{"70 UCS-2 units is one segment", zh(70), LongUDH8, DCSUCS2, []int{70}, 1},
		{"71 UCS-2 units is 67+4", zh(71), LongUDH8, DCSUCS2, []int{67, 4}, 2},
		{"emoji fitting exactly at unit 66-67", zh(65) + "😀" + zh(10), LongUDH8, DCSUCS2, []int{67, 10}, 2},
		{"emoji straddling unit 67 moves", zh(66) + "😀" + zh(10), LongUDH8, DCSUCS2, []int{66, 12}, 2},
		{"35 emoji (70 units) is one segment", strings.Repeat("😀", 35), LongUDH8, DCSUCS2, []int{70}, 1},
		{"36 emoji is 66+6", strings.Repeat("😀", 36), LongUDH8, DCSUCS2, []int{66, 6}, 2},
		{"c cedilla forces UCS-2", "ça va", LongUDH8, DCSUCS2, []int{5}, 1},
		{"capital C cedilla stays GSM", "Ça va", LongUDH8, DCSDefault, []int{5}, 1},
		{"one backtick forces UCS-2 on a long text", a(100) + "`", LongUDH8, DCSUCS2, []int{67, 34}, 2},
		{"udh16 GSM is 152+9", a(161), LongUDH16, DCSDefault, []int{152, 9}, 2},
		{"udh16 euro straddling 152 moves", a(151) + "€" + a(10), LongUDH16, DCSDefault, []int{151, 12}, 2},
		{"udh16 UCS-2 is 66+5", zh(71), LongUDH16, DCSUCS2, []int{66, 5}, 2},
		{"udh16 emoji straddling 66 moves", zh(65) + "😀" + zh(5), LongUDH16, DCSUCS2, []int{65, 7}, 2},
		{"sar GSM is 152+9", a(161), LongSAR, DCSDefault, []int{152, 9}, 2},
		{"sar UCS-2 is 66+5", zh(71), LongSAR, DCSUCS2, []int{66, 5}, 2},
		{"sar single stays plain", a(160), LongSAR, DCSDefault, []int{160}, 1},
		{"payload single stays plain", a(160), LongPayload, DCSDefault, []int{160}, 1},
		{"payload long GSM is one payload of 2 parts", a(161), LongPayload, DCSDefault, []int{161}, 2},
		{"payload long UCS-2", zh(200), LongPayload, DCSUCS2, []int{200}, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			const ref = 0x1234
			enc, err := Encode(tc.text, tc.mode, ref, 0)
			if err != nil {
				t.Fatal(err)
			}
			if enc.DataCoding != tc.dc {
				t.Errorf("data coding 0x%02X, want 0x%02X", enc.DataCoding, tc.dc)
			}
			if got := segLens(t, enc); !equalInts(got, tc.lens) {
				t.Errorf("segment lengths %v, want %v", got, tc.lens)
			}
			if enc.Parts != tc.parts {
				t.Errorf("Parts %d, want %d", enc.Parts, tc.parts)
			}
			if err := verifyEncoded(tc.text, tc.mode, ref, enc); err != nil {
				t.Error(err)
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestEncodeHeadersAndFlags(t *testing.T) {
	text := strings.Repeat("b", 200)
	t.Run("udh8 uses the low byte of ref", func(t *testing.T) {
		enc, err := Encode(text, LongUDH8, 0x1234, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := []byte{0x05, 0x00, 0x03, 0x34, 0x02, 0x02}
		if s := enc.Segments[1]; !s.ESMClassUDHI || !bytes.HasPrefix(s.ShortMessage, want) || s.SAR != nil || s.Payload {
			t.Errorf("segment 2 = %+v, want UDH % X", s, want)
		}
	})
	t.Run("udh16 carries the whole ref", func(t *testing.T) {
		enc, err := Encode(text, LongUDH16, 0x1234, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := []byte{0x06, 0x08, 0x04, 0x12, 0x34, 0x02, 0x01}
		if s := enc.Segments[0]; !s.ESMClassUDHI || !bytes.HasPrefix(s.ShortMessage, want) {
			t.Errorf("segment 1 = % X, want prefix % X", s.ShortMessage, want)
		}
	})
	t.Run("sar has no UDH", func(t *testing.T) {
		enc, err := Encode(text, LongSAR, 0xBEEF, 0)
		if err != nil {
			t.Fatal(err)
		}
		s := enc.Segments[1]
		if s.ESMClassUDHI || s.SAR == nil || *s.SAR != (Concat{Ref: 0xBEEF, Total: 2, Seq: 2, Ref16: true}) || s.ShortMessage[0] != 'b' {
			t.Errorf("segment 2 = %+v", s)
		}
	})
	t.Run("payload", func(t *testing.T) {
		enc, err := Encode(text, LongPayload, 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(enc.Segments) != 1 || !enc.Segments[0].Payload || enc.Segments[0].ESMClassUDHI || len(enc.Segments[0].ShortMessage) != 200 {
			t.Errorf("payload segments = %+v", enc.Segments)
		}
	})
}

func TestEncodeLimits(t *testing.T) {
	a := func(n int) string { return strings.Repeat("a", n) }
	cases := []struct {
		name    string
		text    string
		mode    LongMode
		max     int
		wantErr error
		wantMsg string
	}{
		{"six parts within max 6", a(6 * 153), LongUDH8, 6, nil, ""},
		{"seven parts over max 6", a(6*153 + 1), LongUDH8, 6, ErrTooLong, "needs 7 segments, max 6"},
		{"udh16 counts its own budget", a(6 * 153), LongUDH16, 6, ErrTooLong, "needs 7 segments, max 6"},
		{"max 1 refuses two parts", a(161), LongUDH8, 1, ErrTooLong, "needs 2 segments, max 1"},
		{"max 1 allows a single", a(160), LongSAR, 1, nil, ""},
		{"payload counts handset parts", a(6*153 + 1), LongPayload, 6, ErrTooLong, "needs 7 segments, max 6"},
		{"255 parts allowed without limit", a(255 * 153), LongUDH8, 0, nil, ""},
		{"256 parts impossible", a(255*153 + 1), LongUDH8, 0, ErrTooLong, "needs 256 segments, max 255"},
		{"payload over 64 KiB", a(MaxPayloadOctets + 1), LongPayload, 0, ErrTooLong, "payload of 65536 octets exceeds 65535"},
		{"payload at 64 KiB", a(MaxPayloadOctets), LongPayload, 0, nil, ""},
		{"empty", "", LongUDH8, 6, ErrEmpty, ""},
		{"bad mode", "x", LongMode(9), 6, ErrBadLongMode, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			enc, err := Encode(tc.text, tc.mode, 7, tc.max)
			n, cerr := SegmentCount(tc.text, tc.mode)
			if tc.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				if cerr != nil || n != enc.Parts {
					t.Errorf("SegmentCount = %d, %v; Parts %d", n, cerr, enc.Parts)
				}
				if err := verifyEncoded(tc.text, tc.mode, 7, enc); err != nil {
					t.Error(err)
				}
				return
			}
			if !errors.Is(err, tc.wantErr) || enc != nil {
				t.Fatalf("Encode = %v, %v; want %v", enc, err, tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("error %q does not contain %q", err, tc.wantMsg)
			}
			if errors.Is(tc.wantErr, ErrTooLong) && tc.max > 0 {
				// SegmentCount knows no max: it reports the count.
				if cerr != nil || n <= tc.max {
					t.Errorf("SegmentCount = %d, %v; want > %d", n, cerr, tc.max)
				}
			} else if !errors.Is(cerr, tc.wantErr) {
				t.Errorf("SegmentCount err = %v, want %v", cerr, tc.wantErr)
			}
		})
	}
}

// randomText builds a string from a mix of one-septet, two-septet and
// non-GSM characters, BMP and astral, biased so that both GSM and UCS-2
// texts and all boundary situations occur.
func randomText(rng *rand.Rand) string {
	gsm := []rune("abcXYZ 0129@£$¥èÇΔΩ\n\r_!?ÄÖÑÜ§¿äöñüà")
	ext := []rune("€{}[]~|^\\\f")
	other := []rune("çЖж中文é́\u200dÿ`")
	astral := []rune("😀👍🏽🇩🇪𝄞")
	n := rng.Intn(700) + 1
	nonGSM := rng.Intn(3) == 0
	var sb strings.Builder
	for i := 0; i < n; i++ {
		switch p := rng.Intn(100); {
		case p < 70:
			sb.WriteRune(gsm[rng.Intn(len(gsm))])
		case p < 85:
			sb.WriteRune(ext[rng.Intn(len(ext))])
		case !nonGSM:
			sb.WriteRune(gsm[rng.Intn(len(gsm))])
		case p < 93:
			sb.WriteRune(other[rng.Intn(len(other))])
		default:
			sb.WriteRune(astral[rng.Intn(len(astral))])
		}
	}
	return sb.String()
}

// TestEncodeRoundTripProperty encodes many random texts in every mode and
// checks all invariants, including decode(concatenated parts) == text.
func TestEncodeRoundTripProperty(t *testing.T) {
	rng := rand.New(rand.NewSource(20240611))
	modes := []LongMode{LongUDH8, LongUDH16, LongSAR, LongPayload}
	for i := 0; i < 2000; i++ {
		text := randomText(rng)
		for _, mode := range modes {
			ref := uint16(rng.Intn(1 << 16))
			enc, err := Encode(text, mode, ref, 0)
			if err != nil {
				t.Fatalf("iteration %d mode %v: %v", i, mode, err)
			}
			if err := verifyEncoded(text, mode, ref, enc); err != nil {
				t.Fatalf("iteration %d mode %v: %v\ntext %q", i, mode, err, text)
			}
		}
	}
}

func TestEncodeInvalidUTF8(t *testing.T) {
	text := "ok\xff\xfe!"
	enc, err := Encode(text, LongUDH8, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if enc.DataCoding != DCSUCS2 || DecodeUCS2(enc.Segments[0].ShortMessage) != "ok\uFFFD\uFFFD!" {
		t.Errorf("got dc 0x%02X body % X", enc.DataCoding, enc.Segments[0].ShortMessage)
	}
}

func BenchmarkEncodeGSMLong(b *testing.B) {
	text := strings.Repeat("The quick brown fox jumps over the lazy dog {€}. ", 17) // 884 septets, 6 parts
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, err := Encode(text, LongUDH8, 42, 6); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeUCS2Long(b *testing.B) {
	text := strings.Repeat("Привет, мир! 😀 ", 25) // 400 units, 6 parts
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, err := Encode(text, LongUDH8, 42, 6); err != nil {
			b.Fatal(err)
		}
	}
}
