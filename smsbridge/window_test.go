package smsbridge

import (
	"context"
	"errors"
	"testing"
)

func TestWindow(t *testing.T) {
	cases := []struct{ size int }{{1}, {2}, {10}}
	for i, tc := range cases {
		w := newWindow(tc.size)
		for range tc.size {
			if err := w.acquire(context.Background()); err != nil {
				t.Fatalf("case %d: acquire: %v", i, err)
			}
		}
		if w.inUse() != tc.size || w.size() != tc.size {
			t.Errorf("case %d: inUse %d size %d, want %d", i, w.inUse(), w.size(), tc.size)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := w.acquire(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("case %d: acquire on a full window with a cancelled context: %v", i, err)
		}
		got := make(chan error, 1)
		go func() { got <- w.acquire(context.Background()) }()
		w.release()
		if err := <-got; err != nil {
			t.Errorf("case %d: waiting acquire: %v", i, err)
		}
		if w.inUse() != tc.size {
			t.Errorf("case %d: inUse %d after release and acquire, want %d", i, w.inUse(), tc.size)
		}
	}
}
