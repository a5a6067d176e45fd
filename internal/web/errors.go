package web

import "errors"

// Sentinel errors.
var (
	// ErrNoSMPP is returned by New when Deps.SMPP is nil: health needs the
	// bind.
	ErrNoSMPP = errors.New("web: Deps.SMPP is required")
	// ErrNoLinks is returned by New when Deps.Links is empty.
	ErrNoLinks = errors.New("web: Deps.Links needs at least one XMPP link")
	// ErrLinkRole is returned by New for a link without a Source or whose
	// Role is not a short lowercase word (it becomes a metric label).
	ErrLinkRole = errors.New("web: each link needs a Source and a Role matching [a-z][a-z0-9_]{0,31}")
)
