package smsbridge

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseDLRText checks that any input either fails with ErrBadDLR or
// yields a report with the required fields, upper-case stat and valid
// UTF-8 everywhere.
func FuzzParseDLRText(f *testing.F) {
	for _, s := range []string{
		"id:0123456789 sub:001 dlvrd:001 submit date:2401311530 done date:2401311531 stat:DELIVRD err:000 Text:Hello",
		"ID:7B STAT:undeliv submit_date:240131153005",
		"id: stat:", "text:id:1 stat:DELIVRD", "id:1 stat:DELIVRD text:\xff\xfe",
		"submitdate:20240229235959 id:x status:delivered", "",
		"id:1 id:2 stat:a stat:b", "  id  :  1  stat  :  ok  ",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := ParseDLRText(b)
		if err != nil {
			if !errors.Is(err, ErrBadDLR) || d != nil {
				t.Fatalf("error %v with %+v", err, d)
			}
			return
		}
		if d.ID == "" || d.Stat == "" || d.Stat != strings.ToUpper(d.Stat) {
			t.Fatalf("bad report %+v", d)
		}
		for _, s := range []string{d.ID, d.Stat, d.Err, d.Text} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 in %+v", d)
			}
		}
		if d.Sub < 0 || d.Dlvrd < 0 {
			t.Fatalf("negative counters %+v", d)
		}
		if d.ID != strings.TrimSpace(d.ID) || d.Err != strings.TrimSpace(d.Err) {
			t.Fatalf("untrimmed values %+v", d)
		}
	})
}
