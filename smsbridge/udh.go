package smsbridge

import "fmt"

// ESMClassUDHI is the esm_class bit (GSM feature "UDHI") saying that
// short_message starts with a user data header.
const ESMClassUDHI byte = 0x40

// Information element identifiers of the concatenation headers
// (3GPP TS 23.040 9.2.3.24.1 and 9.2.3.24.8).
const (
	ieiConcat8  = 0x00
	ieiConcat16 = 0x08
)

// Octet sizes of the whole concatenation UDH, including the UDHL octet.
const (
	udh8Len  = 6 // 05 00 03 ref total seq
	udh16Len = 7 // 06 08 04 refHi refLo total seq
)

// Concat is the concatenation information of one part of a long message,
// from a UDH (IEI 0x00 or 0x08) or from the SAR TLVs (sar_msg_ref_num,
// sar_total_segments, sar_segment_seqnum).
type Concat struct {
	// Ref is the reference shared by all parts of one message; with an
	// 8-bit header only the low byte is carried.
	Ref uint16
	// Total is the number of parts, Seq this part's number, 1..Total.
	Total, Seq uint8
	// Ref16 says the reference is 16 bits wide (IEI 0x08, or SAR TLVs).
	Ref16 bool
}

// Validate checks that Total is at least 1 and Seq is in 1..Total, and that
// an 8-bit reference fits in a byte. Errors wrap [ErrBadUDH].
func (c Concat) Validate() error {
	switch {
	case c.Total == 0:
		return fmt.Errorf("%w: concatenation total 0", ErrBadUDH)
	case c.Seq == 0 || c.Seq > c.Total:
		return fmt.Errorf("%w: concatenation seq %d out of range 1..%d", ErrBadUDH, c.Seq, c.Total)
	case !c.Ref16 && c.Ref > 0xFF:
		return fmt.Errorf("%w: 8-bit concatenation reference %d exceeds 255", ErrBadUDH, c.Ref)
	}
	return nil
}

// BuildConcatUDH returns a complete user data header (UDHL octet first)
// holding one concatenation element: 05 00 03 ref total seq for an 8-bit
// reference (only the low byte of c.Ref is used), or 06 08 04 refHi refLo
// total seq when c.Ref16 is set.
func BuildConcatUDH(c Concat) []byte {
	if c.Ref16 {
		return []byte{udh16Len - 1, ieiConcat16, 4, byte(c.Ref >> 8), byte(c.Ref), c.Total, c.Seq}
	}
	return []byte{udh8Len - 1, ieiConcat8, 3, byte(c.Ref), c.Total, c.Seq}
}

// GSMSeptetBudget returns how many GSM septets fit in one segment whose
// user data header takes udhOctets octets (including the UDHL octet).
//
// The air interface carries at most 140 octets of user data. A header of u
// octets leaves 140-u octets = (140-u)*8 bits, and the packed septets that
// follow it (after fill bits up to the next septet boundary) number
// floor((140-u)*8/7): 160 without a header, 153 with the 6-octet 8-bit
// concatenation header (134*8/7 = 153.1), 152 with the 7-octet 16-bit one
// (133*8/7 = 152). Over SMPP the septets travel unpacked, one per octet,
// after the header octets, and the SMSC packs them; the budget counts
// septets, not short_message octets.
func GSMSeptetBudget(udhOctets int) int {
	if udhOctets < 0 || udhOctets > 140 {
		return 0
	}
	return (140 - udhOctets) * 8 / 7
}

// ParseUDH splits a short_message whose esm_class has UDHI (0x40) set into
// the user data header (udh, starting with the UDHL octet) and the payload
// after it. If the header holds a concatenation element (IEI 0x00 with an
// 8-bit reference, or 0x08 with a 16-bit reference), c describes it; other
// elements are skipped. As 3GPP TS 23.040 prescribes, when several
// concatenation elements are present the last one wins.
//
// Errors wrap [ErrBadUDH] and say what is wrong: an empty message, a UDHL
// running past the message, an element running past the header, a
// concatenation element of the wrong length, a total of 0 or a seq outside
// 1..total. ParseUDH never panics; udh and payload alias b.
func ParseUDH(b []byte) (udh []byte, payload []byte, c *Concat, err error) {
	if len(b) == 0 {
		return nil, nil, nil, fmt.Errorf("%w: empty message", ErrBadUDH)
	}
	udhl := int(b[0])
	if udhl > len(b)-1 {
		return nil, nil, nil, fmt.Errorf("%w: UDHL %d exceeds message length %d", ErrBadUDH, udhl, len(b)-1)
	}
	udh, payload = b[:1+udhl], b[1+udhl:]
	for i := 1; i < len(udh); {
		if len(udh)-i < 2 {
			return nil, nil, nil, fmt.Errorf("%w: IE header at offset %d truncated", ErrBadUDH, i)
		}
		iei, iel := udh[i], int(udh[i+1])
		data := udh[i+2:]
		if iel > len(data) {
			return nil, nil, nil, fmt.Errorf("%w: IE 0x%02X length %d exceeds the %d octets left in the UDH", ErrBadUDH, iei, iel, len(data))
		}
		data = data[:iel]
		switch iei {
		case ieiConcat8:
			if iel != 3 {
				return nil, nil, nil, fmt.Errorf("%w: IE 0x00 length %d, want 3", ErrBadUDH, iel)
			}
			c = &Concat{Ref: uint16(data[0]), Total: data[1], Seq: data[2]}
		case ieiConcat16:
			if iel != 4 {
				return nil, nil, nil, fmt.Errorf("%w: IE 0x08 length %d, want 4", ErrBadUDH, iel)
			}
			c = &Concat{Ref: uint16(data[0])<<8 | uint16(data[1]), Total: data[2], Seq: data[3], Ref16: true}
		}
		i += 2 + iel
	}
	if c != nil {
		if err := c.Validate(); err != nil {
			return nil, nil, nil, err
		}
	}
	return udh, payload, c, nil
}
