package smsbridge

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/fiorix/go-smpp/smpp/pdu/pdufield"
	"github.com/fiorix/go-smpp/smpp/pdu/pdutlv"
)

// SMFields is the mandatory field list of submit_sm and deliver_sm (SMPP
// 3.4 sections 4.4.1 and 4.6.1), for pdufield.List.Decode. The library's
// own deliver_sm list splits a UDH out of short_message; this list keeps
// short_message whole, as ParseUDH expects.
var SMFields = pdufield.List{
	pdufield.ServiceType,
	pdufield.SourceAddrTON,
	pdufield.SourceAddrNPI,
	pdufield.SourceAddr,
	pdufield.DestAddrTON,
	pdufield.DestAddrNPI,
	pdufield.DestinationAddr,
	pdufield.ESMClass,
	pdufield.ProtocolID,
	pdufield.PriorityFlag,
	pdufield.ScheduleDeliveryTime,
	pdufield.ValidityPeriod,
	pdufield.RegisteredDelivery,
	pdufield.ReplaceIfPresentFlag,
	pdufield.DataCoding,
	pdufield.SMDefaultMsgID,
	pdufield.SMLength,
	pdufield.ShortMessage,
}

// bodyError is a PDU body that cannot be decoded; status is the
// command_status of the generic_nack that answers it.
type bodyError struct {
	status uint32
	what   string
}

func (e *bodyError) Error() string {
	return fmt.Sprintf("smsbridge: %s (%s): %v", e.what, StatusText(e.status), ErrBadPDU)
}

func (e *bodyError) Unwrap() error { return ErrBadPDU }

// decodeSM decodes a deliver_sm (or submit_sm) body.
func decodeSM(seq uint32, body []byte) (*Deliver, error) {
	r := bytes.NewBuffer(body)
	f, err := SMFields.Decode(r)
	if err != nil {
		return nil, &bodyError{status: StatusInvCmdLen, what: "short_message longer than the PDU"}
	}
	for _, name := range SMFields {
		if f[name] == nil {
			return nil, &bodyError{status: StatusInvCmdLen, what: fmt.Sprintf("PDU ends before %s", name)}
		}
	}
	t, err := pdutlv.DecodeTLV(r)
	if err != nil || r.Len() != 0 {
		return nil, &bodyError{status: StatusInvTLVStream, what: "TLV longer than the PDU"}
	}
	d := &Deliver{
		Seq:          seq,
		Source:       f[pdufield.SourceAddr].String(),
		Dest:         f[pdufield.DestinationAddr].String(),
		SourceTON:    fixed(f, pdufield.SourceAddrTON),
		SourceNPI:    fixed(f, pdufield.SourceAddrNPI),
		DestTON:      fixed(f, pdufield.DestAddrTON),
		DestNPI:      fixed(f, pdufield.DestAddrNPI),
		ESMClass:     fixed(f, pdufield.ESMClass),
		DataCoding:   fixed(f, pdufield.DataCoding),
		ShortMessage: f[pdufield.ShortMessage].Bytes(),
	}
	if len(t) > 0 {
		d.TLVs = make(map[uint16][]byte, len(t))
		for tag, v := range t {
			d.TLVs[uint16(tag)] = v.Bytes()
		}
	}
	return d, nil
}

// fixed returns the value of an Integer(1) field of a decoded map.
func fixed(f pdufield.Map, name pdufield.Name) byte {
	if b := f[name].Bytes(); len(b) > 0 {
		return b[0]
	}
	return 0
}

// decodeMessageID returns the leading C-Octet String of a response body
// (message_id of submit_sm_resp, system_id of bind_transceiver_resp). A
// body that is empty, as SMPP allows for error responses, yields "".
func decodeMessageID(body []byte) string {
	f, err := pdufield.List{pdufield.MessageID}.Decode(bytes.NewBuffer(body))
	if err != nil || f[pdufield.MessageID] == nil {
		return ""
	}
	return f[pdufield.MessageID].String()
}

// inKind says what the reader does with a PDU from the SMSC.
type inKind int

const (
	inResponse    inKind = iota // match with an outstanding request
	inDeliver                   // hand to the MOHandler, answer later
	inEnquireLink               // answer enquire_link_resp at once
	inUnbind                    // answer unbind_resp, then close
	inIgnore                    // alert_notification: no response exists
	inReject                    // answer generic_nack with status
)

// incoming is a classified PDU from the SMSC.
type incoming struct {
	kind    inKind
	status  uint32   // inReject: the generic_nack status
	deliver *Deliver // inDeliver
	err     error    // inReject: why
}

// classify decides what to do with p; it never fails, an undecodable PDU
// becomes inReject with the status of its generic_nack.
func classify(p *rawPDU) incoming {
	switch p.hdr.ID {
	case pdu.DeliverSMID:
		d, err := decodeSM(p.hdr.Seq, p.body)
		if err != nil {
			var be *bodyError
			if !errors.As(err, &be) {
				be = &bodyError{status: StatusSysErr, what: err.Error()}
			}
			return incoming{kind: inReject, status: be.status, err: err}
		}
		return incoming{kind: inDeliver, deliver: d}
	case pdu.EnquireLinkID:
		return incoming{kind: inEnquireLink}
	case pdu.UnbindID:
		return incoming{kind: inUnbind}
	case pdu.AlertNotificationID:
		return incoming{kind: inIgnore}
	}
	if isResponse(p.hdr.ID) && p.hdr.ID.String() != "" {
		return incoming{kind: inResponse}
	}
	return incoming{kind: inReject, status: StatusInvCmdID,
		err: fmt.Errorf("smsbridge: command_id 0x%08X not supported: %w", uint32(p.hdr.ID), ErrBadPDU)}
}
