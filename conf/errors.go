package conf

import (
	"errors"
	"strconv"
)

// Sentinel errors a [*FileError] wraps, so callers can tell its kind apart
// with [errors.Is].
var (
	// ErrSyntax means the file is not valid TOML.
	ErrSyntax = errors.New("conf: syntax error")
	// ErrUnknownKey means the file sets a key this package does not know.
	ErrUnknownKey = errors.New("conf: unknown key")
	// ErrType means a key has a value of the wrong TOML type, or a string
	// that cannot be read as the key's type (such as a duration).
	ErrType = errors.New("conf: wrong type")
)

// KeyError is a problem with the value of one configuration key, found by
// [Config.Validate]. Its message never contains a secret.
type KeyError struct {
	// Key is the dotted key, with an index for list elements:
	// "smpp.window", "xmpp.admins[1]".
	Key string
	// Msg says what is wrong, without the key.
	Msg string
}

// Error formats the problem as "conf: <key>: <msg>".
func (e *KeyError) Error() string {
	return "conf: " + e.Key + ": " + e.Msg
}

// FileError is a problem found while reading a configuration file: a
// syntax error, a key with a value of the wrong type, or an unknown key.
// It wraps one of [ErrSyntax], [ErrType] or [ErrUnknownKey].
type FileError struct {
	// File is the name of the file as given to [Load] or [Parse].
	File string
	// Line is the 1-based line of the problem, or 0 when not known.
	Line int
	// Key is the dotted key concerned, or "" when not known.
	Key string
	// Msg says what is wrong; it is empty for unknown keys.
	Msg string
	// Kind is ErrSyntax, ErrType or ErrUnknownKey.
	Kind error
}

// Error formats the problem as "conf: <file>[:<line>]: <key>: <msg>", or
// "conf: <file>: unknown key <key>" for an unknown key.
func (e *FileError) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc += ":" + strconv.Itoa(e.Line)
	}
	switch {
	case e.Kind == ErrUnknownKey:
		return "conf: " + loc + ": unknown key " + e.Key
	case e.Key != "" && e.Kind != ErrSyntax:
		return "conf: " + loc + ": " + e.Key + ": " + e.Msg
	default:
		return "conf: " + loc + ": " + e.Msg
	}
}

// Unwrap returns the kind of the problem.
func (e *FileError) Unwrap() error { return e.Kind }
