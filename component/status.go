package component

import "time"

// LinkState is the state of a component link.
type LinkState string

// Link states.
const (
	StateDown       LinkState = "down"
	StateConnecting LinkState = "connecting"
	StateUp         LinkState = "up"
)

// LinkStatus is a snapshot of a link for health checks and metrics.
type LinkStatus struct {
	Domain    string    `json:"domain"`
	State     LinkState `json:"state"`
	Since     time.Time `json:"since"`
	LastError string    `json:"last_error,omitempty"`
	// Connects counts successful handshakes; Stalls counts links declared
	// dead by the keepalive.
	Connects uint64 `json:"connects"`
	Stalls   uint64 `json:"stalls"`
	// Keepalives counts keepalive round trips answered.
	Keepalives uint64 `json:"keepalives"`
}
