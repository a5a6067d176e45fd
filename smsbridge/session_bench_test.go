package smsbridge

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkSubmit measures submit_sm round trips against the fake SMSC,
// which answers at once, with 2*window concurrent callers.
func BenchmarkSubmit(b *testing.B) {
	for _, window := range []int{10, 100} {
		b.Run(fmt.Sprintf("window=%d", window), func(b *testing.B) {
			f := newFakeSMSC(b)
			cfg := testConfig(f)
			cfg.Window = window
			s := NewSession(cfg, nil)
			runSession(b, s)
			waitStatus(b, s, 5*time.Second, "bound", bound)

			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			start := time.Now()
			for range 2 * window {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for next.Add(1) <= int64(b.N) {
						if _, err := s.Submit(context.Background(), testSubmit); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "submits/s")
		})
	}
}
