package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

// TestConcurrentCreateAndRead has many goroutines create bindings with
// distinct phones while others read: every write must succeed (no
// SQLITE_BUSY) and reads must keep working and see consistent rows.
func TestConcurrentCreateAndRead(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	const (
		writers   = 16
		perWriter = 25
		readers   = 8
	)
	imid := func(w, j int) string { return fmt.Sprintf("3%03d%04d", w, j) }
	phone := func(w, j int) string { return fmt.Sprintf("+49151%03d%04d", w, j) }

	var (
		wg          sync.WaitGroup
		writersDone = make(chan struct{})
		created     atomic.Int64
		reads       atomic.Int64
	)
	errs := make(chan error, writers*perWriter+readers)
	// Writers start once every reader has completed a read, so the readers
	// are running for the whole time the writers are.
	var readersReady sync.WaitGroup
	readersReady.Add(readers)
	for w := range writers {
		wg.Go(func() {
			readersReady.Wait()
			for j := range perWriter {
				b := &Binding{IMID: imid(w, j), Phone: phone(w, j)}
				if j%5 == 0 {
					b.Nick = fmt.Sprintf("user%d_%d", w, j)
				}
				if err := s.CreateBinding(ctx, b); err != nil {
					errs <- fmt.Errorf("writer %d create %d: %w", w, j, err)
					return
				}
				created.Add(1)
			}
		})
	}
	var readWG sync.WaitGroup
	for r := range readers {
		readWG.Go(func() {
			var ready sync.Once
			defer ready.Do(readersReady.Done) // also on an early error return
			for i := 0; ; i++ {
				if i == 1 {
					ready.Do(readersReady.Done)
				}
				select {
				case <-writersDone:
					return
				default:
				}
				w, j := (r+i)%writers, i%perWriter
				b, err := s.GetBindingByIMID(ctx, imid(w, j))
				switch {
				case errors.Is(err, ErrNotFound):
				case err != nil:
					errs <- fmt.Errorf("reader %d: %w", r, err)
					return
				case b.Phone != phone(w, j):
					errs <- fmt.Errorf("reader %d: binding %s has the wrong phone", r, b.IMID)
					return
				}
				counts, err := s.CountBindings(ctx)
				if err != nil {
					errs <- fmt.Errorf("reader %d count: %w", r, err)
					return
				}
				if n := counts[StateActive]; n > writers*perWriter {
					errs <- fmt.Errorf("reader %d: count %d exceeds what was written", r, n)
					return
				}
				reads.Add(1)
			}
		})
	}
	wg.Wait()
	close(writersDone)
	readWG.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := created.Load(); got != writers*perWriter {
		t.Errorf("created %d bindings, want %d", got, writers*perWriter)
	}
	if reads.Load() < readers {
		t.Errorf("only %d reads completed, want at least %d", reads.Load(), readers)
	}
	counts, err := s.CountBindings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts[StateActive] != writers*perWriter {
		t.Errorf("count after writes: %v, want %d active", counts, writers*perWriter)
	}
	t.Logf("%d reads during %d writes", reads.Load(), created.Load())
}

// TestConcurrentSamePhone races creations of one phone under different
// imids: exactly one wins, the others get ErrPhoneBound.
func TestConcurrentSamePhone(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	const n = 12
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = s.CreateBinding(ctx, &Binding{IMID: fmt.Sprintf("4000000%02d", i), Phone: phoneA})
		})
	}
	close(start)
	wg.Wait()
	wins := 0
	for i, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, ErrPhoneBound):
			t.Errorf("%d: %v, want nil or ErrPhoneBound", i, err)
		}
	}
	if wins != 1 {
		t.Errorf("%d creations won, want exactly 1", wins)
	}
}
