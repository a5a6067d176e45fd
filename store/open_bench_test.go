package store

import (
	"context"
	"path/filepath"
	"testing"
)

// seedSQL fills the bindings table with ? rows in one statement: phones
// +49151 and eight digits, 8-digit imids in no particular order, a nick
// on every other row, every fiftieth opted out.
const seedSQL = `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
INSERT INTO bindings (imid, phone, nick, state, created_at, updated_at)
SELECT CAST(10000000 + (i * 48271) % 90000000 AS TEXT), printf('+49151%08d', i),
       CASE WHEN i % 2 = 0 THEN printf('nick%07d', i) END,
       CASE WHEN i % 50 = 49 THEN 'optout' ELSE 'active' END, 0, 0
FROM n`

// BenchmarkOpen1M is the store's part of mpimis's start-up with a million
// bindings: Open (schema check, pools) and the first lookup by phone,
// then Close. Seeding takes about half a minute, so it is skipped with
// -short:
//
//	go test ./store -run '^$' -bench Open1M -benchtime 20x
func BenchmarkOpen1M(b *testing.B) {
	if testing.Short() {
		b.Skip("seeds a million bindings; skipped with -short")
	}
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "open1m.db")
	s, err := Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	const n = 1_000_000
	err = s.WriteTx(ctx, func(tx *Tx) error {
		_, err := tx.Tx.ExecContext(ctx, seedSQL, n)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		s, err := Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		bd, err := s.GetBindingByPhone(ctx, "+4915100123456")
		if err != nil || bd.State != StateActive {
			b.Fatalf("lookup after open: %v %v", bd, err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
