package main

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// sink routes arrivals to the tracker of the phase being measured.
type sink struct{ cur atomic.Pointer[tracker] }

// got records that a message whose text is text arrived at "at".
func (s *sink) got(text string, at time.Time) {
	tok, ok := parseToken(text)
	if !ok {
		return
	}
	if tr := s.cur.Load(); tr != nil && tr.received(tok, at) && tr.slots != nil {
		select {
		case <-tr.slots:
		default:
		}
	}
}

// load is one measured phase: rate messages/s (0: as fast as inFlight
// allows) for dur, sent by workers goroutines calling send.
type load struct {
	rate     int
	dur      time.Duration
	workers  int
	inFlight int // saturation only: most messages outstanding at once
	drain    time.Duration
}

// drive runs l against tr: send(ctx, seq) must call tr.sending(seq) just
// before the message leaves. It returns once every message arrived or the
// drain time passed.
func drive(ctx context.Context, l load, tr *tracker, s *sink, send func(ctx context.Context, seq int) error) {
	if l.rate == 0 {
		tr.slots = make(chan struct{}, l.inFlight)
	}
	s.cur.Store(tr)
	jobs := make(chan int, 1024)
	var sent atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	end := start.Add(l.dur)
	for range l.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seq := range jobs {
				if tr.slots != nil {
					select {
					case tr.slots <- struct{}{}:
					case <-ctx.Done():
						return
					}
				}
				if time.Now().After(end) {
					if tr.slots != nil {
						<-tr.slots
					}
					continue
				}
				sent.Add(1)
				if err := send(ctx, seq); err != nil {
					tr.failed(seq)
					if tr.slots != nil {
						<-tr.slots
					}
				}
			}
		}()
	}
	for seq := 0; ctx.Err() == nil; seq++ {
		now := time.Now()
		if now.After(end) {
			break
		}
		if l.rate > 0 {
			due := start.Add(time.Duration(seq) * time.Second / time.Duration(l.rate))
			if due.After(end) {
				break
			}
			if d := due.Sub(now); d > 0 {
				time.Sleep(d)
			}
		}
		jobs <- seq
	}
	close(jobs)
	wg.Wait()
	done := tr.expect(int(sent.Load()) - tr.failures())
	select {
	case <-done:
	case <-time.After(l.drain):
	case <-ctx.Done():
	}
	s.cur.Store(nil)
}
