package smscsim

import (
	"bytes"
	"fmt"

	"github.com/fiorix/go-smpp/smpp/pdu/pdufield"
	"github.com/fiorix/go-smpp/smpp/pdu/pdutlv"

	"github.com/mpimis/mpimis/smsbridge"
)

// bindFieldList is the body of bind_transmitter, bind_receiver and
// bind_transceiver (SMPP 3.4 section 4.1).
var bindFieldList = pdufield.List{
	pdufield.SystemID,
	pdufield.Password,
	pdufield.SystemType,
	pdufield.InterfaceVersion,
	pdufield.AddrTON,
	pdufield.AddrNPI,
	pdufield.AddressRange,
}

// bindBody is a decoded bind request.
type bindBody struct {
	systemID, password, systemType string
	version                        byte
}

// smBody is a decoded submit_sm or deliver_sm. Byte slices alias the
// decoded PDU body.
type smBody struct {
	serviceType                    string
	srcTON, srcNPI                 byte
	source                         string
	dstTON, dstNPI                 byte
	dest                           string
	esmClass, protocolID, priority byte
	schedule, validity             string
	registeredDelivery, replace    byte
	dataCoding, defaultMsgID       byte
	shortMessage                   []byte
	tlvs                           pdutlv.Map
}

// fieldString returns the value of a C-octet string field without its NUL.
func fieldString(m pdufield.Map, n pdufield.Name) string {
	if f, ok := m[n]; ok && f != nil {
		return f.String()
	}
	return ""
}

// fieldByte returns the value of a one-octet field.
func fieldByte(m pdufield.Map, n pdufield.Name) byte {
	if f, ok := m[n]; ok && f != nil {
		if v, ok := f.Raw().(uint8); ok {
			return v
		}
	}
	return 0
}

// decodeBind decodes a bind request body. Every mandatory field must be
// present (a C-octet string without its NUL is missing).
func decodeBind(body []byte) (bindBody, error) {
	m, err := bindFieldList.Decode(bytes.NewBuffer(body))
	if err != nil {
		return bindBody{}, fmt.Errorf("%w: bind: %w", ErrBadPDU, err)
	}
	if _, ok := m[pdufield.AddressRange]; !ok {
		return bindBody{}, fmt.Errorf("%w: bind: truncated body", ErrBadPDU)
	}
	return bindBody{
		systemID:   fieldString(m, pdufield.SystemID),
		password:   fieldString(m, pdufield.Password),
		systemType: fieldString(m, pdufield.SystemType),
		version:    fieldByte(m, pdufield.InterfaceVersion),
	}, nil
}

// decodeSM decodes a submit_sm or deliver_sm body: the mandatory fields,
// then the TLVs. A TLV running past the body is an error; fewer than four
// octets left after the last TLV are ignored.
func decodeSM(body []byte) (*smBody, error) {
	r := bytes.NewBuffer(body)
	m, err := smsbridge.SMFields.Decode(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadPDU, err)
	}
	sm, ok := m[pdufield.ShortMessage]
	if !ok || sm == nil {
		return nil, fmt.Errorf("%w: truncated body", ErrBadPDU)
	}
	tlvs, err := pdutlv.DecodeTLV(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadPDU, err)
	}
	return &smBody{
		serviceType:        fieldString(m, pdufield.ServiceType),
		srcTON:             fieldByte(m, pdufield.SourceAddrTON),
		srcNPI:             fieldByte(m, pdufield.SourceAddrNPI),
		source:             fieldString(m, pdufield.SourceAddr),
		dstTON:             fieldByte(m, pdufield.DestAddrTON),
		dstNPI:             fieldByte(m, pdufield.DestAddrNPI),
		dest:               fieldString(m, pdufield.DestinationAddr),
		esmClass:           fieldByte(m, pdufield.ESMClass),
		protocolID:         fieldByte(m, pdufield.ProtocolID),
		priority:           fieldByte(m, pdufield.PriorityFlag),
		schedule:           fieldString(m, pdufield.ScheduleDeliveryTime),
		validity:           fieldString(m, pdufield.ValidityPeriod),
		registeredDelivery: fieldByte(m, pdufield.RegisteredDelivery),
		replace:            fieldByte(m, pdufield.ReplaceIfPresentFlag),
		dataCoding:         fieldByte(m, pdufield.DataCoding),
		defaultMsgID:       fieldByte(m, pdufield.SMDefaultMsgID),
		shortMessage:       sm.Bytes(),
		tlvs:               tlvs,
	}, nil
}
