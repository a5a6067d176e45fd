package ident

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestParsePhone(t *testing.T) {
	tests := []struct {
		raw, region, e164, masked string
	}{
		{"+4915112345678", "", "+4915112345678", "+49*********78"},
		{"004915112345678", "", "+4915112345678", "+49*********78"},
		{"4915112345678", "", "+4915112345678", "+49*********78"},
		{"015112345678", "DE", "+4915112345678", "+49*********78"},
		{"(0151) 123-456 78", "de", "+4915112345678", "+49*********78"},
		{" +49 151 1234 5678\t", "", "+4915112345678", "+49*********78"},
		{"+49.151/12345678", "", "+4915112345678", "+49*********78"},
		{"004915112345678", "DE", "+4915112345678", "+49*********78"},
		{"+4915112345678", "GB", "+4915112345678", "+49*********78"},
		{"+447700900123", "", "+447700900123", "+44********23"},
		{"447700900123", "", "+447700900123", "+44********23"},
		{"07700 900123", "GB", "+447700900123", "+44********23"},
		{"+12025550123", "", "+12025550123", "+1********23"},
		{"(202) 555-0123", "US", "+12025550123", "+1********23"},
		{"+33612345678", "", "+33612345678", "+33*******78"},
		{"+390612345678", "", "+390612345678", "+39********78"}, // Italian leading zero kept
		{"+8613812345678", "", "+8613812345678", "+86*********78"},
		{"+80012345678", "", "+80012345678", "+800******78"}, // non-geographic, 3-digit code
		{"+4912345", "", "+4912345", "+49*****"},             // short national number: all masked
	}
	for i, tc := range tests {
		p, err := ParsePhone(tc.raw, tc.region)
		if err != nil {
			t.Errorf("%d %q/%q: error %v", i, tc.raw, tc.region, err)
			continue
		}
		if got := p.E164(); got != tc.e164 {
			t.Errorf("%d %q/%q: E164 %q, want %q", i, tc.raw, tc.region, got, tc.e164)
		}
		if got, want := p.SMPPAddr(), tc.e164[1:]; got != want {
			t.Errorf("%d %q/%q: SMPPAddr %q, want %q", i, tc.raw, tc.region, got, want)
		}
		if got := p.String(); got != tc.masked {
			t.Errorf("%d %q/%q: String %q, want %q", i, tc.raw, tc.region, got, tc.masked)
		}
		if p.IsZero() {
			t.Errorf("%d %q/%q: IsZero", i, tc.raw, tc.region)
		}
		again, err := ParsePhone(p.E164(), "")
		if err != nil || again != p {
			t.Errorf("%d %q/%q: reparse of E164 = %v, %v; want == original", i, tc.raw, tc.region, again, err)
		}
	}
}

func TestParsePhoneRejects(t *testing.T) {
	tests := []struct {
		raw, region string
		want        error
	}{
		{"", "", ErrPhoneEmpty},
		{"   ", "", ErrPhoneEmpty},
		{"+", "", ErrPhoneEmpty},
		{"( - )", "DE", ErrPhoneEmpty},
		{"+49 151 CALL ME", "", ErrPhoneSyntax},
		{"1-800-FLOWERS", "US", ErrPhoneSyntax},
		{"+4915112345678 ext. 12", "", ErrPhoneSyntax},
		{"+49151123456#78", "", ErrPhoneSyntax},
		{"+49+15112345678", "", ErrPhoneSyntax},
		{"+４915112345678", "", ErrPhoneSyntax}, // fullwidth digit
		{"015112345678", "XX", ErrPhoneRegion},
		{"+49 12", "", ErrPhoneNotPossible},                  // too short
		{"+49151123456789012", "", ErrPhoneNotPossible},      // too long
		{"+4915112345678901234567", "", ErrPhoneNotPossible}, // beyond E.164
		{"015112345678", "", ErrPhoneNotPossible},            // read as +015...
		{"+0015112345678", "", ErrPhoneNotPossible},
		{"12", "DE", ErrPhoneNotPossible},
		{"+999123456789", "", ErrPhoneNotPossible}, // unassigned country code
	}
	for i, tc := range tests {
		p, err := ParsePhone(tc.raw, tc.region)
		if !errors.Is(err, tc.want) {
			t.Errorf("%d %q/%q: got %v, %v; want %v", i, tc.raw, tc.region, p.E164(), err, tc.want)
			continue
		}
		if !p.IsZero() {
			t.Errorf("%d %q/%q: error with a non-zero Phone", i, tc.raw, tc.region)
		}
		if d := digitsOf(tc.raw); len(d) > 3 && strings.Contains(err.Error(), d[len(d)-4:]) {
			t.Errorf("%d %q/%q: error %q contains digits of the input", i, tc.raw, tc.region, err)
		}
	}
}

func digitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func TestPhoneZero(t *testing.T) {
	var p Phone
	if !p.IsZero() || p.E164() != "" || p.SMPPAddr() != "" || p.String() != "" {
		t.Errorf("zero Phone: IsZero %v E164 %q SMPPAddr %q String %q", p.IsZero(), p.E164(), p.SMPPAddr(), p.String())
	}
	if got := fmt.Sprintf("%#v", p); got != "ident.Phone{}" {
		t.Errorf("%%#v of zero Phone = %q", got)
	}
	if b, err := json.Marshal(p); err != nil || string(b) != `""` {
		t.Errorf("json of zero Phone = %s, %v", b, err)
	}
}

// leaks reports whether out contains any four consecutive digits of the
// national significant number of the Phone e164 (with country code cc).
func leaks(out, e164 string, cc int) bool {
	nsn := e164[1+cc:]
	for i := 0; i+4 <= len(nsn); i++ {
		if strings.Contains(out, nsn[i:i+4]) {
			return true
		}
	}
	return strings.Contains(out, e164[1:])
}

type exported struct {
	Name  string
	Phone Phone
	Ptr   *Phone
}

type unexported struct {
	name  string
	phone Phone
}

// TestPhoneNeverLeaks checks every accidental way of printing a Phone.
func TestPhoneNeverLeaks(t *testing.T) {
	for _, tc := range []struct {
		e164 string
		cc   int
	}{{"+4915112345678", 2}, {"+447700900123", 2}, {"+12025550123", 1}, {"+80012345678", 3}} {
		p, err := ParsePhone(tc.e164, "")
		if err != nil {
			t.Fatal(err)
		}
		ex := exported{Name: "x", Phone: p, Ptr: &p}
		un := unexported{name: "x", phone: p}
		outputs := map[string]string{
			"Sprint":          fmt.Sprint(p),
			"Sprintln":        fmt.Sprintln(p, &p),
			"verbs":           fmt.Sprintf("%v %s %+v %#v %q %x %X %d %10.4s %-20v", p, p, p, p, p, p, p, p, p, p),
			"pointer":         fmt.Sprintf("%v %s %+v %#v %q", &p, &p, &p, &p, &p),
			"exported struct": fmt.Sprintf("%v %+v %#v %s", ex, ex, ex, ex),
			"unexported":      fmt.Sprintf("%v %+v %#v", un, un, un),
			"slice and map":   fmt.Sprintf("%v %#v", []Phone{p}, map[Phone]int{p: 1}),
			"error":           fmt.Errorf("sending to %v: %w", p, errors.New("x")).Error(),
			"GoString":        p.GoString(),
		}
		for name, v := range map[string]any{"phone": p, "pointer": &p, "exported": ex, "unexported": un} {
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("json.Marshal %s: %v", name, err)
			}
			outputs["json "+name] = string(b)
		}
		var text, js bytes.Buffer
		for _, h := range []slog.Handler{slog.NewTextHandler(&text, nil), slog.NewJSONHandler(&js, nil)} {
			l := slog.New(h)
			l.Info("msg", "phone", p, "ptr", &p, "exported", ex, "unexported", un, slog.Any("any", p),
				slog.Group("g", "phone", p))
			l.With("phone", p).Info("with")
		}
		outputs["slog text"] = text.String()
		outputs["slog json"] = js.String()

		for name, out := range outputs {
			if leaks(out, tc.e164, tc.cc) {
				t.Errorf("%s: %s leaks the number: %s", tc.e164, name, out)
			}
		}
		// The masked form must actually be there (the test would pass
		// vacuously if Phones printed as nothing).
		for _, name := range []string{"Sprint", "verbs", "exported struct", "json phone", "slog text", "slog json"} {
			if !strings.Contains(outputs[name], p.String()) {
				t.Errorf("%s: %s lacks the masked form %q: %s", tc.e164, name, p.String(), outputs[name])
			}
		}
	}
}

func TestPhoneFormatVerbs(t *testing.T) {
	p, err := ParsePhone("+4915112345678", "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ format, want string }{
		{"%v", "+49*********78"},
		{"%s", "+49*********78"},
		{"%+v", "+49*********78"},
		{"%q", `"+49*********78"`},
		{"%#v", `ident.Phone{"+49*********78"}`},
		{"%16s|", "  +49*********78|"},
		{"%-16s|", "+49*********78  |"},
	}
	for i, tc := range tests {
		if got := fmt.Sprintf(tc.format, p); got != tc.want {
			t.Errorf("%d %s: %q, want %q", i, tc.format, got, tc.want)
		}
	}
	if got := p.LogValue(); got.Kind() != slog.KindString || got.String() != "+49*********78" {
		t.Errorf("LogValue = %v", got)
	}
	if b, err := p.MarshalJSON(); err != nil || string(b) != `"+49*********78"` {
		t.Errorf("MarshalJSON = %s, %v", b, err)
	}
}

func TestPhoneComparable(t *testing.T) {
	a, err1 := ParsePhone("+4915112345678", "")
	b, err2 := ParsePhone("015112345678", "DE")
	c, err3 := ParsePhone("+4915112345679", "")
	if err1 != nil || err2 != nil || err3 != nil {
		t.Fatal(err1, err2, err3)
	}
	if a != b {
		t.Error("same number parsed two ways is not ==")
	}
	if a == c {
		t.Error("different numbers are ==")
	}
}
