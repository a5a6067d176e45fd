package store

import (
	"context"
	"fmt"
	"testing"
)

func BenchmarkCreateBinding(b *testing.B) {
	ctx := context.Background()
	s, _ := openTest(b)
	i := 0
	for b.Loop() {
		bd := &Binding{IMID: fmt.Sprintf("1%09d", i), Phone: fmt.Sprintf("+491%010d", i)}
		if err := s.CreateBinding(ctx, bd); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkGetBindingByPhone(b *testing.B) {
	ctx := context.Background()
	s, _ := openTest(b)
	const n = 1000
	err := s.WriteTx(ctx, func(tx *Tx) error {
		for i := range n {
			if _, err := tx.ExecContext(ctx,
				"INSERT INTO bindings (imid, phone, state, created_at, updated_at) VALUES (?, ?, 'active', 0, 0)",
				fmt.Sprintf("1%09d", i), fmt.Sprintf("+491%010d", i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		if _, err := s.GetBindingByPhone(ctx, fmt.Sprintf("+491%010d", i%n)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
