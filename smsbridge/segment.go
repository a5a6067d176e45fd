package smsbridge

import (
	"fmt"
	"strings"
)

// LongMode is how a text longer than one SMS is submitted. The zero value is
// LongUDH8.
type LongMode int

// The long-message modes, as configured per SMSC.
const (
	// LongUDH8 sends one submit_sm per part with an 8-bit-reference
	// concatenation UDH (IEI 0x00) and esm_class UDHI.
	LongUDH8 LongMode = iota
	// LongUDH16 is LongUDH8 with a 16-bit reference (IEI 0x08).
	LongUDH16
	// LongSAR sends one submit_sm per part without a UDH; the part's
	// reference, total and number go in the sar_* TLVs.
	LongSAR
	// LongPayload sends the whole text in one submit_sm in the
	// message_payload TLV and lets the SMSC segment it.
	LongPayload
)

// ParseLongMode parses a configuration value: "udh8", "udh16", "sar" or
// "payload" (case-insensitive, surrounding spaces ignored; empty means the
// default, LongUDH8). Anything else is an error wrapping [ErrBadLongMode].
func ParseLongMode(s string) (LongMode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "udh8":
		return LongUDH8, nil
	case "udh16":
		return LongUDH16, nil
	case "sar":
		return LongSAR, nil
	case "payload":
		return LongPayload, nil
	}
	return 0, fmt.Errorf("%w %q (want udh8, udh16, sar or payload)", ErrBadLongMode, s)
}

// String returns the configuration spelling of m.
func (m LongMode) String() string {
	switch m {
	case LongUDH8:
		return "udh8"
	case LongUDH16:
		return "udh16"
	case LongSAR:
		return "sar"
	case LongPayload:
		return "payload"
	}
	return fmt.Sprintf("LongMode(%d)", int(m))
}

func (m LongMode) valid() bool { return m >= LongUDH8 && m <= LongPayload }

// MaxPayloadOctets is the largest message_payload TLV value (its length is
// a 16-bit field).
const MaxPayloadOctets = 0xFFFF

// maxConcatParts is the most parts a concatenation header or the SAR TLVs
// can number (an 8-bit total).
const maxConcatParts = 255

// Single-message capacities: 140 octets of user data hold 160 packed GSM
// septets or 70 UTF-16 units.
const (
	gsmSingleSeptets = 160
	ucs2SingleUnits  = 70
)

// Segment is one submit_sm worth of message body.
type Segment struct {
	// ESMClassUDHI says ShortMessage starts with a user data header: set
	// esm_class bit 0x40 (ESMClassUDHI).
	ESMClassUDHI bool
	// ShortMessage is the body: the UDH (if ESMClassUDHI) followed by the
	// encoded text, GSM septets unpacked one per octet or UTF-16BE.
	ShortMessage []byte
	// SAR, in LongSAR mode, holds the values of sar_msg_ref_num (Ref),
	// sar_total_segments (Total) and sar_segment_seqnum (Seq).
	SAR *Concat
	// Payload says the body goes in the message_payload TLV, with an empty
	// short_message (LongPayload mode, text longer than one SMS).
	Payload bool
}

// Encoded is a text ready for submission.
type Encoded struct {
	// DataCoding is DCSDefault (GSM 03.38) or DCSUCS2.
	DataCoding byte
	// Segments are the submit_sm bodies, in order: one per submit_sm.
	Segments []Segment
	// Septets is the length of the whole text in GSM septets (an
	// extension character counts two); 0 for UCS-2.
	Septets int
	// Units is the length of the whole text in UTF-16 code units (an
	// emoji counts two); 0 for GSM.
	Units int
	// Parts is the number of SMS the recipient's handset receives. It
	// equals len(Segments) except in LongPayload mode, where the SMSC does
	// the splitting; it is then counted as with 8-bit concatenation
	// headers.
	Parts int
}

// partBudget returns how many septets (GSM) or UTF-16 units (UCS-2) one part
// of a multi-part message holds in mode m, and the UDH length it carries.
//
// With SAR TLVs the ESME sends no header, but the SMSC has to insert a
// concatenation header on the air interface, so the parts must leave room
// for it; the 16-bit-reference budget (152 septets, 66 units) fits whichever
// header the SMSC picks. LongPayload parts are counted with 8-bit headers,
// the common SMSC choice.
func partBudget(m LongMode, gsm bool) (size, udhLen int) {
	udh := udh8Len
	switch m {
	case LongUDH16:
		udh = udh16Len
	case LongSAR:
		size, _ = partBudget(LongUDH16, gsm)
		return size, 0
	}
	if gsm {
		return GSMSeptetBudget(udh), udh
	}
	return (140 - udh) / 2, udh
}

// Encode prepares text for submit_sm. The whole text is encoded in GSM
// 03.38 (data_coding 0) when every character fits it, extension table
// included, and in UCS-2 (UTF-16BE, data_coding 8) otherwise; invalid UTF-8
// is sent as U+FFFD. Nothing unencodable is ever sent.
//
// A text of at most 160 septets or 70 UTF-16 units is one plain segment
// whatever the mode. Longer texts are split per mode:
//
//   - LongUDH8: 153 septets or 67 units (134 octets) per part after a
//     6-octet header with reference byte(ref);
//   - LongUDH16: 152 septets or 66 units (132 octets) per part after a
//     7-octet header with reference ref;
//   - LongSAR: 152 septets or 66 units per part, no header, Segment.SAR
//     set (see partBudget for why not 160/70);
//   - LongPayload: one segment with the whole body (at most
//     MaxPayloadOctets octets) for the message_payload TLV.
//
// A part never ends between an escape (0x1B) and its extension septet, nor
// between the two halves of a surrogate pair: such a character moves to the
// next part whole.
//
// maxSegments (limits.max_segments; <= 0 for no limit) bounds
// Encoded.Parts; a text needing more, or more than 255 parts, or a payload
// over MaxPayloadOctets, returns an error wrapping [ErrTooLong] with the
// count needed and the maximum. An empty text returns [ErrEmpty], an
// unknown mode [ErrBadLongMode].
func Encode(text string, mode LongMode, ref uint16, maxSegments int) (*Encoded, error) {
	if text == "" {
		return nil, ErrEmpty
	}
	if !mode.valid() {
		return nil, fmt.Errorf("%w: %d", ErrBadLongMode, int(mode))
	}
	enc := &Encoded{}
	var body []byte
	var single, unit int
	if b, err := EncodeGSM7(text); err == nil {
		body, enc.DataCoding, enc.Septets = b, DCSDefault, len(b)
		single, unit = gsmSingleSeptets, 1
	} else {
		body = EncodeUCS2(text)
		enc.DataCoding, enc.Units = DCSUCS2, len(body)/2
		single, unit = ucs2SingleUnits, 2
	}
	gsm := enc.DataCoding == DCSDefault
	if len(body) <= single*unit {
		enc.Parts = 1
		enc.Segments = []Segment{{ShortMessage: body}}
		return enc, nil
	}
	size, udhLen := partBudget(mode, gsm)
	cuts := splitBody(body, gsm, size*unit)
	enc.Parts = len(cuts)
	if mode == LongPayload {
		if len(body) > MaxPayloadOctets {
			return nil, fmt.Errorf("%w: payload of %d octets exceeds %d", ErrTooLong, len(body), MaxPayloadOctets)
		}
		if err := checkParts(enc.Parts, maxSegments); err != nil {
			return nil, err
		}
		enc.Segments = []Segment{{ShortMessage: body, Payload: true}}
		return enc, nil
	}
	if enc.Parts > maxConcatParts {
		return nil, fmt.Errorf("%w: needs %d segments, max %d", ErrTooLong, enc.Parts, maxConcatParts)
	}
	if err := checkParts(enc.Parts, maxSegments); err != nil {
		return nil, err
	}
	enc.Segments = make([]Segment, len(cuts))
	start := 0
	for i, end := range cuts {
		c := Concat{Ref: ref, Total: uint8(len(cuts)), Seq: uint8(i + 1), Ref16: mode != LongUDH8}
		seg := &enc.Segments[i]
		if mode == LongSAR {
			seg.SAR = &c
			seg.ShortMessage = body[start:end:end]
		} else {
			if mode == LongUDH8 {
				c.Ref &= 0xFF
			}
			sm := make([]byte, 0, udhLen+end-start)
			sm = append(sm, BuildConcatUDH(c)...)
			seg.ShortMessage = append(sm, body[start:end]...)
			seg.ESMClassUDHI = true
		}
		start = end
	}
	return enc, nil
}

func checkParts(n, maxSegments int) error {
	if maxSegments > 0 && n > maxSegments {
		return fmt.Errorf("%w: needs %d segments, max %d", ErrTooLong, n, maxSegments)
	}
	return nil
}

// splitBody returns the end offsets of the parts of an encoded body, each
// at most size octets, greedily filled. A cut that would separate an escape
// from its extension septet (GSM) or a high surrogate from its low one
// (UTF-16BE, size even) moves back by one character.
func splitBody(body []byte, gsm bool, size int) []int {
	cuts := make([]int, 0, len(body)/size+1)
	for start := 0; start < len(body); {
		end := min(start+size, len(body))
		if end < len(body) {
			if gsm && body[end-1] == gsmEscape {
				end--
			} else if !gsm && body[end-2]&0xFC == 0xD8 {
				end -= 2
			}
		}
		cuts = append(cuts, end)
		start = end
	}
	return cuts
}

// SegmentCount returns Encoded.Parts for text in mode without building the
// segments: the number of SMS the recipient receives, to compare with
// limits.max_segments before queueing. It returns [ErrEmpty] for an empty
// text, [ErrBadLongMode] for an unknown mode, and [ErrTooLong] when no
// limit could allow the text (over 255 parts, or a payload over
// MaxPayloadOctets).
func SegmentCount(text string, mode LongMode) (int, error) {
	if text == "" {
		return 0, ErrEmpty
	}
	if !mode.valid() {
		return 0, fmt.Errorf("%w: %d", ErrBadLongMode, int(mode))
	}
	length, gsm := GSM7Len(text)
	single, octets := gsmSingleSeptets, length
	if !gsm {
		length = UCS2Units(text)
		single, octets = ucs2SingleUnits, 2*length
	}
	if length <= single {
		return 1, nil
	}
	size, _ := partBudget(mode, gsm)
	n := countParts(text, gsm, size)
	switch {
	case mode == LongPayload && octets > MaxPayloadOctets:
		return n, fmt.Errorf("%w: payload of %d octets exceeds %d", ErrTooLong, octets, MaxPayloadOctets)
	case mode != LongPayload && n > maxConcatParts:
		return n, fmt.Errorf("%w: needs %d segments, max %d", ErrTooLong, n, maxConcatParts)
	}
	return n, nil
}

// countParts counts the parts of a greedy split of text into parts of at
// most size septets (gsm) or UTF-16 units, never splitting a character:
// the same split as splitBody over the encoded text.
func countParts(text string, gsm bool, size int) int {
	parts, used := 1, 0
	for _, r := range text {
		cost := utf16Units(r)
		if gsm {
			cost = gsmSeptets(r)
		}
		if used+cost > size {
			parts++
			used = 0
		}
		used += cost
	}
	return parts
}
