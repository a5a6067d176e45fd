// Package backoff computes reconnect waits: exponential growth with jitter,
// shared by mpimis' XMPP links and its SMPP session.
package backoff

import (
	"math/rand/v2"
	"time"
)

// Backoff yields waits drawn uniformly from [d/2, d], where d starts at Min
// and doubles on each call up to Max. The jitter keeps many instances, or
// several links of one instance, from redialling a restarted server in
// lockstep. The zero value is not useful: set Min and Max.
type Backoff struct {
	Min, Max time.Duration
	cur      time.Duration
}

// Next returns the next wait.
func (b *Backoff) Next() time.Duration {
	switch {
	case b.cur == 0:
		b.cur = b.Min
	case b.cur < b.Max:
		b.cur *= 2
	}
	if b.cur > b.Max {
		b.cur = b.Max
	}
	half := b.cur / 2
	return half + rand.N(half+1)
}

// Reset starts again from Min, after a connection that worked.
func (b *Backoff) Reset() { b.cur = 0 }
