package web

import "regexp"

// longDigits matches what may be a phone number: seven or more digits in a
// row, with an optional leading '+'. Addresses ("127.0.0.1:5347"), years
// and small counts stay readable.
var longDigits = regexp.MustCompile(`\+?[0-9]{7,}`)

// Redact returns s with every run of seven or more digits replaced by
// "[redacted]". Free text from other packages (link errors, page titles)
// goes through it before it reaches a response, so that a phone number
// slipped into an error message by mistake never leaves the process.
//
//	Redact("dial tcp 127.0.0.1:2775: connection refused") // unchanged
//	Redact("no route to +4915112345678")                 // "no route to [redacted]"
func Redact(s string) string {
	return longDigits.ReplaceAllLiteralString(s, "[redacted]")
}
