package rooms

import "time"

// bucket is a token bucket refilled at perMinute tokens a minute up to
// perMinute: an occupant may burst a minute's budget, then keeps to the
// rate.
type bucket struct {
	tokens    float64
	perMinute float64
	last      time.Time
}

func (b *bucket) init(perMinute int, now time.Time) {
	b.perMinute = float64(perMinute)
	b.tokens = b.perMinute
	b.last = now
}

// take spends one token if there is one.
func (b *bucket) take(now time.Time) bool {
	if el := now.Sub(b.last); el > 0 {
		b.tokens = min(b.perMinute, b.tokens+el.Minutes()*b.perMinute)
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
