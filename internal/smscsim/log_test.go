package smscsim

import (
	"context"
	"log/slog"
	"testing"
)

// testHandler sends log records to t.Log at debug level, so that a failing
// test shows what the simulator did. It stops logging once the test ends.
type testHandler struct {
	t     testing.TB
	attrs []slog.Attr
}

func testLogger(t testing.TB) *slog.Logger { return slog.New(&testHandler{t: t}) }

func (h *testHandler) Enabled(context.Context, slog.Level) bool { return testing.Verbose() }

func (h *testHandler) Handle(_ context.Context, r slog.Record) error {
	args := []any{r.Level.String(), r.Message}
	for _, a := range h.attrs {
		args = append(args, a.String())
	}
	r.Attrs(func(a slog.Attr) bool {
		args = append(args, a.String())
		return true
	})
	h.t.Log(args...)
	return nil
}

func (h *testHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &testHandler{t: h.t, attrs: append(append([]slog.Attr(nil), h.attrs...), as...)}
}

func (h *testHandler) WithGroup(string) slog.Handler { return h }
