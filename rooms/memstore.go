package rooms

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"
)

// memEventCap bounds the per-page event lists that MemStore keeps for
// period queries; all-time totals stay exact.
const memEventCap = 100_000

// MemStore is an in-memory Store, for tests (mpimis itself uses the SQLite
// store, see internal/app/roomstore.go). Everything is lost when the
// process ends.
// Period queries (a non-zero since) see at most the latest 100,000
// visits, messages and occupancy records of each page.
type MemStore struct {
	mu    sync.Mutex
	pages map[string]*memPage
}

type memVisit struct {
	visitor      string
	joined, left time.Time
}

type memPeak struct {
	n  int
	at time.Time
}

type memPage struct {
	info     RoomInfo
	notes    []Note
	total    PageStats
	unique   map[string]struct{}
	visits   []memVisit
	messages []time.Time
	peaks    []memPeak
}

var _ Store = (*MemStore)(nil)

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore {
	return &MemStore{pages: make(map[string]*memPage)}
}

func (m *MemStore) page(key string) *memPage {
	p := m.pages[key]
	if p == nil {
		p = &memPage{unique: make(map[string]struct{})}
		p.total.Key = key
		m.pages[key] = p
	}
	return p
}

func capped[T any](s []T) []T {
	if len(s) > memEventCap {
		return slices.Delete(s, 0, len(s)-memEventCap)
	}
	return s
}

// SaveRoom implements Store.
func (m *MemStore) SaveRoom(ctx context.Context, key, url, title string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	p := m.page(key)
	if url != "" {
		p.info.URL = url
	}
	if title != "" {
		p.info.Title = title
	}
	return nil
}

// LoadRoom implements Store.
func (m *MemStore) LoadRoom(ctx context.Context, key string) (RoomInfo, error) {
	if err := ctx.Err(); err != nil {
		return RoomInfo{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	p := m.pages[key]
	if p == nil {
		return RoomInfo{}, ErrUnknownRoom
	}
	return p.info, nil
}

// AppendNote implements Store.
func (m *MemStore) AppendNote(ctx context.Context, key string, n Note, keep int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	p := m.page(key)
	p.notes = append(p.notes, n)
	if keep < 0 {
		keep = 0
	}
	if len(p.notes) > keep {
		p.notes = slices.Delete(p.notes, 0, len(p.notes)-keep)
	}
	return nil
}

// Notes implements Store.
func (m *MemStore) Notes(ctx context.Context, key string, limit int) ([]Note, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	p := m.pages[key]
	if p == nil || limit <= 0 {
		return nil, nil
	}
	n := p.notes
	if len(n) > limit {
		n = n[len(n)-limit:]
	}
	return slices.Clone(n), nil
}

// PruneNotes implements Store.
func (m *MemStore) PruneNotes(ctx context.Context, before time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	deleted := 0
	for _, p := range m.pages {
		kept := p.notes[:0]
		for _, n := range p.notes {
			if n.Stamp.Before(before) {
				deleted++
				continue
			}
			kept = append(kept, n)
		}
		p.notes = kept
	}
	return deleted, nil
}

// RecordVisit implements Store.
func (m *MemStore) RecordVisit(ctx context.Context, key string, visitor []byte, joined, left time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	p := m.page(key)
	v := string(visitor)
	p.total.Visits++
	p.total.TotalDwell += left.Sub(joined)
	if left.After(p.total.LastVisit) {
		p.total.LastVisit = left
	}
	p.unique[v] = struct{}{}
	p.total.UniqueVisitors = int64(len(p.unique))
	p.visits = capped(append(p.visits, memVisit{visitor: v, joined: joined, left: left}))
	return nil
}

// RecordMessage implements Store.
func (m *MemStore) RecordMessage(ctx context.Context, key string, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	p := m.page(key)
	p.total.Messages++
	p.messages = capped(append(p.messages, at))
	return nil
}

// RecordOccupancy implements Store.
func (m *MemStore) RecordOccupancy(ctx context.Context, key string, n int, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	p := m.page(key)
	if n > p.total.PeakOccupants {
		p.total.PeakOccupants = n
	}
	p.peaks = capped(append(p.peaks, memPeak{n: n, at: at}))
	return nil
}

// PageStats implements Store.
func (m *MemStore) PageStats(ctx context.Context, key string, since time.Time) (PageStats, error) {
	if err := ctx.Err(); err != nil {
		return PageStats{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	p := m.pages[key]
	if p == nil {
		return PageStats{}, ErrUnknownRoom
	}
	return p.stats(since), nil
}

// stats computes the statistics over the period from since.
func (p *memPage) stats(since time.Time) PageStats {
	s := p.total
	s.URL, s.Title = p.info.URL, p.info.Title
	if since.IsZero() {
		return s
	}
	s.Visits, s.UniqueVisitors, s.Messages, s.PeakOccupants, s.TotalDwell = 0, 0, 0, 0, 0
	uniq := make(map[string]struct{})
	for _, v := range p.visits {
		if v.left.Before(since) {
			continue
		}
		s.Visits++
		s.TotalDwell += v.left.Sub(v.joined)
		uniq[v.visitor] = struct{}{}
	}
	s.UniqueVisitors = int64(len(uniq))
	for _, at := range p.messages {
		if !at.Before(since) {
			s.Messages++
		}
	}
	for _, pk := range p.peaks {
		if !pk.at.Before(since) && pk.n > s.PeakOccupants {
			s.PeakOccupants = pk.n
		}
	}
	return s
}

// TopPages implements Store.
func (m *MemStore) TopPages(ctx context.Context, since time.Time, limit int) ([]PageStats, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	var out []PageStats
	for _, p := range m.pages {
		if s := p.stats(since); s.Visits > 0 {
			out = append(out, s)
		}
	}
	m.mu.Unlock()
	slices.SortFunc(out, func(a, b PageStats) int {
		if a.Visits != b.Visits {
			if a.Visits > b.Visits {
				return -1
			}
			return 1
		}
		if a.Messages != b.Messages {
			if a.Messages > b.Messages {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Key, b.Key)
	})
	if limit >= 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
