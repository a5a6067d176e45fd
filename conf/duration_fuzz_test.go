package conf

import (
	"strconv"
	"testing"
	"time"
)

// FuzzDuration checks the duration values of the config: what parses
// prints back (MarshalText) to a string that parses to the same duration,
// every duration prints to a string that parses back to it, and a refusal
// quotes the value and carries time.ParseDuration's reason.
func FuzzDuration(f *testing.F) {
	for _, s := range []string{"30s", "1h30m", "24h", "-1.5h", "0", "1h0m0s", "9223372036854775807ns", "5", "1d", "", "2562047h47m16.854775808s"} {
		f.Add(s, int64(len(s))*int64(time.Minute))
	}
	f.Fuzz(func(t *testing.T, s string, n int64) {
		var d Duration
		if err := d.UnmarshalText([]byte(s)); err != nil {
			_, perr := time.ParseDuration(s)
			if perr == nil || err.Error() != "conf: "+strconv.Quote(s)+` is not a duration such as "30s", "5m" or "24h": `+perr.Error() {
				t.Fatalf("UnmarshalText(%q): %v (ParseDuration: %v)", s, err, perr)
			}
		} else {
			roundTrip(t, d)
		}
		roundTrip(t, Duration{time.Duration(n)})
	})
}

func roundTrip(t *testing.T, d Duration) {
	t.Helper()
	b, err := d.MarshalText()
	if err != nil {
		t.Fatalf("MarshalText(%v): %v", d.Duration, err)
	}
	var back Duration
	if err := back.UnmarshalText(b); err != nil || back != d {
		t.Fatalf("%v printed as %q parses to %v, %v", d.Duration, b, back.Duration, err)
	}
}
