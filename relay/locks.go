package relay

import (
	"hash/fnv"
	"sync"
)

// stripedLock serialises work per key (a phone's MOs) with a fixed number
// of mutexes: two keys may share a stripe, which only costs a little
// parallelism, and memory stays bounded whatever the number of keys.
type stripedLock [64]sync.Mutex

// lock locks key's stripe and returns its unlock.
func (l *stripedLock) lock(key string) func() {
	h := fnv.New32a()
	h.Write([]byte(key))
	m := &l[h.Sum32()%uint32(len(l))]
	m.Lock()
	return m.Unlock
}
