package smsbridge

import (
	"bytes"
	"fmt"
	"slices"
	"sync/atomic"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/fiorix/go-smpp/smpp/pdu/pdufield"
	"github.com/fiorix/go-smpp/smpp/pdu/pdutlv"
)

// bodyWriter serialises the mandatory fields of a PDU body in order, then
// its TLVs sorted by tag, with the library's field types. It is used instead
// of the library's pdu.Body codecs because those take sequence numbers from a
// package-global counter, write TLVs in map order, and encode deliver_sm with
// a stray UDH-length octet when esm_class has UDHI set. The first error
// sticks; later calls do nothing.
type bodyWriter struct {
	buf bytes.Buffer
	err error
}

// cstring writes a C-Octet String of at most max characters (0: no limit);
// name is used in the error, never the value.
func (w *bodyWriter) cstring(name string, s string, max int) {
	if w.err != nil {
		return
	}
	if bytes.IndexByte([]byte(s), 0) >= 0 {
		w.err = fmt.Errorf("%w: %s contains a NUL octet", ErrInvalidSubmit, name)
		return
	}
	if max > 0 && len(s) > max {
		w.err = fmt.Errorf("%w: %s is %d octets, at most %d allowed", ErrInvalidSubmit, name, len(s), max)
		return
	}
	f := pdufield.Variable{Data: []byte(s)}
	w.err = f.SerializeTo(&w.buf)
}

// byte1 writes an Integer(1) field.
func (w *bodyWriter) byte1(b byte) {
	if w.err != nil {
		return
	}
	f := pdufield.Fixed{Data: b}
	w.err = f.SerializeTo(&w.buf)
}

// shortMessage writes sm_length and short_message.
func (w *bodyWriter) shortMessage(b []byte) {
	if w.err != nil {
		return
	}
	if len(b) > maxShortMsg {
		w.err = fmt.Errorf("%w: short_message is %d octets, at most %d allowed (use message_payload)", ErrInvalidSubmit, len(b), maxShortMsg)
		return
	}
	w.byte1(byte(len(b)))
	f := pdufield.SM{Data: b}
	if w.err == nil {
		w.err = f.SerializeTo(&w.buf)
	}
}

// tlvs writes the TLVs sorted by tag.
func (w *bodyWriter) tlvs(m map[uint16][]byte) {
	tags := make([]uint16, 0, len(m))
	for t := range m {
		tags = append(tags, t)
	}
	slices.Sort(tags)
	for _, t := range tags {
		if w.err != nil {
			return
		}
		v := m[t]
		if len(v) > maxTLVLength {
			w.err = fmt.Errorf("%w: TLV 0x%04X is %d octets, at most %d allowed", ErrInvalidSubmit, t, len(v), maxTLVLength)
			return
		}
		f := pdutlv.Field{Tag: pdutlv.Tag(t), Data: v}
		w.err = f.SerializeTo(&w.buf)
	}
}

// bytes returns the body, or the first error.
func (w *bodyWriter) bytes() ([]byte, error) {
	if w.err != nil {
		return nil, w.err
	}
	if w.buf.Len() > maxPDULen-headerLen {
		return nil, fmt.Errorf("%w: PDU of %d octets exceeds %d", ErrInvalidSubmit, w.buf.Len()+headerLen, maxPDULen)
	}
	return w.buf.Bytes(), nil
}

// frame returns a complete PDU: a header with the given command id, status
// and sequence number, followed by body.
func frame(id pdu.ID, status uint32, seq uint32, body []byte) []byte {
	h := pdu.Header{Len: uint32(headerLen + len(body)), ID: id, Status: pdu.Status(status), Seq: seq}
	var b bytes.Buffer
	b.Grow(int(h.Len))
	_ = h.SerializeTo(&b) // a bytes.Buffer write cannot fail
	b.Write(body)
	return b.Bytes()
}

// bindBody encodes a bind_transceiver body (interface_version 0x34).
func bindBody(cfg *SessionConfig) ([]byte, error) {
	var w bodyWriter
	w.cstring("system_id", cfg.SystemID, 0)
	w.cstring("password", cfg.Password, 0)
	w.cstring("system_type", cfg.SystemType, 0)
	w.byte1(0x34)
	w.byte1(cfg.BindTON)
	w.byte1(cfg.BindNPI)
	w.cstring("address_range", "", 0)
	b, err := w.bytes()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadConfig, err)
	}
	return b, nil
}

// smBody is the field layout shared by submit_sm and deliver_sm.
type smBody struct {
	serviceType                    string
	sourceTON, sourceNPI           byte
	source                         string
	destTON, destNPI               byte
	dest                           string
	esmClass, protocolID, priority byte
	registeredDelivery, dataCoding byte
	shortMessage                   []byte
	tlvs                           map[uint16][]byte
}

// encode writes the body; addresses are limited to 20 characters and
// service_type to 5 as in SMPP 3.4.
func (m *smBody) encode() ([]byte, error) {
	var w bodyWriter
	w.cstring("service_type", m.serviceType, 5)
	w.byte1(m.sourceTON)
	w.byte1(m.sourceNPI)
	w.cstring("source_addr", m.source, 20)
	w.byte1(m.destTON)
	w.byte1(m.destNPI)
	w.cstring("destination_addr", m.dest, 20)
	w.byte1(m.esmClass)
	w.byte1(m.protocolID)
	w.byte1(m.priority)
	w.cstring("schedule_delivery_time", "", 0)
	w.cstring("validity_period", "", 0)
	w.byte1(m.registeredDelivery)
	w.byte1(0) // replace_if_present_flag
	w.byte1(m.dataCoding)
	w.byte1(0) // sm_default_msg_id
	w.shortMessage(m.shortMessage)
	w.tlvs(m.tlvs)
	return w.bytes()
}

// messageIDBody encodes the body of submit_sm_resp and deliver_sm_resp.
func messageIDBody(id string) []byte {
	b := make([]byte, len(id)+1)
	copy(b, id)
	return b
}

// seqCounter hands out sequence numbers 1..0x7FFFFFFF, wrapping; it is safe
// for concurrent use.
type seqCounter struct{ last atomic.Uint32 }

// next returns the next sequence number.
func (c *seqCounter) next() uint32 {
	for {
		old := c.last.Load()
		n := old%maxSeq + 1
		if c.last.CompareAndSwap(old, n) {
			return n
		}
	}
}
