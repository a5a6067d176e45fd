package smsbridge

import "fmt"

// PartKey identifies the parts of one concatenated MO message while they are
// reassembled: parts belong together when they come from the same source
// address to the same destination address with the same reference and the
// same total, whether the concatenation information came from a UDH
// (IEI 0x00 or 0x08), from SAR TLVs or from a message_payload with a UDH.
// Including Total keeps two messages that happen to reuse a reference apart
// when their lengths differ.
//
// Source and Dest are SMPP addresses, i.e. phone numbers: a PartKey may be
// stored but its String and GoString methods redact them, so printing a key
// in a log or error never leaks a number.
type PartKey struct {
	Source, Dest string
	Ref          uint16
	Total        uint8
}

// NewPartKey returns the reassembly key of a part with concatenation
// information c sent from source to dest.
func NewPartKey(source, dest string, c Concat) PartKey {
	return PartKey{Source: source, Dest: dest, Ref: c.Ref, Total: c.Total}
}

// String describes k without its addresses.
func (k PartKey) String() string {
	return fmt.Sprintf("part ref=%d total=%d", k.Ref, k.Total)
}

// GoString is String, so that %#v does not print the addresses either.
func (k PartKey) GoString() string { return k.String() }
