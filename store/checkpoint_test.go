package store

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"
)

// Commits reach the database file while the store is open, without a
// writer crossing SQLite's own checkpoint threshold.
func TestBackgroundCheckpoint(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	var path string
	if err := s.read.QueryRowContext(ctx, "SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&path); err != nil {
		t.Fatal(err)
	}
	before := fileSize(t, path)
	for i := range 200 {
		if _, err := s.EnqueueMT(ctx, &MT{Dest: phoneMT, Source: "a", Text: fmt.Sprint("checkpoint me ", i)}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for fileSize(t, path) <= before {
		if time.Now().After(deadline) {
			t.Fatalf("database file still %d bytes: nothing checkpointed", before)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
