package component

import (
	"math/rand/v2"
	"time"
)

// backoff yields exponentially growing waits with jitter: each wait is drawn
// uniformly from [d/2, d] where d doubles from min up to max. The jitter keeps
// many instances (or both links of one instance) from redialling a restarted
// server in lockstep.
type backoff struct {
	min, max time.Duration
	cur      time.Duration
}

func (b *backoff) next() time.Duration {
	switch {
	case b.cur == 0:
		b.cur = b.min
	case b.cur < b.max:
		b.cur *= 2
	}
	if b.cur > b.max {
		b.cur = b.max
	}
	half := b.cur / 2
	return half + rand.N(half+1)
}

func (b *backoff) reset() { b.cur = 0 }
