package conf

import (
	"fmt"
	"strings"
	"time"
)

// Duration is a [time.Duration] written in TOML as a string such as "30s",
// "5m", "1h30m" or "24h" (any form [time.ParseDuration] accepts).
type Duration struct {
	time.Duration
}

// UnmarshalText parses a duration string such as "30s".
func (d *Duration) UnmarshalText(text []byte) error {
	v, err := time.ParseDuration(string(text))
	if err != nil {
		return fmt.Errorf("conf: %q is not a duration such as \"30s\", \"5m\" or \"24h\": %w", text, err)
	}
	d.Duration = v
	return nil
}

// MarshalText formats the duration the way a person writes it: "30s",
// "5m", "24h", "1h30m".
func (d Duration) MarshalText() ([]byte, error) {
	return []byte(formatDuration(d.Duration)), nil
}

// formatDuration is [time.Duration.String] without the trailing zero units
// ("24h0m0s" becomes "24h").
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
