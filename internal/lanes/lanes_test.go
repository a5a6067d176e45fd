package lanes

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

type item struct{ key, id string }

// recorder records per key the order items ran in; items of key
// "blocked" wait for block.
type recorder struct {
	mu    sync.Mutex
	seen  map[string][]string
	block chan struct{}
}

func (r *recorder) run(it item) {
	if it.key == "blocked" {
		<-r.block
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen[it.key] = append(r.seen[it.key], it.id)
}

func (r *recorder) count(key string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.seen[key])
}

func TestKeyedLanesKeepOrderPerKeyAndDoNotWaitForOtherKeys(t *testing.T) {
	r := &recorder{seen: map[string][]string{}, block: make(chan struct{})}
	const perKey = 200
	// Deep enough that a key sharing the blocked key's lane does not
	// block the Puts below.
	l := New(8, 5*perKey+1, r.run)
	l.Put("blocked", false, item{"blocked", "b0"})
	keys := []string{"a", "b", "c", "d", "e"}
	for i := range perKey {
		for _, k := range keys {
			if k == "blocked" {
				continue
			}
			l.Put(k, false, item{k, fmt.Sprint(i)})
		}
	}
	// Every key that does not share the blocked key's lane finishes
	// while that lane is stuck; the others are behind it, as they should.
	blockedLane := l.lane("blocked")
	deadline := time.Now().Add(10 * time.Second)
	for _, k := range keys {
		if l.lane(k) == blockedLane {
			continue
		}
		for r.count(k) < perKey {
			if time.Now().After(deadline) {
				t.Fatalf("key %s waited for another key's lane: %d of %d ran", k, r.count(k), perKey)
			}
			time.Sleep(time.Millisecond)
		}
	}
	if r.count("blocked") != 0 {
		t.Fatal("blocked item ran")
	}
	close(r.block)
	l.Close()
	for _, k := range keys {
		ids := r.seen[k]
		if len(ids) != perKey {
			t.Fatalf("key %s: %d of %d ran", k, len(ids), perKey)
		}
		for i, id := range ids {
			if id != fmt.Sprint(i) {
				t.Fatalf("key %s: item %d ran as %s: order lost", k, i, id)
			}
		}
	}
}

func TestOrderedLaneKeepsArrivalOrder(t *testing.T) {
	var got []string
	l := New(8, 2, func(it item) { got = append(got, it.id) }) // one goroutine: no lock needed
	for i := range 100 {
		l.Put(fmt.Sprint("k", i%7), true, item{id: fmt.Sprint(i)})
	}
	l.Close()
	if len(got) != 100 {
		t.Fatalf("%d of 100 ran", len(got))
	}
	for i, id := range got {
		if id != fmt.Sprint(i) {
			t.Fatalf("item %d ran as %s", i, id)
		}
	}
}

func TestNoKeyedLanesRunsEverythingInOrder(t *testing.T) {
	var got []string
	l := New(0, 1, func(it item) { got = append(got, it.id) })
	if l.Keyed() != 0 {
		t.Fatalf("Keyed() = %d", l.Keyed())
	}
	for i := range 50 {
		l.Put(fmt.Sprint(i), false, item{id: fmt.Sprint(i)})
	}
	l.Close()
	for i, id := range got {
		if id != fmt.Sprint(i) {
			t.Fatalf("item %d ran as %s", i, id)
		}
	}
	if len(got) != 50 {
		t.Fatalf("%d of 50 ran", len(got))
	}
}
