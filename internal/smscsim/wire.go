package smscsim

import (
	"encoding/binary"
	"fmt"
	"io"
	"sync"

	"github.com/fiorix/go-smpp/smpp/pdu"
)

// headerLen is the size of the PDU header: command_length, command_id,
// command_status, sequence_number.
const headerLen = 16

// maxPDULen bounds command_length: a header, the mandatory fields at
// their maximum sizes and a message_payload TLV of 64 KiB fit.
const maxPDULen = 72 * 1024

// maxSeq is the largest sequence number (SMPP 3.4 section 3.2: 0x00000001
// to 0x7FFFFFFF).
const maxSeq = 0x7FFFFFFF

// header is a decoded PDU header.
type header struct {
	length uint32
	id     pdu.ID
	status uint32
	seq    uint32
}

// isResp reports whether the command is a response (bit 31 set).
func (h header) isResp() bool { return uint32(h.id)&0x80000000 != 0 }

// parseHeader decodes the 16 header octets of b and checks command_length.
func parseHeader(b []byte) (header, error) {
	h := header{
		length: binary.BigEndian.Uint32(b[0:4]),
		id:     pdu.ID(binary.BigEndian.Uint32(b[4:8])),
		status: binary.BigEndian.Uint32(b[8:12]),
		seq:    binary.BigEndian.Uint32(b[12:16]),
	}
	if h.length < headerLen || h.length > maxPDULen {
		return h, fmt.Errorf("%w: command_length %d outside %d..%d", ErrBadPDU, h.length, headerLen, maxPDULen)
	}
	return h, nil
}

// readFrame reads one PDU from r. buf is reused when large enough; the
// returned body aliases the returned buffer, which the caller passes back
// on the next call. A command_length out of range returns the header and
// an error wrapping ErrBadPDU: the stream cannot be resynchronised.
func readFrame(r io.Reader, buf []byte) (header, []byte, []byte, error) {
	if cap(buf) < headerLen {
		buf = make([]byte, 0, 512)
	}
	buf = buf[:headerLen]
	if _, err := io.ReadFull(r, buf); err != nil {
		return header{}, nil, buf, err
	}
	h, err := parseHeader(buf)
	if err != nil {
		return h, nil, buf, err
	}
	n := int(h.length) - headerLen
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	body := buf[:n]
	if _, err := io.ReadFull(r, body); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return h, nil, buf, err
	}
	return h, body, buf, nil
}

// outBuf is a pooled encoding buffer.
type outBuf struct{ b []byte }

var bufPool = sync.Pool{New: func() any { return &outBuf{b: make([]byte, 0, 256)} }}

func getBuf() *outBuf { return bufPool.Get().(*outBuf) }

func putBuf(o *outBuf) {
	if cap(o.b) > 4096 {
		return // let a large MO body go
	}
	o.b = o.b[:0]
	bufPool.Put(o)
}

// encoder appends one PDU to a buffer: start writes the header with a
// placeholder length, the field methods append, finish patches
// command_length.
type encoder struct{ b []byte }

func (e *encoder) start(id pdu.ID, status, seq uint32) {
	e.b = binary.BigEndian.AppendUint32(e.b[:0], 0)
	e.b = binary.BigEndian.AppendUint32(e.b, uint32(id))
	e.b = binary.BigEndian.AppendUint32(e.b, status)
	e.b = binary.BigEndian.AppendUint32(e.b, seq)
}

// cstring appends s and a NUL terminator.
func (e *encoder) cstring(s string) {
	e.b = append(e.b, s...)
	e.b = append(e.b, 0)
}

func (e *encoder) u8(v byte) { e.b = append(e.b, v) }

// octets appends b as is (short_message after its sm_length).
func (e *encoder) octets(b []byte) { e.b = append(e.b, b...) }

// tlv appends one tag-length-value parameter.
func (e *encoder) tlv(tag uint16, v []byte) {
	e.b = binary.BigEndian.AppendUint16(e.b, tag)
	e.b = binary.BigEndian.AppendUint16(e.b, uint16(len(v)))
	e.b = append(e.b, v...)
}

// finish patches command_length and returns the PDU.
func (e *encoder) finish() []byte {
	binary.BigEndian.PutUint32(e.b[0:4], uint32(len(e.b)))
	return e.b
}
