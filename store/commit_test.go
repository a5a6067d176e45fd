package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
)

// Concurrent writes share commits, yet each is isolated: a failing or
// panicking write is rolled back alone and the others are committed.
func TestGroupCommitIsolation(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	if err := s.WriteTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, "CREATE TABLE gc (n INTEGER PRIMARY KEY)")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	const n = 200
	var wg sync.WaitGroup
	errs := make([]error, n)
	panics := make([]any, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { panics[i] = recover() }()
			errs[i] = s.WriteTx(ctx, func(tx *Tx) error {
				if _, err := tx.ExecContext(ctx, "INSERT INTO gc (n) VALUES (?)", i); err != nil {
					return err
				}
				switch i % 10 {
				case 3:
					return boom // written, then refused: must vanish
				case 7:
					panic(fmt.Sprint("panic ", i))
				}
				return nil
			})
		}()
	}
	wg.Wait()
	for i := 0; i < n; i++ {
		switch i % 10 {
		case 3:
			if !errors.Is(errs[i], boom) {
				t.Errorf("write %d: err %v, want boom", i, errs[i])
			}
		case 7:
			if panics[i] != fmt.Sprint("panic ", i) {
				t.Errorf("write %d: panic %v not raised in the caller", i, panics[i])
			}
		default:
			if errs[i] != nil || panics[i] != nil {
				t.Errorf("write %d: err %v panic %v", i, errs[i], panics[i])
			}
		}
	}
	var count int
	if err := s.read.QueryRowContext(ctx, "SELECT count(*) FROM gc").Scan(&count); err != nil {
		t.Fatal(err)
	}
	if want := n - n/10*2; count != want {
		t.Fatalf("%d rows committed, want %d", count, want)
	}
	var bad int
	_ = s.read.QueryRowContext(ctx, "SELECT count(*) FROM gc WHERE n % 10 IN (3, 7)").Scan(&bad)
	if bad != 0 {
		t.Fatalf("%d rolled-back writes were committed", bad)
	}
}

func TestWriteAfterClose(t *testing.T) {
	s, _ := openTest(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteTx(context.Background(), func(*Tx) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Fatalf("write after close: %v", err)
	}
}

func TestCancelledWriteDoesNothing(t *testing.T) {
	s, _ := openTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	err := s.WriteTx(ctx, func(*Tx) error { ran = true; return nil })
	if !errors.Is(err, context.Canceled) || ran {
		t.Fatalf("cancelled write: err %v ran %v", err, ran)
	}
}
