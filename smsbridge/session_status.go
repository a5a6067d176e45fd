package smsbridge

import "time"

// BindState is the state of the SMPP bind.
type BindState string

// Bind states.
const (
	BindDown    BindState = "down"
	BindBinding BindState = "binding"
	BindBound   BindState = "bound"
)

// BindStatus is a snapshot of a session for health checks and metrics. It
// never holds an address or the password.
type BindStatus struct {
	State BindState `json:"state"`
	// Since is when State last changed.
	Since time.Time `json:"since"`
	// LastError describes why the last bind attempt or connection ended, in
	// plain words; it is cleared by a successful bind.
	LastError string `json:"last_error,omitempty"`
	// Binds counts successful binds; Stalls counts connections declared
	// dead because the SMSC did not answer enquire_link.
	Binds  uint64 `json:"binds"`
	Stalls uint64 `json:"stalls"`
	// WindowInUse is the number of Submit calls holding a window slot (a
	// submit_sm outstanding or about to be sent) when the snapshot was
	// taken; its changes alone do not fire Changed.
	WindowInUse int `json:"window_in_use"`
}
