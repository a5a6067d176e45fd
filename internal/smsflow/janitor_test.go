package smsflow

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/mpimis/mpimis/store"
)

// TestJanitorPrunesFinished: finished messages older than the retention
// go, queued ones and recent ones stay.
func TestJanitorPrunesFinished(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "j.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f := New(Config{Retention: time.Hour}, st, nil)
	failed, err := st.EnqueueMT(ctx, &store.MT{Dest: "+4915112345678", Source: "a@b", Text: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.FailMT(ctx, failed, "gone"); err != nil {
		t.Fatal(err)
	}
	queued, err := st.EnqueueMT(ctx, &store.MT{Dest: "+4915112345679", Source: "a@b", Text: "y"})
	if err != nil {
		t.Fatal(err)
	}
	f.prune(ctx, time.Now()) // nothing is an hour old yet
	if n := mtCount(t, st); n != 2 {
		t.Fatalf("%d MT after a pass with nothing old, want 2", n)
	}
	f.prune(ctx, time.Now().Add(2*time.Hour)) // the failed one is now old
	if n := mtCount(t, st); n != 1 {
		t.Fatalf("%d MT after pruning, want 1 (the queued id %d)", n, queued)
	}
}

func mtCount(t *testing.T, st *store.Store) int {
	t.Helper()
	states, _, err := st.MTStats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range states {
		n += c
	}
	return n
}
