package backoff

import (
	"testing"
	"time"
)

func TestBackoffGrowsWithinBounds(t *testing.T) {
	b := Backoff{Min: 100 * time.Millisecond, Max: time.Second}
	wantCeil := []time.Duration{100, 200, 400, 800, 1000, 1000}
	for round := 0; round < 2; round++ {
		for i, c := range wantCeil {
			ceil := c * time.Millisecond
			d := b.Next()
			if d < ceil/2 || d > ceil {
				t.Errorf("round %d step %d: %v outside [%v, %v]", round, i, d, ceil/2, ceil)
			}
		}
		b.Reset()
	}
}

func TestBackoffJitters(t *testing.T) {
	seen := map[time.Duration]bool{}
	for i := 0; i < 50; i++ {
		b := Backoff{Min: time.Second, Max: time.Second}
		seen[b.Next()] = true
	}
	if len(seen) < 10 {
		t.Fatalf("only %d distinct waits in 50 draws: no jitter", len(seen))
	}
}
