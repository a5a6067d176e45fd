package store

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// The queue benchmarks report ops/s; each op is one or more committed
// write transactions on a real database file.

func BenchmarkEnqueueMT(b *testing.B) {
	ctx := context.Background()
	s, _ := openTest(b)
	for b.Loop() {
		m := &MT{Dest: phoneMT, Source: "alice@example.org", Text: "hello there", OriginID: "abc", WantReceipt: true}
		if _, err := s.EnqueueMT(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

// BenchmarkLeaseAndSend leases one 1-part message and records it as sent,
// with a backlog of queued messages and of sent ones awaiting pruning.
func BenchmarkLeaseAndSend(b *testing.B) {
	ctx := context.Background()
	s, clk := openTest(b)
	const backlog = 2000
	enqueue := func(n int) {
		for range n {
			if _, err := s.EnqueueMT(ctx, &MT{Dest: phoneMT, Source: "a", Text: "x"}); err != nil {
				b.Fatal(err)
			}
		}
	}
	enqueue(backlog)
	i := 0
	for b.Loop() {
		if i%backlog == 0 {
			b.StopTimer()
			enqueue(backlog)
			b.StartTimer()
		}
		list, err := s.LeaseMT(ctx, clk.t, time.Minute, 1)
		if err != nil || len(list) != 1 {
			b.Fatalf("lease: %v, %v", list, err)
		}
		if err := s.MTPartSent(ctx, list[0].ID, 1, 1, []string{fmt.Sprint(i), fmt.Sprintf("%x", i)}); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

// BenchmarkAddMOPart adds the parts of 3-part messages; every third op
// completes a message.
func BenchmarkAddMOPart(b *testing.B) {
	ctx := context.Background()
	s, clk := openTest(b)
	payload := make([]byte, 134)
	i := 0
	for b.Loop() {
		p := MOPart{Source: phoneMO, Dest: shortNo, Ref: uint16(i / 3), Total: 3, Seq: uint8(i%3 + 1), Payload: payload}
		if _, err := s.AddMOPart(ctx, p, clk.t); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}
