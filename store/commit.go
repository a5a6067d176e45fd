package store

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/mpimis/mpimis/internal/batch"
)

// Group commit. Every write transaction goes through one committer
// goroutine (the writer has one connection anyway). When writes queue up
// while a commit is in progress — several SMS workers recording submits,
// MO workers storing messages — the committer runs all of them in ONE
// SQLite transaction, each inside its own SAVEPOINT, and commits once: a
// failing write is rolled back to its savepoint alone, the others commit.
// An idle writer takes a lone write at once, so nothing waits for a batch
// to fill. Profiling the MT queue showed the commit (WAL frames written
// per transaction) as the largest cost once statements were cached.

// maxBatch bounds how many writes share one commit.
const maxBatch = 128

// ErrClosed is returned by writes attempted after Close.
var ErrClosed = errors.New("store: closed")

type writeReq struct {
	ctx  context.Context
	fn   func(*Tx) error
	done chan writeRes
}

type writeRes struct {
	err      error
	panicked bool
	panicVal any
}

type committer struct {
	mu     sync.RWMutex // guards closed against sends on reqs
	closed bool
	reqs   chan writeReq
	done   chan struct{}
}

func newCommitter() *committer {
	return &committer{reqs: make(chan writeReq, maxBatch), done: make(chan struct{})}
}

// submit queues a write and waits for its outcome; a panic in fn is
// raised again in the caller's goroutine.
func (s *Store) submit(ctx context.Context, fn func(*Tx) error) error {
	req := writeReq{ctx: ctx, fn: fn, done: make(chan writeRes, 1)}
	c := s.commit
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		return ErrClosed
	}
	select {
	case c.reqs <- req:
		c.mu.RUnlock()
	case <-ctx.Done():
		c.mu.RUnlock()
		return ctx.Err()
	}
	res := <-req.done // the committer always answers, even for a cancelled ctx
	if res.panicked {
		panic(res.panicVal)
	}
	return res.err
}

// run is the committer loop; it ends when the request channel is closed.
func (s *Store) runCommitter() {
	c := s.commit
	defer close(c.done)
	batch.Run(c.reqs, maxBatch, s.commitBatch)
}

// commitBatch runs the writes of reqs in one transaction.
func (s *Store) commitBatch(reqs []writeReq) {
	results := make([]writeRes, len(reqs))
	answer := func() {
		for i, r := range reqs {
			r.done <- results[i]
		}
	}
	live := 0
	for i, r := range reqs {
		if err := r.ctx.Err(); err != nil {
			results[i].err = err
		} else {
			live++
		}
	}
	if live == 0 {
		answer()
		return
	}
	tx, err := s.write.BeginTx(context.Background(), nil)
	if err != nil {
		for i := range results {
			if results[i].err == nil {
				results[i].err = fmt.Errorf("store: begin: %w", err)
			}
		}
		answer()
		return
	}
	wtx := &Tx{Tx: tx, cache: s.stmts, now: s.now}
	single := len(reqs) == 1
	ok := false // some write succeeded, so there is something to commit
	for i, r := range reqs {
		if results[i].err != nil {
			continue
		}
		results[i] = s.runOne(r, wtx, single)
		ok = ok || (results[i].err == nil && !results[i].panicked)
	}
	if !ok {
		_ = tx.Rollback()
	} else if err := tx.Commit(); err != nil {
		for i := range results {
			if results[i].err == nil && !results[i].panicked {
				results[i].err = fmt.Errorf("store: commit: %w", err)
			}
		}
	}
	if len(wtx.missed) > 0 {
		s.stmts.prepare(context.Background(), wtx.missed)
	}
	answer()
}

// runOne runs one write inside a savepoint (none is needed when the write
// is alone: failing rolls the whole transaction back).
func (s *Store) runOne(r writeReq, wtx *Tx, single bool) (res writeRes) {
	ctx := r.ctx
	if !single {
		if _, err := wtx.ExecContext(ctx, "SAVEPOINT w"); err != nil {
			return writeRes{err: fmt.Errorf("store: savepoint: %w", err)}
		}
	}
	defer func() {
		if p := recover(); p != nil {
			res = writeRes{panicked: true, panicVal: p}
		}
		if single {
			return
		}
		if res.err != nil || res.panicked {
			_, _ = wtx.ExecContext(context.Background(), "ROLLBACK TO w")
		}
		if _, err := wtx.ExecContext(context.Background(), "RELEASE w"); err != nil && res.err == nil && !res.panicked {
			res.err = fmt.Errorf("store: release savepoint: %w", err)
		}
	}()
	return writeRes{err: r.fn(wtx)}
}

// closeCommitter stops accepting writes and waits for the queued ones.
func (s *Store) closeCommitter() {
	c := s.commit
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		close(c.reqs)
	}
	c.mu.Unlock()
	<-c.done
}
