package ident

import "errors"

// Sentinel errors. Every error returned by this package wraps exactly one of
// them; the message of the returned error adds detail but never the input
// itself (which might be a phone number).
var (
	// ErrPhoneEmpty is returned by ParsePhone for an empty input.
	ErrPhoneEmpty = errors.New("ident: phone number is empty")
	// ErrPhoneSyntax is returned by ParsePhone for an input with characters
	// other than digits, a leading '+' and the separators " -.()/".
	ErrPhoneSyntax = errors.New("ident: phone number has a character that is not a digit")
	// ErrPhoneRegion is returned by ParsePhone for an unknown default region.
	ErrPhoneRegion = errors.New("ident: unknown phone region")
	// ErrPhoneNotPossible is returned by ParsePhone for a number that is not a
	// possible number for its country.
	ErrPhoneNotPossible = errors.New("ident: phone number is not possible")

	// ErrIMIDLength is returned by NewIMID for a length outside
	// MinIMIDDigits..MaxIMIDDigits.
	ErrIMIDLength = errors.New("ident: imid length out of range")
	// ErrIMIDSyntax is returned by ParseIMID for a string that is not an imid.
	ErrIMIDSyntax = errors.New("ident: not an imid")
	// ErrRandomSource is returned by NewIMID when the random source keeps
	// producing values that must be rejected (it is not random).
	ErrRandomSource = errors.New("ident: random source is not random")

	// ErrNickTooShort is returned by ParseNick for fewer than MinNickLen characters.
	ErrNickTooShort = errors.New("ident: nick is too short")
	// ErrNickTooLong is returned by ParseNick for more than MaxNickLen characters.
	ErrNickTooLong = errors.New("ident: nick is too long")
	// ErrNickFirstChar is returned by ParseNick when the nick does not start
	// with a letter a-z.
	ErrNickFirstChar = errors.New("ident: nick does not start with a letter")
	// ErrNickChar is returned by ParseNick for a character outside a-z 0-9 . _ -.
	ErrNickChar = errors.New("ident: nick has a character that is not allowed")

	// ErrURLEmpty is returned by NormalizeURL for an empty (or all blank) URL.
	ErrURLEmpty = errors.New("ident: url is empty")
	// ErrURLControl is returned by NormalizeURL for a URL containing an ASCII
	// control character.
	ErrURLControl = errors.New("ident: url has a control character")
	// ErrURLRelative is returned by NormalizeURL for a URL without a scheme.
	ErrURLRelative = errors.New("ident: url is not absolute")
	// ErrScheme is returned by NormalizeURL for a scheme other than http or https.
	ErrScheme = errors.New("ident: url scheme is not http or https")
	// ErrNoHost is returned by NormalizeURL for a URL without a host.
	ErrNoHost = errors.New("ident: url has no host")
	// ErrHost is returned by NormalizeURL for a host that is neither a valid
	// domain name (after IDNA mapping) nor a bracketed IPv6 address.
	ErrHost = errors.New("ident: url host is not valid")
	// ErrPort is returned by NormalizeURL for a port that is not a number
	// from 0 to 65535.
	ErrPort = errors.New("ident: url port is not a number from 0 to 65535")

	// ErrRoomKey is returned by ParseRoomKey for a string that is not a room key.
	ErrRoomKey = errors.New("ident: not a room key")
)

// detailError is an error with its own complete message that wraps a
// sentinel, so that messages read naturally ("ident: url scheme "ftp" is not
// http or https") while errors.Is still finds the sentinel.
type detailError struct {
	msg  string
	kind error // the sentinel
	err  error // an underlying error, or nil
}

func (e *detailError) Error() string { return e.msg }

// Unwrap returns the sentinel and, if there is one, the underlying error.
func (e *detailError) Unwrap() []error {
	if e.err == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.err}
}

// withDetail returns an error with message msg wrapping the sentinel kind and
// the optional underlying error err. msg must start with "ident: ".
func withDetail(kind error, msg string, err error) error {
	return &detailError{msg: msg, kind: kind, err: err}
}
