package ident

import "sync"

// ParsePhone runs the number through libphonenumber, which profiling put
// at about a tenth of the CPU an MO costs (it is parsed where it arrives,
// again when its queued copy is handled, and again for every message to
// the same phone). Parsing is a pure function of its input, so the
// numbers parsed successfully most recently are kept: a bounded map,
// emptied when it fills up (cheaper than tracking recency, and a busy
// gateway's working set refills it at once).

// phoneCacheSize bounds the cached numbers.
const phoneCacheSize = 8192

type phoneKey struct{ raw, region string }

type phoneMemo struct {
	mu sync.RWMutex
	m  map[phoneKey]Phone
}

var phoneCache = &phoneMemo{m: make(map[phoneKey]Phone)}

func (c *phoneMemo) get(k phoneKey) (Phone, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	p, ok := c.m[k]
	return p, ok
}

func (c *phoneMemo) put(k phoneKey, p Phone) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= phoneCacheSize {
		clear(c.m)
	}
	c.m[k] = p
}
