package relay

import (
	"hash/fnv"
	"strings"
	"sync"
	"time"
)

// loopGuard implements the loop rule documented on Config.LoopRepeats: a
// message from A to B is refused when A already sent B the same text
// repeats times within window and B sent A anything within window.
type loopGuard struct {
	repeats int
	window  time.Duration

	mu    sync.Mutex
	same  map[loopKey]*loopCount // A -> B with one text
	last  map[[2]string]time.Time
	calls int
}

type loopKey struct {
	from, to string
	text     uint64
}

type loopCount struct {
	n     int
	first time.Time
}

func newLoopGuard(repeats int, window time.Duration) *loopGuard {
	return &loopGuard{repeats: repeats, window: window,
		same: map[loopKey]*loopCount{}, last: map[[2]string]time.Time{}}
}

// pass reports whether a message from -> to with text may go, and if so
// records it.
func (g *loopGuard) pass(from, to, text string, now time.Time) bool {
	key := loopKey{from, to, textHash(text)}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.calls++
	if g.calls%sweepEvery == 0 {
		g.sweep(now)
	}
	cnt := g.same[key]
	if cnt != nil && now.Sub(cnt.first) >= g.window {
		cnt = nil
	}
	back, answered := g.last[[2]string{to, from}]
	if cnt != nil && cnt.n >= g.repeats && answered && now.Sub(back) < g.window {
		return false
	}
	if cnt == nil {
		cnt = &loopCount{first: now}
		g.same[key] = cnt
	}
	cnt.n++
	g.last[[2]string{from, to}] = now
	return true
}

func (g *loopGuard) sweep(now time.Time) {
	for k, c := range g.same {
		if now.Sub(c.first) >= g.window {
			delete(g.same, k)
		}
	}
	for k, t := range g.last {
		if now.Sub(t) >= g.window {
			delete(g.last, k)
		}
	}
}

// textHash hashes text case-insensitively with white space collapsed, so
// that an auto-responder's "Away " and "away" count as the same text.
func textHash(text string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(strings.ToLower(strings.Join(strings.Fields(text), " "))))
	return h.Sum64()
}
