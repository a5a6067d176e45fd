package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteTx(t *testing.T) {
	errBoom := errors.New("boom")
	for i, tc := range []struct {
		name      string
		fn        func(tx *Tx) error
		wantErr   error
		wantPanic bool
		wantRow   bool
	}{
		{"commit", func(tx *Tx) error { return nil }, nil, false, true},
		{"error rolls back", func(tx *Tx) error { return errBoom }, errBoom, false, false},
		{"panic rolls back", func(tx *Tx) error { panic("boom") }, nil, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := openTest(t)
			ctx := context.Background()
			var err error
			panicked := func() (p bool) {
				defer func() { p = recover() != nil }()
				err = s.WriteTx(ctx, func(tx *Tx) error {
					if _, err := tx.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES ('k', x'01')"); err != nil {
						t.Fatalf("%d: insert: %v", i, err)
					}
					return tc.fn(tx)
				})
				return false
			}()
			if panicked != tc.wantPanic {
				t.Errorf("%d: panicked = %t, want %t", i, panicked, tc.wantPanic)
			}
			if !tc.wantPanic && !errors.Is(err, tc.wantErr) {
				t.Errorf("%d: err = %v, want %v", i, err, tc.wantErr)
			}
			var n int
			if err := s.read.QueryRowContext(ctx, "SELECT count(*) FROM meta WHERE key = 'k'").Scan(&n); err != nil {
				t.Fatal(err)
			}
			if got := n == 1; got != tc.wantRow {
				t.Errorf("%d: row committed = %t, want %t", i, got, tc.wantRow)
			}
			// The writer is usable again afterwards (the transaction did
			// not leak its connection).
			if err := s.WriteTx(ctx, func(*Tx) error { return nil }); err != nil {
				t.Errorf("%d: next WriteTx: %v", i, err)
			}
		})
	}
}

func TestWriteTxCanceled(t *testing.T) {
	s, _ := openTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	called := false
	err := s.WriteTx(ctx, func(*Tx) error { called = true; return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if called {
		t.Error("fn ran with a canceled context")
	}
}

func TestCloseCheckpoints(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mpimis.db")
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	// Keep a second connection open so that closing the store's own last
	// connection cannot be what folds the log back: only the explicit
	// checkpoint can.
	other := rawDB(t, path)
	if err := other.PingContext(ctx); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, "45678901", "+4915123456789", "alice")
	if fi, err := os.Stat(path + "-wal"); err != nil || fi.Size() == 0 {
		t.Fatalf("expected a non-empty WAL before Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() != 0 {
		t.Errorf("WAL has %d bytes after Close, want 0", fi.Size())
	}
	// The main file alone holds the data.
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(dir, "copy.db")
	if err := os.WriteFile(copyPath, data, 0o600); err != nil {
		t.Fatal(err)
	}
	var nick string
	if err := rawDB(t, copyPath).QueryRowContext(ctx, "SELECT nick FROM bindings WHERE imid = '45678901'").Scan(&nick); err != nil || nick != "alice" {
		t.Errorf("copy of the main file: nick %q, %v; want alice", nick, err)
	}
}
