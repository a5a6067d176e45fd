package store

import (
	"bytes"
	"context"
	"path/filepath"
	"sync"
	"testing"
)

func TestSalt(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "mpimis.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	first, err := s.Salt(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != SaltSize {
		t.Fatalf("salt has %d bytes, want %d", len(first), SaltSize)
	}
	if bytes.Equal(first, make([]byte, SaltSize)) {
		t.Error("salt is all zero")
	}
	again, err := s.Salt(ctx)
	if err != nil || !bytes.Equal(first, again) {
		t.Errorf("second call: %x, %v; want %x", again, err, first)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	reopened, err := s.Salt(ctx)
	if err != nil || !bytes.Equal(first, reopened) {
		t.Errorf("after reopen: %x, %v; want %x", reopened, err, first)
	}

	// Another database gets another salt.
	other, _ := openTest(t)
	otherSalt, err := other.Salt(ctx)
	if err != nil || bytes.Equal(otherSalt, first) {
		t.Errorf("second instance salt %x, %v: want a different one", otherSalt, err)
	}
}

func TestSaltConcurrentFirstCall(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	const n = 16
	salts := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			salts[i], errs[i] = s.Salt(ctx)
		})
	}
	close(start)
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Errorf("%d: %v", i, errs[i])
		} else if !bytes.Equal(salts[i], salts[0]) {
			t.Errorf("%d: salt %x differs from %x", i, salts[i], salts[0])
		}
	}
}

func TestSaltRejectsCorruptValue(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	if _, err := s.write.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES (?, x'0102')", metaSalt); err != nil {
		t.Fatal(err)
	}
	if salt, err := s.Salt(ctx); err == nil {
		t.Errorf("Salt returned %x for a 2-byte stored value, want an error", salt)
	}
}
