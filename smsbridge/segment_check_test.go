package smsbridge

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// verifyEncoded checks every invariant Encode promises for text in mode:
// the decoded concatenation of all parts equals the text (invalid UTF-8
// read as U+FFFD), every part is within its limits, no part ends inside a
// GSM escape pair or a surrogate pair, concatenation values are right, and
// SegmentCount agrees with Parts.
func verifyEncoded(text string, mode LongMode, ref uint16, enc *Encoded) error {
	gsm := enc.DataCoding == DCSDefault
	if !gsm && enc.DataCoding != DCSUCS2 {
		return fmt.Errorf("data coding 0x%02X", enc.DataCoding)
	}
	if _, fits := GSM7Len(text); fits != gsm {
		return fmt.Errorf("GSM chosen=%v but text fits GSM=%v", gsm, fits)
	}
	if len(enc.Segments) == 0 {
		return fmt.Errorf("no segments")
	}
	if n, err := SegmentCount(text, mode); err != nil || n != enc.Parts {
		return fmt.Errorf("SegmentCount = %d, %v; Parts = %d", n, err, enc.Parts)
	}
	single := len(enc.Segments) == 1 && !enc.Segments[0].Payload
	if len(enc.Segments) != enc.Parts && !(mode == LongPayload && !single) {
		return fmt.Errorf("%d segments but Parts %d", len(enc.Segments), enc.Parts)
	}
	var all []byte
	for i, seg := range enc.Segments {
		body := seg.ShortMessage
		limit := 0
		switch {
		case single:
			limit = 140
			if gsm {
				limit = 160
			}
			if seg.ESMClassUDHI || seg.SAR != nil {
				return fmt.Errorf("single segment has concatenation info")
			}
		case seg.Payload:
			limit = MaxPayloadOctets
		case mode == LongSAR:
			limit = 132
			if gsm {
				limit = 152
			}
			if seg.ESMClassUDHI || seg.SAR == nil {
				return fmt.Errorf("segment %d: SAR mode without SAR values", i)
			}
			want := Concat{Ref: ref, Total: uint8(len(enc.Segments)), Seq: uint8(i + 1), Ref16: true}
			if *seg.SAR != want {
				return fmt.Errorf("segment %d: SAR %+v, want %+v", i, *seg.SAR, want)
			}
		default:
			if !seg.ESMClassUDHI {
				return fmt.Errorf("segment %d: no UDHI", i)
			}
			udh, payload, c, err := ParseUDH(body)
			if err != nil || c == nil {
				return fmt.Errorf("segment %d: ParseUDH: %v, %v", i, c, err)
			}
			want := Concat{Ref: ref & 0xFF, Total: uint8(len(enc.Segments)), Seq: uint8(i + 1)}
			if mode == LongUDH16 {
				want = Concat{Ref: ref, Total: want.Total, Seq: want.Seq, Ref16: true}
			}
			if *c != want {
				return fmt.Errorf("segment %d: concat %+v, want %+v", i, *c, want)
			}
			if gsm {
				limit = GSMSeptetBudget(len(udh))
			} else {
				limit = (140 - len(udh)) &^ 1
			}
			body = payload
		}
		if len(body) > limit {
			return fmt.Errorf("segment %d: %d octets, limit %d", i, len(body), limit)
		}
		if !gsm && len(body)%2 != 0 {
			return fmt.Errorf("segment %d: odd UCS-2 length", i)
		}
		if gsm && len(body) > 0 && body[len(body)-1] == gsmEscape {
			return fmt.Errorf("segment %d ends with an escape", i)
		}
		if !gsm && len(body) >= 2 && body[len(body)-2]&0xFC == 0xD8 {
			return fmt.Errorf("segment %d ends with a high surrogate", i)
		}
		if i < len(enc.Segments)-1 && len(body) == 0 {
			return fmt.Errorf("segment %d empty", i)
		}
		// Each part must decode on its own: the handset shows parts that
		// arrive alone.
		if dec := decodeBody(gsm, body); strings.ContainsRune(dec, utf8.RuneError) && !strings.ContainsRune(text, utf8.RuneError) && utf8.ValidString(text) {
			return fmt.Errorf("segment %d decodes with U+FFFD: %q", i, dec)
		}
		all = append(all, body...)
	}
	want := string([]rune(text)) // each invalid UTF-8 byte is sent as U+FFFD
	if got := decodeBody(gsm, all); got != want {
		return fmt.Errorf("round trip: got %q, want %q", got, want)
	}
	if gsm && enc.Septets != len(all) || !gsm && enc.Units != len(all)/2 {
		return fmt.Errorf("length fields %d/%d for %d octets", enc.Septets, enc.Units, len(all))
	}
	return nil
}

func decodeBody(gsm bool, b []byte) string {
	if gsm {
		return DecodeGSM7(b)
	}
	return DecodeUCS2(b)
}
