package store

import (
	"errors"
	"fmt"
)

// Sentinel errors returned (possibly wrapped) by this package; test for them
// with errors.Is.
var (
	// ErrNotFound means the requested row does not exist (for bindings: is
	// unknown or retired).
	ErrNotFound = errors.New("store: not found")
	// ErrPhoneBound means the phone number already has a live binding.
	ErrPhoneBound = errors.New("store: phone number already bound")
	// ErrIMIDTaken means the imid is already in use or was retired: an imid
	// is never reused.
	ErrIMIDTaken = errors.New("store: imid already taken")
	// ErrNickTaken means another binding already uses the nick
	// (compared case-insensitively).
	ErrNickTaken = errors.New("store: nick already taken")
	// ErrTooNew means the database was written by a newer mpimis whose schema
	// this binary does not know.
	ErrTooNew = errors.New("store: database schema is newer than this binary")
	// ErrInvalid means an argument was rejected before reaching the database
	// (empty phone, non-numeric imid, a state that cannot be set, ...).
	ErrInvalid = errors.New("store: invalid argument")
	// ErrNotPending means a queued message is no longer waiting to be sent
	// or processed (it was sent, delivered, failed or done), so it cannot
	// be retried or failed any more.
	ErrNotPending = errors.New("store: message is no longer pending")
	// ErrTooManyParts means the reassembly table already holds
	// [MaxMOPartGroups] incomplete concatenated MO messages and the part
	// would start another: the SMS side answers with an error status so
	// that the SMSC retries later.
	ErrTooManyParts = errors.New("store: too many incomplete concatenated messages")
)

// tooNewError reports both schema versions; it unwraps to ErrTooNew.
type tooNewError struct {
	db, binary int
}

func (e *tooNewError) Error() string {
	return fmt.Sprintf("store: database schema version %d is newer than this binary (%d): upgrade mpimis", e.db, e.binary)
}

func (e *tooNewError) Unwrap() error { return ErrTooNew }
