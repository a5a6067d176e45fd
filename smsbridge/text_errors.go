package smsbridge

import "errors"

// Sentinel errors of the text layer. Callers test them with errors.Is; the
// returned errors wrap them with the detail (offending rune, value, counts).
var (
	// ErrNotGSM reports a rune that the GSM 03.38 default alphabet and its
	// extension table cannot represent.
	ErrNotGSM = errors.New("smsbridge: text not representable in GSM 03.38")
	// ErrBinary reports a data_coding that announces 8-bit binary data,
	// which cannot be turned into text.
	ErrBinary = errors.New("smsbridge: binary data_coding")
	// ErrUnsupportedDCS reports a data_coding value this package cannot decode.
	ErrUnsupportedDCS = errors.New("smsbridge: unsupported data_coding")
	// ErrBadCharset reports an unknown MO charset name in the configuration.
	ErrBadCharset = errors.New("smsbridge: unknown MO charset")
	// ErrBadLongMode reports an unknown long-message mode in the configuration.
	ErrBadLongMode = errors.New("smsbridge: unknown long-message mode")
	// ErrBadUDH reports a malformed user data header.
	ErrBadUDH = errors.New("smsbridge: malformed user data header")
	// ErrTooLong reports a text that needs more segments than allowed.
	ErrTooLong = errors.New("smsbridge: message too long")
	// ErrEmpty reports an empty text given to Encode.
	ErrEmpty = errors.New("smsbridge: empty message")
	// ErrBadDLR reports a delivery receipt text missing a required field.
	ErrBadDLR = errors.New("smsbridge: malformed delivery receipt")
)
