package store

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestConcurrentMOParts has many goroutines add the parts of many
// concatenated messages at once, each part twice (as an SMSC delivers again
// when an answer is lost): every message completes exactly once, with its
// parts in order, and nothing is left over.
func TestConcurrentMOParts(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	const (
		groups  = 80
		workers = 16
	)
	type job struct {
		g int
		p MOPart
	}
	var jobs []job
	want := make([][]byte, groups)
	for g := range groups {
		total := uint8(1 + g%5)
		for seq := uint8(1); seq <= total; seq++ {
			payload := fmt.Appendf(nil, "g%d.p%d;", g, seq)
			want[g] = append(want[g], payload...)
			p := MOPart{Source: fmt.Sprintf("+4915100%06d", g%7), Dest: shortNo,
				Ref: uint16(g * 257), Total: total, Seq: seq, Payload: payload}
			jobs = append(jobs, job{g, p}, job{g, p})
		}
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(jobs), func(i, j int) { jobs[i], jobs[j] = jobs[j], jobs[i] })

	var (
		mu        sync.Mutex
		completed = map[int]int64{}
		dups      atomic.Int64
		wg        sync.WaitGroup
	)
	ch := make(chan job)
	// Every job can fail at most once, so sends never block.
	errs := make(chan error, len(jobs))
	for range workers {
		wg.Go(func() {
			for j := range ch {
				res, err := s.AddMOPart(ctx, j.p, clk.now())
				if err != nil {
					errs <- err
					continue
				}
				if res.Duplicate {
					dups.Add(1)
				}
				if res.Completed != 0 {
					mu.Lock()
					if prev, ok := completed[j.g]; ok {
						errs <- fmt.Errorf("group %d completed twice: %d and %d", j.g, prev, res.Completed)
					}
					completed[j.g] = res.Completed
					mu.Unlock()
				}
			}
		})
	}
	for _, j := range jobs {
		ch <- j
	}
	close(ch)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if len(completed) != groups {
		t.Errorf("%d groups completed, want %d", len(completed), groups)
	}
	if got := dups.Load(); got != int64(len(jobs)/2) {
		t.Errorf("%d duplicates reported, want %d", got, len(jobs)/2)
	}
	for g, id := range completed {
		if m := getMO(t, s, id); !bytes.Equal(m.Payload, want[g]) {
			t.Errorf("group %d: payload %q, want %q", g, m.Payload, want[g])
		}
	}
	if n := countRows(t, s, "mo_messages"); n != groups {
		t.Errorf("%d MO messages, want %d", n, groups)
	}
	if open, parts, err := s.CountMOParts(ctx); err != nil || open != 0 || parts != 0 {
		t.Errorf("left over: %d groups, %d parts, %v", open, parts, err)
	}
}

// TestConcurrentLeaseMT has producers enqueue while workers lease: every
// message is leased exactly once (the lease outlives the test) and ends
// sent.
func TestConcurrentLeaseMT(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	const (
		producers   = 4
		perProducer = 50
		workers     = 8
	)
	var (
		mu       sync.Mutex
		leased   = map[int64]int{}
		produced sync.WaitGroup
		done     atomic.Bool
		wg       sync.WaitGroup
	)
	errs := make(chan error, producers+workers)
	for p := range producers {
		produced.Go(func() {
			for k := range perProducer {
				m := &MT{Dest: phoneMT, Source: fmt.Sprintf("p%d", p), Text: fmt.Sprint(k)}
				if _, err := s.EnqueueMT(ctx, m); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for range workers {
		wg.Go(func() {
			for {
				finished := done.Load() // read before leasing: a last pass after the producers
				list, err := s.LeaseMT(ctx, clk.now(), time.Hour, 5)
				if err != nil {
					errs <- err
					return
				}
				for _, m := range list {
					mu.Lock()
					leased[m.ID]++
					mu.Unlock()
					if err := s.MTPartSent(ctx, m.ID, 1, 1, []string{fmt.Sprint("smsc", m.ID)}); err != nil {
						errs <- err
						return
					}
				}
				if len(list) == 0 && finished {
					return
				}
			}
		})
	}
	produced.Wait()
	done.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if len(leased) != producers*perProducer {
		t.Errorf("%d messages leased, want %d", len(leased), producers*perProducer)
	}
	for id, n := range leased {
		if n != 1 {
			t.Errorf("message %d leased %d times", id, n)
		}
	}
	counts, _, err := s.MTStats(ctx)
	if err != nil || counts[MTSent] != producers*perProducer {
		t.Errorf("stats %v, %v; want all sent", counts, err)
	}
}
