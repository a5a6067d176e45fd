package smsbridge

// PackGSM7 packs septets (one per byte, high bit ignored) into the 7-bit
// packed form of 3GPP TS 23.038: septet i occupies bits fillBits+7i ..
// fillBits+7i+6 of the output, least significant bit first. fillBits are the
// zero padding bits that align the first septet after a user data header
// (see [GSM7FillBits]); only its low three bits are used.
//
// Example: "hellohello" packs to E8 32 9B FD 46 97 D9 EC 37.
func PackGSM7(septets []byte, fillBits int) []byte {
	fill := fillBits & 7
	out := make([]byte, (fill+7*len(septets)+7)/8)
	for i, s := range septets {
		bit := fill + 7*i
		idx, shift := bit/8, uint(bit%8)
		v := uint16(s&0x7F) << shift
		out[idx] |= byte(v)
		if shift > 1 {
			out[idx+1] |= byte(v >> 8)
		}
	}
	return out
}

// UnpackGSM7 is the inverse of [PackGSM7]: it extracts n septets from packed
// data b, skipping fillBits (low three bits used) leading padding bits. If b
// holds fewer than n septets, the ones present are returned; n < 0 means
// "as many as fit", in which case a final septet made only of padding bits
// is returned as 0x00 ('@'), so callers that know the count should pass it.
func UnpackGSM7(b []byte, fillBits, n int) []byte {
	fill := fillBits & 7
	avail := (len(b)*8 - fill) / 7
	if avail < 0 {
		avail = 0
	}
	if n < 0 || n > avail {
		n = avail
	}
	out := make([]byte, n)
	for i := range out {
		bit := fill + 7*i
		idx, shift := bit/8, uint(bit%8)
		v := uint16(b[idx]) >> shift
		if shift > 1 {
			v |= uint16(b[idx+1]) << (8 - shift)
		}
		out[i] = byte(v & 0x7F)
	}
	return out
}

// GSM7FillBits returns the number of fill bits that align packed septets
// after a user data header of udhOctets octets (including the UDHL octet):
// the header ends on an octet boundary, the septets must start on a septet
// boundary counted from the start of the user data. A 6-octet concatenation
// header needs 1 fill bit, a 7-octet one 0.
func GSM7FillBits(udhOctets int) int {
	if udhOctets <= 0 {
		return 0
	}
	return (7 - (udhOctets*8)%7) % 7
}
