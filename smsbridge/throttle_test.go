package smsbridge

import (
	"context"
	"testing"
	"time"
)

func TestThrottleReserve(t *testing.T) {
	t0 := time.Unix(1000, 0)
	ms := time.Millisecond
	cases := []struct {
		name        string
		rate, burst int
		takes       []time.Duration // offsets from t0 at which tokens are asked for
		want        []time.Duration // offsets at which they are granted
	}{
		{"burst 1 back to back", 20, 1, []time.Duration{0, 0, 0, 0}, []time.Duration{0, 50 * ms, 100 * ms, 150 * ms}},
		{"burst 1 spaced", 20, 1, []time.Duration{0, 60 * ms, 70 * ms}, []time.Duration{0, 60 * ms, 110 * ms}},
		{"burst 3", 10, 3, []time.Duration{0, 0, 0, 0, 0}, []time.Duration{0, 0, 0, 100 * ms, 200 * ms}},
		{"burst refills", 10, 2, []time.Duration{0, 0, time.Second, time.Second, time.Second}, []time.Duration{0, 0, time.Second, time.Second, time.Second + 100*ms}},
	}
	for i, tc := range cases {
		th := newThrottle(tc.rate, tc.burst)
		for j, off := range tc.takes {
			got := th.reserve(t0.Add(off)).Sub(t0)
			if got != tc.want[j] {
				t.Errorf("case %d (%s): take %d at %s granted at %s, want %s", i, tc.name, j, off, got, tc.want[j])
			}
		}
	}
}

func TestThrottleLowerBound(t *testing.T) {
	// n takes at rate r with burst b cannot finish before (n-b)/r.
	const rate, burst, n = 100, 1, 21
	th := newThrottle(rate, burst)
	start := time.Now()
	for range n {
		if err := th.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if lower := time.Duration(n-burst) * time.Second / rate; time.Since(start) < lower {
		t.Errorf("%d takes took %s, want >= %s", n, time.Since(start), lower)
	}
}

func TestThrottleCancelGivesTokenBack(t *testing.T) {
	th := newThrottle(1, 1)
	if err := th.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := th.wait(ctx); err == nil {
		t.Fatal("wait with a cancelled context succeeded while no token was due")
	}
	// The cancelled reservation was returned: the next token is still the
	// one due a second after the first, not two.
	next := th.reserve(time.Now())
	if d := time.Until(next); d > time.Second {
		t.Errorf("next token in %s, want <= 1s", d)
	}
}

func TestThrottleNilNeverWaits(t *testing.T) {
	th := newThrottle(0, 1)
	if th != nil {
		t.Fatal("rate 0 should give no throttle")
	}
	for range 1000 {
		if err := th.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}
