package smsbridge

import (
	"strconv"
	"strings"
)

// NormalizeMessageID returns the canonical form of an SMSC message id:
// surrounding spaces and NUL bytes removed, lower-cased, leading zeros
// (and any spaces between them) stripped (an id of only zeros becomes
// "0"). Nothing else changes, so ids that are neither decimal nor
// hexadecimal (UUIDs, base64) keep their characters. The canonical form
// is its own canonical form.
//
// Examples: " 000123\x00" -> "123"; "0A1B" -> "a1b"; "ABC" -> "abc";
// "000" -> "0"; "00 7" -> "7"; "" -> "".
func NormalizeMessageID(id string) string {
	const space = " \t\r\n\x00"
	id = strings.ToLower(strings.Trim(id, space))
	if id == "" {
		return ""
	}
	if t := strings.TrimLeft(id, "0"+space); t != "" {
		return t
	}
	return "0"
}

// MessageIDCandidates returns the forms under which an id may appear on the
// other side, for matching the id of a delivery report with the one
// submit_sm_resp returned when one of them is printed in hex and the other
// in decimal. The first element is [NormalizeMessageID](id); then, if it is
// hexadecimal ([0-9a-f], at most 16 digits), its decimal value; then, if it
// is decimal (at most 20 digits, fitting uint64), its value in lower-case
// hex. Duplicates are removed; an empty id gives nil.
//
// The matcher stores every candidate of the submitted id and looks up each
// candidate of the report's id. An all-digit id is both decimal and hex,
// so "123" yields ["123", "291", "7b"]: a false match needs two of the
// SMSC's ids in flight at once whose decimal and hex readings coincide.
//
// Examples: "0A1B" -> ["a1b", "2587"]; "2587" -> ["2587", "9607", "a1b"];
// "550e8400-e29b-41d4-a716-446655440000" -> itself.
func MessageIDCandidates(id string) []string {
	n := NormalizeMessageID(id)
	if n == "" {
		return nil
	}
	out := []string{n}
	add := func(s string) {
		for _, have := range out {
			if have == s {
				return
			}
		}
		out = append(out, s)
	}
	if len(n) <= 16 && isLowerHex(n) {
		if v, err := strconv.ParseUint(n, 16, 64); err == nil {
			add(strconv.FormatUint(v, 10))
		}
	}
	if len(n) <= 20 && isDecimal(n) {
		if v, err := strconv.ParseUint(n, 10, 64); err == nil {
			add(strconv.FormatUint(v, 16))
		}
	}
	return out
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func isDecimal(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
