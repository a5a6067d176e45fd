package smsbridge

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/fiorix/go-smpp/smpp/pdu"
)

// FuzzReadPDU feeds any bytes from the SMSC through the reading path: framing
// (readPDU) and classification with body decoding (classify). It must never
// panic; every PDU is either framed or an error, every framed PDU gets a
// decision, and a decoded deliver_sm re-encodes to the same message.
func FuzzReadPDU(f *testing.F) {
	deliver := func(sm []byte, esm byte, tlvs map[uint16][]byte) []byte {
		b := smBody{sourceTON: 1, sourceNPI: 1, source: "4915112345678", destNPI: 1, dest: "12345",
			esmClass: esm, shortMessage: sm, tlvs: tlvs}
		body, err := b.encode()
		if err != nil {
			f.Fatal(err)
		}
		return frame(pdu.DeliverSMID, 0, 3, body)
	}
	f.Add(frame(pdu.EnquireLinkID, 0, 1, nil))
	f.Add(frame(pdu.SubmitSMRespID, 0, 2, messageIDBody("abc")))
	f.Add(frame(pdu.GenericNACKID, StatusInvCmdLen, 2, nil))
	f.Add(deliver([]byte("hello"), 0, nil))
	f.Add(deliver([]byte{5, 0, 3, 1, 2, 1, 'h'}, 0x40, map[uint16][]byte{TagSARMsgRefNum: {0, 1}}))
	f.Add(deliver(nil, 0x04, map[uint16][]byte{TagReceiptedMessageID: []byte("1\x00"), TagMessageState: {2}, TagMessagePayload: bytes.Repeat([]byte("p"), 300)}))
	f.Add(append(deliver([]byte("x"), 0, nil), frame(pdu.UnbindID, 0, 4, nil)...))
	f.Add(rawHeader(8, 5, 0, 1))
	f.Add(rawHeader(0xFFFFFFFF, 5, 0, 1))
	f.Add(append(rawHeader(20, 0x777, 0, 1), 1, 2, 3, 4))
	f.Add(append(rawHeader(20, uint32(pdu.DeliverSMID), 0, 1), 0, 1, 1, 0))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		for {
			p, err := readPDU(r)
			if err != nil {
				var fe *frameError
				if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.As(err, &fe) {
					t.Fatalf("unexpected error kind %T: %v", err, err)
				}
				return
			}
			if int(p.hdr.Len) != headerLen+len(p.body) || p.hdr.Len > maxPDULen {
				t.Fatalf("framed PDU length %d with body %d", p.hdr.Len, len(p.body))
			}
			in := classify(p)
			switch in.kind {
			case inReject:
				if in.status != StatusInvCmdID && in.status != StatusInvCmdLen && in.status != StatusInvTLVStream {
					t.Fatalf("reject with status 0x%X", in.status)
				}
				if !errors.Is(in.err, ErrBadPDU) {
					t.Fatalf("reject error %v does not wrap ErrBadPDU", in.err)
				}
			case inDeliver:
				checkDeliverRoundTrip(t, in.deliver)
			}
		}
	})
}

func checkDeliverRoundTrip(t *testing.T, d *Deliver) {
	t.Helper()
	b := smBody{sourceTON: d.SourceTON, sourceNPI: d.SourceNPI, source: d.Source, destTON: d.DestTON,
		destNPI: d.DestNPI, dest: d.Dest, esmClass: d.ESMClass, dataCoding: d.DataCoding,
		shortMessage: d.ShortMessage, tlvs: d.TLVs}
	body, err := b.encode()
	if err != nil {
		return // e.g. an address over 20 characters: decodable, not encodable by us
	}
	d2, err := decodeSM(d.Seq, body)
	if err != nil {
		t.Fatalf("re-encoded deliver_sm does not decode: %v", err)
	}
	if d2.Source != d.Source || d2.Dest != d.Dest || d2.ESMClass != d.ESMClass || d2.DataCoding != d.DataCoding ||
		!bytes.Equal(d2.ShortMessage, d.ShortMessage) || len(d2.TLVs) != len(d.TLVs) {
		t.Fatalf("round trip changed the message: %#v -> %#v", d, d2)
	}
	for tag, v := range d.TLVs {
		if !bytes.Equal(d2.TLVs[tag], v) {
			t.Fatalf("round trip changed TLV 0x%04X", tag)
		}
	}
}
