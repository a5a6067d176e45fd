package app

import (
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/mpimis/mpimis/conf"
)

// NewLogger returns the process logger described by [log]: text or JSON,
// at the configured level, written to w.
func NewLogger(c conf.Log, w io.Writer) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(strings.ToUpper(c.Level))); err != nil {
		return nil, fmt.Errorf("app: log.level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch c.Format {
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	case "text", "":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("app: log.format: %q is not text or json", c.Format)
}
