package smscsim

import (
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"strings"
	"unicode/utf8"

	"github.com/fiorix/go-smpp/smpp/pdu"

	"github.com/mpimis/mpimis/smsbridge"
)

// TLV is one optional parameter of a PDU the simulator sends.
type TLV struct {
	Tag   uint16
	Value []byte
}

// MO is a mobile-originated message to inject.
type MO struct {
	// Source is the sender's number, Dest the number it was texted to. A
	// leading '+' is removed; see addrTONNPI for the TON/NPI chosen.
	Source, Dest string
	// Text is the message.
	Text string
	// Encoding is "auto" or "" (GSM 03.38 when the text fits it, else
	// UCS-2, as smsbridge.Encode chooses), "gsm" (an error if the text
	// does not fit), "ucs2" or "latin1" (ISO-8859-1, data_coding 3).
	Encoding string
	// Long is how a text longer than one SMS is split: "udh8" or ""
	// (concatenation UDH with an 8-bit reference), "udh16", "sar" (the
	// sar_* TLVs) or "payload" (one deliver_sm with message_payload; used
	// even for a short text, to test payload handling).
	Long string
	// Order is the sending order as 1-based part numbers, e.g. [2 1] to
	// send the second part first or [1 1 2] to send the first one twice;
	// nil sends 1..n once each.
	Order []int
	// Ref is the concatenation reference; nil picks the next one from a
	// counter. With "udh8" only its low byte is sent.
	Ref *uint16
	// SystemID restricts delivery to sessions bound with that system_id;
	// "" sends to every bound receiver or transceiver session.
	SystemID string
}

// moPart is one deliver_sm body.
type moPart struct {
	esmClass byte
	sm       []byte
	tlvs     []TLV
}

// SendMO builds the deliver_sm PDUs for mo and sends them, in mo.Order, to
// every receiving session (of mo.SystemID if set), waiting for each
// deliver_sm_resp before sending the next part. A non-zero status stops
// the sending and returns a *StatusError; ErrNoSession when no session can
// receive; ErrBadMO when the message cannot be built.
func (s *Server) SendMO(ctx context.Context, mo MO) error {
	ref := uint16(s.moRef.Add(1))
	if mo.Ref != nil {
		ref = *mo.Ref
	}
	dc, parts, err := buildMO(mo, ref)
	if err != nil {
		return err
	}
	order := mo.Order
	if order == nil {
		for i := range parts {
			order = append(order, i+1)
		}
	}
	for _, p := range order {
		if p < 1 || p > len(parts) {
			return fmt.Errorf("%w: order names part %d of %d", ErrBadMO, p, len(parts))
		}
	}
	s.mu.Lock()
	closed, targets := s.closed, s.receiversLocked(mo.SystemID)
	s.mu.Unlock()
	if closed {
		return ErrClosed
	}
	if len(targets) == 0 {
		return ErrNoSession
	}
	srcTON, srcNPI, src := addrTONNPI(mo.Source)
	dstTON, dstNPI, dst := addrTONNPI(mo.Dest)
	for _, sess := range targets {
		for i, p := range order {
			part := parts[p-1]
			d := RawDeliver{
				SourceTON: srcTON, SourceNPI: srcNPI, Source: src,
				DestTON: dstTON, DestNPI: dstNPI, Dest: dst,
				ESMClass: part.esmClass, DataCoding: dc,
				ShortMessage: part.sm, TLVs: part.tlvs,
			}
			status, err := sess.request(ctx, 0, pdu.DeliverSMRespID, d.encode)
			if err != nil {
				return fmt.Errorf("smscsim: deliver_sm part %d: %w", i+1, err)
			}
			if status != smsbridge.StatusOK {
				return &StatusError{Status: status, Part: i + 1}
			}
		}
		if s.log.Enabled(ctx, slog.LevelDebug) {
			s.log.Debug("smscsim: MO delivered", "session", sess.num, "source", mo.Source, "dest", mo.Dest, "parts", len(order))
		}
	}
	return nil
}

// addrTONNPI returns the type of number, numbering plan and address for a
// number: "+" and digits, or more than 8 digits, is international (1/1,
// the "+" removed); up to 8 digits is a short code (unknown TON 0, ISDN
// NPI 1); anything else is alphanumeric (5/0).
func addrTONNPI(a string) (ton, npi byte, addr string) {
	digits := strings.TrimPrefix(a, "+")
	allDigits := digits != ""
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			allDigits = false
			break
		}
	}
	switch {
	case allDigits && (len(digits) != len(a) || len(digits) > 8):
		return 1, 1, digits
	case allDigits:
		return 0, 1, digits
	}
	return 5, 0, a
}

// buildMO encodes and segments the text of mo.
func buildMO(mo MO, ref uint16) (byte, []moPart, error) {
	if mo.Text == "" {
		return 0, nil, fmt.Errorf("%w: empty text", ErrBadMO)
	}
	mode, err := smsbridge.ParseLongMode(mo.Long)
	if err != nil {
		return 0, nil, fmt.Errorf("%w: %w", ErrBadMO, err)
	}
	var dc byte
	var segs []smsbridge.Segment
	switch strings.ToLower(mo.Encoding) {
	case "", "auto", "gsm":
		if strings.EqualFold(mo.Encoding, "gsm") {
			if _, err := smsbridge.EncodeGSM7(mo.Text); err != nil {
				return 0, nil, fmt.Errorf("%w: %w", ErrBadMO, err)
			}
		}
		enc, err := smsbridge.Encode(mo.Text, mode, ref, 0)
		if err != nil {
			return 0, nil, fmt.Errorf("%w: %w", ErrBadMO, err)
		}
		dc, segs = enc.DataCoding, enc.Segments
	case "ucs2":
		dc = smsbridge.DCSUCS2
		if segs, err = splitOctets(smsbridge.EncodeUCS2(mo.Text), 2, mode, ref); err != nil {
			return 0, nil, err
		}
	case "latin1":
		body, err := encodeLatin1(mo.Text)
		if err != nil {
			return 0, nil, err
		}
		dc = smsbridge.DCSLatin1
		if segs, err = splitOctets(body, 1, mode, ref); err != nil {
			return 0, nil, err
		}
	default:
		return 0, nil, fmt.Errorf("%w: encoding %q (want auto, gsm, ucs2 or latin1)", ErrBadMO, mo.Encoding)
	}
	if mode == smsbridge.LongPayload {
		var body []byte
		for _, sg := range segs {
			body = append(body, sg.ShortMessage...)
		}
		return dc, []moPart{{tlvs: []TLV{{Tag: smsbridge.TagMessagePayload, Value: body}}}}, nil
	}
	parts := make([]moPart, len(segs))
	for i, sg := range segs {
		p := moPart{sm: sg.ShortMessage}
		if sg.ESMClassUDHI {
			p.esmClass = smsbridge.ESMClassUDHI
		}
		if c := sg.SAR; c != nil {
			p.tlvs = []TLV{
				{Tag: smsbridge.TagSARMsgRefNum, Value: binary.BigEndian.AppendUint16(nil, c.Ref)},
				{Tag: smsbridge.TagSARTotalSegments, Value: []byte{c.Total}},
				{Tag: smsbridge.TagSARSegmentSeqnum, Value: []byte{c.Seq}},
			}
		}
		parts[i] = p
	}
	return dc, parts, nil
}

func encodeLatin1(s string) ([]byte, error) {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xFF || r == utf8.RuneError {
			return nil, fmt.Errorf("%w: %q is not in ISO-8859-1", ErrBadMO, r)
		}
		out = append(out, byte(r))
	}
	return out, nil
}

// splitOctets segments an 8-bit (unit 1) or UCS-2 (unit 2) body: 140
// octets fit one SMS; longer bodies are cut into parts of 134 octets after
// an 8-bit concatenation UDH, 133 (132 for UCS-2) after a 16-bit one or
// with SAR (the room the SMSC needs to add a 16-bit UDH), never between
// the halves of a surrogate pair. In payload mode the body stays whole.
// More than 255 parts, or a payload over 64 KiB, is an error.
func splitOctets(body []byte, unit int, mode smsbridge.LongMode, ref uint16) ([]smsbridge.Segment, error) {
	if mode == smsbridge.LongPayload && len(body) > smsbridge.MaxPayloadOctets {
		return nil, fmt.Errorf("%w: payload of %d octets", ErrBadMO, len(body))
	}
	if len(body) <= 140 || mode == smsbridge.LongPayload {
		return []smsbridge.Segment{{ShortMessage: body}}, nil
	}
	size := 133
	if mode == smsbridge.LongUDH8 {
		size = 134
	}
	size -= size % unit
	var cuts []int
	for start := 0; start < len(body); {
		end := min(start+size, len(body))
		if unit == 2 && end < len(body) && body[end-2]&0xFC == 0xD8 {
			end -= 2 // keep a surrogate pair together
		}
		cuts = append(cuts, end)
		start = end
	}
	if len(cuts) > 255 {
		return nil, fmt.Errorf("%w: %d parts, at most 255", ErrBadMO, len(cuts))
	}
	segs := make([]smsbridge.Segment, len(cuts))
	start := 0
	for i, end := range cuts {
		c := smsbridge.Concat{Ref: ref, Total: uint8(len(cuts)), Seq: uint8(i + 1), Ref16: mode != smsbridge.LongUDH8}
		if mode == smsbridge.LongSAR {
			segs[i] = smsbridge.Segment{ShortMessage: body[start:end], SAR: &c}
		} else {
			if !c.Ref16 {
				c.Ref &= 0xFF
			}
			sm := append(smsbridge.BuildConcatUDH(c), body[start:end]...)
			segs[i] = smsbridge.Segment{ShortMessage: sm, ESMClassUDHI: true}
		}
		start = end
	}
	return segs, nil
}
