// Package lanes runs work on a fixed set of goroutines ("lanes") so that
// items with the same key run one at a time in the order they were put,
// while items of other keys run concurrently. It serves the component
// links (stanzas ordered per conversation) and the SMS flow (MO messages
// ordered per phone).
package lanes

import (
	"hash/maphash"
	"sync"
)

// Lanes has one ordered lane, for items that must keep arrival order
// with each other, and n keyed lanes. Put and Close must not be called
// concurrently with Close.
type Lanes[T any] struct {
	run   func(T)
	seed  maphash.Seed
	chans []chan T // [0] is the ordered lane
	wg    sync.WaitGroup
}

// New starts n keyed lanes (n may be 0) and the ordered one, each with a
// buffer of depth items, running run on every item.
func New[T any](n, depth int, run func(T)) *Lanes[T] {
	if n < 0 {
		n = 0
	}
	l := &Lanes[T]{run: run, seed: maphash.MakeSeed(), chans: make([]chan T, n+1)}
	for i := range l.chans {
		ch := make(chan T, depth)
		l.chans[i] = ch
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for v := range ch {
				l.run(v)
			}
		}()
	}
	return l
}

// Keyed returns the number of keyed lanes.
func (l *Lanes[T]) Keyed() int { return len(l.chans) - 1 }

// Put queues v on the lane of key, or on the ordered lane when ordered
// is true (or there are no keyed lanes). It blocks while that lane is
// full.
func (l *Lanes[T]) Put(key string, ordered bool, v T) {
	i := 0
	if !ordered {
		i = l.lane(key)
	}
	l.chans[i] <- v
}

// lane returns the index of key's lane.
func (l *Lanes[T]) lane(key string) int {
	if len(l.chans) == 1 {
		return 0
	}
	return 1 + int(maphash.String(l.seed, key)%uint64(len(l.chans)-1))
}

// Close waits until every item put has run, then ends the lanes.
func (l *Lanes[T]) Close() {
	for _, ch := range l.chans {
		close(ch)
	}
	l.wg.Wait()
}
