package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestBindingOutputHidesPhone(t *testing.T) {
	const phone = "+4915123456789"
	b := Binding{IMID: "45678901", Phone: phone, Nick: "alice", State: StateActive}
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "binding", b, "ptr", &b)
	var jsonLogged bytes.Buffer
	slog.New(slog.NewJSONHandler(&jsonLogged, nil)).Info("x", "binding", b)

	for i, tc := range []struct {
		name string
		out  string
	}{
		{"String", b.String()},
		{"%v", fmt.Sprintf("%v", b)},
		{"%+v", fmt.Sprintf("%+v", b)},
		{"%#v", fmt.Sprintf("%#v", b)},
		{"%v pointer", fmt.Sprintf("%v", &b)},
		{"%s slice", fmt.Sprintf("%s", []Binding{b})},
		{"slog text", logged.String()},
		{"slog json", jsonLogged.String()},
	} {
		if strings.Contains(tc.out, "4915123456789") {
			t.Errorf("%d %s: output contains the phone number: %s", i, tc.name, tc.out)
		}
		if !strings.Contains(tc.out, "45678901") {
			t.Errorf("%d %s: output lacks the imid: %s", i, tc.name, tc.out)
		}
	}
}

func TestErrorsHidePhone(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	const phone = "+4915123456789"
	mustCreate(t, s, "45678901", phone, "alice")

	for i, tc := range []struct {
		name string
		err  error
	}{
		{"phone bound", s.CreateBinding(ctx, &Binding{IMID: "1", Phone: phone})},
		{"imid taken", s.CreateBinding(ctx, &Binding{IMID: "45678901", Phone: phone + "0"})},
		{"invalid state", s.CreateBinding(ctx, &Binding{IMID: "2", Phone: phone + "1", State: "x"})},
		{"invalid imid", s.CreateBinding(ctx, &Binding{IMID: phone, Phone: phone + "1"})},
		{"not found", func() error { _, err := s.GetBindingByPhone(ctx, phone+"2"); return err }()},
	} {
		if tc.err == nil {
			t.Errorf("%d %s: no error", i, tc.name)
			continue
		}
		if strings.Contains(tc.err.Error(), "4915123456789") {
			t.Errorf("%d %s: error contains a phone number: %v", i, tc.name, tc.err)
		}
	}

	// A constraint error that reaches SQLite carries no value either.
	err := s.WriteTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO bindings (imid, phone, state, created_at, updated_at) VALUES ('3', ?, 'active', 0, 0)", phone)
		return err
	})
	if err == nil || strings.Contains(err.Error(), "4915123456789") || !errors.Is(mapConstraint(err), ErrPhoneBound) {
		t.Errorf("raw constraint error %v: want a phone-free ErrPhoneBound", err)
	}
}
