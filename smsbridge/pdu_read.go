package smsbridge

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/fiorix/go-smpp/smpp/pdu"
)

// Frame limits. The library's pdu.DecodeHeader refuses PDUs over 4096
// octets, which a deliver_sm carrying a message_payload TLV may exceed, so
// the session frames PDUs itself and only uses the library's field and TLV
// decoders for the bodies.
const (
	headerLen    = pdu.HeaderLen
	maxPDULen    = 64 * 1024
	maxSeq       = 0x7FFFFFFF
	respIDBit    = 0x80000000
	maxShortMsg  = 254
	maxTLVLength = 0xFFFF
)

// rawPDU is one framed PDU: its header and the undecoded body.
type rawPDU struct {
	hdr  pdu.Header
	body []byte
}

// frameError is a header whose command_length cannot be right. The stream
// cannot be resynchronised after it, so the connection must be dropped;
// seq is the header's sequence number for the generic_nack sent first.
type frameError struct {
	length uint32
	seq    uint32
}

func (e *frameError) Error() string {
	return fmt.Sprintf("smsbridge: command_length %d outside %d..%d: %v", e.length, headerLen, maxPDULen, ErrProtocol)
}

func (e *frameError) Unwrap() error { return ErrProtocol }

// readPDU reads one PDU from r. It returns a *frameError (wrapping
// ErrProtocol) when command_length is under 16 or over 64 KiB, and the
// reader's error (io.EOF, io.ErrUnexpectedEOF, a timeout) otherwise.
func readPDU(r io.Reader) (*rawPDU, error) {
	var h [headerLen]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return nil, err
	}
	p := &rawPDU{hdr: pdu.Header{
		Len:    binary.BigEndian.Uint32(h[0:4]),
		ID:     pdu.ID(binary.BigEndian.Uint32(h[4:8])),
		Status: pdu.Status(binary.BigEndian.Uint32(h[8:12])),
		Seq:    binary.BigEndian.Uint32(h[12:16]),
	}}
	if p.hdr.Len < headerLen || p.hdr.Len > maxPDULen {
		return nil, &frameError{length: p.hdr.Len, seq: p.hdr.Seq}
	}
	p.body = make([]byte, p.hdr.Len-headerLen)
	if _, err := io.ReadFull(r, p.body); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return p, nil
}

// isResponse reports whether id is a response command id.
func isResponse(id pdu.ID) bool { return uint32(id)&respIDBit != 0 }
