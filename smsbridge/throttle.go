package smsbridge

import (
	"context"
	"sync"
	"time"
)

// throttle is a token bucket: rate tokens per second, at most burst of them
// saved up. It is applied to submit_sm only, never to responses or
// enquire_link. With burst 1, n takes need at least (n-1)/rate; in general
// (n-burst)/rate. A nil *throttle never waits.
type throttle struct {
	interval time.Duration // time per token
	slack    time.Duration // (burst-1) * interval

	mu   sync.Mutex
	next time.Time // when the next token is due, before slack
}

// newThrottle returns a bucket of rate tokens per second, or nil (no limit)
// when rate <= 0.
func newThrottle(rate, burst int) *throttle {
	if rate <= 0 {
		return nil
	}
	if burst < 1 {
		burst = 1
	}
	iv := time.Second / time.Duration(rate)
	return &throttle{interval: iv, slack: time.Duration(burst-1) * iv}
}

// reserve takes the next token at time now and returns when its holder may
// proceed (now or later).
func (t *throttle) reserve(now time.Time) time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	if earliest := now.Add(-t.slack); t.next.Before(earliest) {
		t.next = earliest
	}
	at := t.next
	t.next = t.next.Add(t.interval)
	if at.Before(now) {
		return now
	}
	return at
}

// unreserve gives back the token reserved for at if no later one was taken.
func (t *throttle) unreserve(at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.next.Equal(at.Add(t.interval)) {
		t.next = at
	}
}

// wait blocks until a token is available or ctx is done.
func (t *throttle) wait(ctx context.Context) error {
	if t == nil {
		return ctx.Err()
	}
	now := time.Now()
	at := t.reserve(now)
	d := at.Sub(now)
	if d <= 0 {
		return ctx.Err()
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return nil
	case <-ctx.Done():
		t.unreserve(at)
		return ctx.Err()
	}
}
