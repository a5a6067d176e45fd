package relay

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/mpimis/mpimis/store"
)

// sweepEvery is how many calls a limiter lets pass between sweeps of its
// stale keys.
const sweepEvery = 1024

// rateLimiter allows at most limit events per key in any sliding window of
// the given length. It is in memory: a restart forgets the last minute,
// which is harmless (the daily cap is stored).
type rateLimiter struct {
	limit  int
	window time.Duration

	mu    sync.Mutex
	hits  map[string][]time.Time
	calls int
}

func newRateLimiter(limit int, window time.Duration) *rateLimiter {
	return &rateLimiter{limit: limit, window: window, hits: map[string][]time.Time{}}
}

// allow records an event for key at now and reports whether it is within
// the limit; a refused event is not recorded. limit <= 0 allows all.
func (r *rateLimiter) allow(key string, now time.Time) bool {
	if r.limit <= 0 {
		return true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if r.calls%sweepEvery == 0 {
		r.sweep(now)
	}
	h := recent(r.hits[key], now, r.window)
	if len(h) >= r.limit {
		r.hits[key] = h
		return false
	}
	r.hits[key] = append(h, now)
	return true
}

// sweep drops keys with no event in the window.
func (r *rateLimiter) sweep(now time.Time) {
	for k, h := range r.hits {
		if len(recent(h, now, r.window)) == 0 {
			delete(r.hits, k)
		}
	}
}

// recent drops the times of h older than window before now (h is sorted).
func recent(h []time.Time, now time.Time, window time.Duration) []time.Time {
	i := 0
	for i < len(h) && now.Sub(h[i]) >= window {
		i++
	}
	return h[i:]
}

// noticeGate lets one notice per key through per period, so that a phone
// over a limit is told once, not on every message (an auto-responder would
// otherwise answer every notice).
type noticeGate struct {
	mu    sync.Mutex
	last  map[string]time.Time
	calls int
}

func newNoticeGate() *noticeGate { return &noticeGate{last: map[string]time.Time{}} }

// once reports whether a notice for key may go out at now, and if so
// records it.
func (g *noticeGate) once(key string, now time.Time, period time.Duration) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.calls++
	if g.calls%sweepEvery == 0 {
		for k, t := range g.last {
			if now.Sub(t) >= 24*time.Hour {
				delete(g.last, k)
			}
		}
	}
	if t, ok := g.last[key]; ok && now.Sub(t) < period {
		return false
	}
	g.last[key] = now
	return true
}

// limitHit says which limit refused a message.
type limitHit int

const (
	withinLimits limitHit = iota
	overMinute
	overDay
)

// takeLimits counts one message from sender (a peer: an XMPP bare JID or
// an imid peer) against the per-minute rate and the daily cap. Once per
// UTC day it also prunes the stored counts of earlier days.
func (c *Core) takeLimits(ctx context.Context, sender string, now time.Time) (limitHit, error) {
	if !c.rate.allow(sender, now) {
		return overMinute, nil
	}
	c.pruneDays(ctx, now.UTC().Format(time.DateOnly))
	err := c.st.WriteTx(ctx, func(tx *store.Tx) error { return c.takeDailyTx(ctx, tx, sender, now) })
	switch {
	case errors.Is(err, errOverDay):
		return overDay, nil
	case err != nil:
		return withinLimits, err
	}
	return withinLimits, nil
}

// checkLimits is takeLimits without counting the message against the
// daily cap (only read): the caller takes the count later, in the
// transaction of what the message leads to (see mo.daily). Only for
// senders whose messages are handled one at a time (an SMS user's MOs).
func (c *Core) checkLimits(ctx context.Context, sender string, now time.Time) (limitHit, error) {
	if !c.rate.allow(sender, now) {
		return overMinute, nil
	}
	day := now.UTC().Format(time.DateOnly)
	c.pruneDays(ctx, day)
	n, err := c.st.SentCount(ctx, sender, day)
	if err != nil {
		return withinLimits, err
	}
	if n >= c.cfg.SMSPerDay {
		return overDay, nil
	}
	return withinLimits, nil
}

// takeDaily takes the daily count an MO still owes (see mo.daily) in a
// transaction of its own.
func (c *Core) takeDaily(ctx context.Context, in *mo) error {
	if in.daily == "" {
		return nil
	}
	err := c.st.WriteTx(ctx, func(tx *store.Tx) error { return c.dailyTxFor(ctx, tx, in.daily, in.now) })
	if err != nil {
		return fmt.Errorf("relay: mo %d: daily count: %w", in.ID, err)
	}
	in.daily = ""
	return nil
}

// dailyTxFor counts one message of sender on now's day in tx, without a
// cap (limited checked it).
func (c *Core) dailyTxFor(ctx context.Context, tx *store.Tx, sender string, now time.Time) error {
	_, _, err := tx.TakeDailyQuota(ctx, sender, now.UTC().Format(time.DateOnly), 0)
	return err
}

// errOverDay is takeDailyTx's answer for a sender over the daily cap.
var errOverDay = errors.New("relay: over the daily cap")

// takeDailyTx counts one message from sender against the daily cap in
// tx, or returns errOverDay. The caller runs pruneDays first (it writes
// in a transaction of its own).
func (c *Core) takeDailyTx(ctx context.Context, tx *store.Tx, sender string, now time.Time) error {
	day := now.UTC().Format(time.DateOnly)
	if c.cfg.SMSPerDay <= 0 {
		return nil
	}
	_, ok, err := tx.TakeDailyQuota(ctx, sender, day, c.cfg.SMSPerDay)
	if err != nil {
		return err
	}
	if !ok {
		return errOverDay
	}
	return nil
}

// pruneDays deletes stored daily counts of days before day, once per day.
func (c *Core) pruneDays(ctx context.Context, day string) {
	c.pruneMu.Lock()
	due := c.prunedDay != day
	c.prunedDay = day
	c.pruneMu.Unlock()
	if !due {
		return
	}
	if n, err := c.st.PruneSent(ctx, day); err != nil {
		c.log.Warn("relay: pruning daily counts", "err", err)
	} else if n > 0 {
		c.log.Debug("relay: pruned daily counts", "rows", n)
	}
}
