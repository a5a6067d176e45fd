package conf

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestDurationUnmarshalText(t *testing.T) {
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"30s", 30 * time.Second, true},
		{"5m", 5 * time.Minute, true},
		{"24h", 24 * time.Hour, true},
		{"1h30m", 90 * time.Minute, true},
		{"250ms", 250 * time.Millisecond, true},
		{"0", 0, true},
		{"0s", 0, true},
		{"-1s", -time.Second, true},
		{"", 0, false},
		{"30", 0, false},
		{"1d", 0, false},
		{"five minutes", 0, false},
	}
	for i, tc := range cases {
		var d Duration
		err := d.UnmarshalText([]byte(tc.in))
		if (err == nil) != tc.ok {
			t.Errorf("%d %q: error %v, want ok=%v", i, tc.in, err, tc.ok)
			continue
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "conf: ") {
				t.Errorf("%d %q: error %q lacks the prefix", i, tc.in, err)
			}
			var perr interface{ Unwrap() error }
			if !errors.As(err, &perr) {
				t.Errorf("%d %q: error %q does not wrap the cause", i, tc.in, err)
			}
			continue
		}
		if d.Duration != tc.want {
			t.Errorf("%d %q: got %v, want %v", i, tc.in, d.Duration, tc.want)
		}
	}
}

func TestDurationMarshalText(t *testing.T) {
	cases := []struct {
		in   time.Duration
		want string
	}{
		{0, "0s"},
		{30 * time.Second, "30s"},
		{5 * time.Minute, "5m"},
		{10 * time.Minute, "10m"},
		{24 * time.Hour, "24h"},
		{90 * time.Minute, "1h30m"},
		{90 * time.Second, "1m30s"},
		{time.Hour + time.Second, "1h0m1s"},
		{1500 * time.Millisecond, "1.5s"},
		{250 * time.Millisecond, "250ms"},
		{-2 * time.Hour, "-2h"},
	}
	for i, tc := range cases {
		b, err := Duration{tc.in}.MarshalText()
		if err != nil || string(b) != tc.want {
			t.Errorf("%d %v: got %q, %v; want %q", i, tc.in, b, err, tc.want)
			continue
		}
		var back Duration
		if err := back.UnmarshalText(b); err != nil || back.Duration != tc.in {
			t.Errorf("%d %v: round trip gave %v, %v", i, tc.in, back.Duration, err)
		}
	}
}
