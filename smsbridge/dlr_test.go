package smsbridge

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func utc(y int, mo time.Month, d, h, mi, s int) time.Time {
	return time.Date(y, mo, d, h, mi, s, 0, time.UTC)
}

func TestParseDLRText(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want DLR
	}{
		{
			"appendix B",
			"id:0123456789 sub:001 dlvrd:001 submit date:2401311530 done date:2401311531 stat:DELIVRD err:000 Text:Hello world",
			DLR{ID: "0123456789", Sub: 1, Dlvrd: 1, SubmitDate: utc(2024, 1, 31, 15, 30, 0), DoneDate: utc(2024, 1, 31, 15, 31, 0), Stat: "DELIVRD", Err: "000", Text: "Hello world"},
		},
		{
			"case and underscores, seconds in dates",
			"ID:7B sub:1 DLVRD:0 SUBMIT_DATE:240131153005 Done_Date:240131153107 STAT:undeliv ERR:034 TEXT: x",
			DLR{ID: "7B", Sub: 1, SubmitDate: utc(2024, 1, 31, 15, 30, 5), DoneDate: utc(2024, 1, 31, 15, 31, 7), Stat: "UNDELIV", Err: "034", Text: "x"},
		},
		{
			"no separator in date keys, extra spaces",
			"  id : abc-DEF   submitdate:2401010000  donedate : 2401010001   stat :  EXPIRED   ",
			DLR{ID: "abc-DEF", SubmitDate: utc(2024, 1, 1, 0, 0, 0), DoneDate: utc(2024, 1, 1, 0, 1, 0), Stat: "EXPIRED"},
		},
		{
			"minimal",
			"id:1 stat:ENROUTE",
			DLR{ID: "1", Stat: "ENROUTE"},
		},
		{
			"fields in another order",
			"stat:REJECTD err:0x0B id:99",
			DLR{ID: "99", Stat: "REJECTD", Err: "0x0B"},
		},
		{
			"text contains keys and is cut",
			"id:5 stat:DELIVRD text:stat:FAILED id:6 sub:9 dlvr",
			DLR{ID: "5", Stat: "DELIVRD", Text: "stat:FAILED id:6 sub:9 dlvr"},
		},
		{
			"status and error spellings, long stat",
			"id:42 status:Delivered error:0",
			DLR{ID: "42", Stat: "DELIVRD", Err: "0"},
		},
		{
			"nul terminated",
			"id:42 stat:ACCEPTD\x00\x00",
			DLR{ID: "42", Stat: "ACCEPTD"},
		},
		{
			"empty value before next key",
			"id:42 err: stat:DELETED",
			DLR{ID: "42", Stat: "DELETED"},
		},
		{
			"bad counters and dates are left zero",
			"id:42 sub:abc dlvrd:-1 submit date:2413011200 done date:99 stat:UNKNOWN",
			DLR{ID: "42", Stat: "UNKNOWN"},
		},
		{
			"four-digit year",
			"id:42 done date:20240229235959 stat:DELIVRD",
			DLR{ID: "42", DoneDate: utc(2024, 2, 29, 23, 59, 59), Stat: "DELIVRD"},
		},
		{
			"first occurrence wins",
			"id:1 id:2 stat:DELIVRD stat:UNDELIV",
			DLR{ID: "1", Stat: "DELIVRD"},
		},
		{
			"key inside a word is not a key",
			"msgid:7 id:8 stat:DELIVRD",
			DLR{ID: "8", Stat: "DELIVRD"},
		},
		{
			"invalid utf8 in text",
			"id:1 stat:DELIVRD text:caf\xe9",
			DLR{ID: "1", Stat: "DELIVRD", Text: "caf\uFFFD"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseDLRText([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if *got != tc.want {
				t.Errorf("got  %+v\nwant %+v", *got, tc.want)
			}
		})
	}
}

func TestParseDLRTextErrors(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"empty", "", "missing id and stat"},
		{"no stat", "id:1 sub:001 dlvrd:001 err:000", "missing stat"},
		{"no id", "sub:001 stat:DELIVRD", "missing id"},
		{"empty id", "id: stat:DELIVRD", "missing id"},
		{"stat only in text", "id:1 text:stat:DELIVRD", "missing stat"},
		{"free text", "Your message was delivered", "missing id and stat"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := ParseDLRText([]byte(tc.in))
			if !errors.Is(err, ErrBadDLR) || d != nil {
				t.Fatalf("got %+v, %v; want ErrBadDLR", d, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestDLRFinalDelivered(t *testing.T) {
	cases := []struct {
		stat             string
		final, delivered bool
	}{
		{"DELIVRD", true, true},
		{"EXPIRED", true, false},
		{"DELETED", true, false},
		{"UNDELIV", true, false},
		{"ACCEPTD", true, false},
		{"UNKNOWN", true, false},
		{"REJECTD", true, false},
		{"SKIPPED", true, false},
		{"ENROUTE", false, false},
		{"BUFFRED", false, false},
	}
	for i, tc := range cases {
		d := DLR{ID: "1", Stat: tc.stat}
		if d.Final() != tc.final || d.Delivered() != tc.delivered {
			t.Errorf("case %d %s: Final %v Delivered %v; want %v %v", i, tc.stat, d.Final(), d.Delivered(), tc.final, tc.delivered)
		}
	}
}

func TestStatFromMessageState(t *testing.T) {
	want := map[byte]string{
		0: "UNKNOWN", 1: "ENROUTE", 2: "DELIVRD", 3: "EXPIRED", 4: "DELETED",
		5: "UNDELIV", 6: "ACCEPTD", 7: "UNKNOWN", 8: "REJECTD", 9: "SKIPPED", 200: "UNKNOWN",
	}
	for state, w := range want {
		if got := StatFromMessageState(state); got != w {
			t.Errorf("state %d: %q, want %q", state, got, w)
		}
	}
}

func TestIsDeliveryReceipt(t *testing.T) {
	cases := []struct {
		esm                   byte
		receipt, intermediate bool
	}{
		{0x00, false, false},
		{0x04, true, false},
		{0x44, true, false}, // with UDHI
		{0x84, true, false}, // with reply path
		{0x08, false, false},
		{0x10, false, false},
		{0x18, false, false},
		{0x20, true, true},
		{0x24, false, false}, // undefined type
		{0x40, false, false},
		{0x03, false, false}, // messaging mode bits only
		{0x07, true, false},
	}
	for i, tc := range cases {
		if got := IsDeliveryReceipt(tc.esm); got != tc.receipt {
			t.Errorf("case %d esm 0x%02X: IsDeliveryReceipt = %v", i, tc.esm, got)
		}
		if got := IsIntermediateNotification(tc.esm); got != tc.intermediate {
			t.Errorf("case %d esm 0x%02X: IsIntermediateNotification = %v", i, tc.esm, got)
		}
	}
}

func TestDLRFromTLVs(t *testing.T) {
	cases := []struct {
		name    string
		id      string
		state   byte
		text    string
		want    DLR
		wantErr bool
	}{
		{"TLVs only", "A1B2\x00", 2, "", DLR{ID: "A1B2", Stat: "DELIVRD"}, false},
		{"TLVs win over text", "77", 5, "id:78 sub:001 dlvrd:000 stat:DELIVRD err:012",
			DLR{ID: "77", Sub: 1, Stat: "UNDELIV", Err: "012"}, false},
		{"unparsable text ignored", "77", 3, "garbage", DLR{ID: "77", Stat: "EXPIRED"}, false},
		{"empty id", "\x00", 2, "", DLR{}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := DLRFromTLVs([]byte(tc.id), tc.state, []byte(tc.text))
			if tc.wantErr {
				if !errors.Is(err, ErrBadDLR) {
					t.Fatalf("err = %v, want ErrBadDLR", err)
				}
				return
			}
			if err != nil || *d != tc.want {
				t.Errorf("got %+v, %v; want %+v", d, err, tc.want)
			}
		})
	}
}

func BenchmarkParseDLRText(b *testing.B) {
	in := []byte("id:0123456789 sub:001 dlvrd:001 submit date:2401311530 done date:2401311531 stat:DELIVRD err:000 Text:Hello world, this is")
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := ParseDLRText(in); err != nil {
			b.Fatal(err)
		}
	}
}
