package main

import (
	"context"
	"fmt"
	"time"

	"github.com/mpimis/mpimis/store"
)

// The footprint bench fills a store with bindings as REG and first-use
// binding leave them: rows of the real schema written through the store's
// own writer (store.Open creates and migrates the file), many per
// transaction. Binding i has phone phone(i), imid fpIMID(i); every other
// one has a nick, every fiftieth is opted out.

// fpIMID returns the imid of seeded binding i: 8 digits, never starting
// with 0, distinct for i below 90,000,000 (i times a multiplier coprime
// to 9e7, modulo 9e7, is a permutation), and not in phone order.
func fpIMID(i int) string {
	return fmt.Sprintf("%d", 10_000_000+(i*48_271)%90_000_000)
}

// fpOptedOut reports whether seeded binding i is opted out; the traffic
// stage avoids those.
func fpOptedOut(i int) bool { return i%50 == 49 }

// fpSeedBatch is how many bindings one transaction writes.
const fpSeedBatch = 50_000

// seedBindings creates (or migrates) the store at path and adds n
// bindings.
func seedBindings(ctx context.Context, path string, n int) error {
	st, err := store.Open(ctx, path)
	if err != nil {
		return fmt.Errorf("bench: seed: %w", err)
	}
	at := time.Now().Add(-24 * time.Hour).UnixMilli()
	for from := 0; from < n; from += fpSeedBatch {
		to := min(from+fpSeedBatch, n)
		err := st.WriteTx(ctx, func(tx *store.Tx) error {
			ins, err := tx.Tx.PrepareContext(ctx,
				"INSERT INTO bindings (imid, phone, nick, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)")
			if err != nil {
				return err
			}
			defer ins.Close()
			for i := from; i < to; i++ {
				var nick any
				if i%2 == 0 {
					nick = fmt.Sprintf("fp%07d", i)
				}
				state := "active"
				if fpOptedOut(i) {
					state = "optout"
				}
				if _, err := ins.ExecContext(ctx, fpIMID(i), phone(i), nick, state, at, at); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			_ = st.Close()
			return fmt.Errorf("bench: seed bindings %d-%d: %w", from, to, err)
		}
	}
	if err := st.Close(); err != nil {
		return fmt.Errorf("bench: seed: %w", err)
	}
	return nil
}
