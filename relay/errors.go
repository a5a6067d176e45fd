package relay

import (
	"errors"
	"fmt"
)

// Sentinel errors of the relay itself. The parser's (ErrEmptyText,
// ErrPhoneDest, ErrBadDest) live next to it in command.go and dest.go;
// refusals shown to XMPP senders are *Error values (api.go).
var (
	// ErrConfig: New was given an unusable Config or Deps.
	ErrConfig = errors.New("relay: bad configuration")
	// ErrNoIMID: no unused imid was found after several random draws (the
	// imid space of the configured length is nearly full).
	ErrNoIMID = errors.New("relay: no unused imid found")
)

var kindNames = [...]string{
	KindInternal:    "internal",
	KindNotFound:    "not_found",
	KindUnavailable: "unavailable",
	KindForbidden:   "forbidden",
	KindTooLong:     "too_long",
	KindRateLimited: "rate_limited",
	KindBadRequest:  "bad_request",
}

// String names the kind in snake case ("rate_limited"), as used in the
// refusal counters of [Core.Counters].
func (k ErrorKind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// refusal builds an *Error for an XMPP sender.
func refusal(k ErrorKind, text string) *Error {
	return &Error{Kind: k, Text: text}
}

// internalError wraps a store failure: the XMPP sender is told to retry.
func internalError(err error) *Error {
	return &Error{Kind: KindInternal, Text: "Temporary failure, please try again later.", Err: err}
}
