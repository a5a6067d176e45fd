package smscsim

import (
	"context"
	"fmt"

	"github.com/fiorix/go-smpp/smpp/pdu"

	"github.com/mpimis/mpimis/smsbridge"
)

// RawDeliver is a deliver_sm given field by field, sent as is.
type RawDeliver struct {
	// Seq is the sequence number to use; 0 takes the session's next one.
	// A number the simulator is already waiting on is refused with
	// ErrSeqInUse; one the ESME uses for its own requests is fine (that is
	// the point: the ESME must match responses by command too).
	Seq uint32
	// SystemID picks the session: the first (oldest) receiving session
	// bound with this system_id, or with any if "".
	SystemID string

	ServiceType          string
	SourceTON, SourceNPI byte
	Source               string
	DestTON, DestNPI     byte
	Dest                 string
	ESMClass             byte
	ProtocolID           byte
	PriorityFlag         byte
	ScheduleDeliveryTime string
	ValidityPeriod       string
	RegisteredDelivery   byte
	ReplaceIfPresent     byte
	DataCoding           byte
	SMDefaultMsgID       byte
	// ShortMessage is sent as is, at most 255 octets; sm_length is its
	// length.
	ShortMessage []byte
	// TLVs are appended in order.
	TLVs []TLV
}

// encode writes d as a deliver_sm with sequence number seq.
func (d *RawDeliver) encode(e *encoder, seq uint32) {
	e.start(pdu.DeliverSMID, smsbridge.StatusOK, seq)
	e.cstring(d.ServiceType)
	e.u8(d.SourceTON)
	e.u8(d.SourceNPI)
	e.cstring(d.Source)
	e.u8(d.DestTON)
	e.u8(d.DestNPI)
	e.cstring(d.Dest)
	e.u8(d.ESMClass)
	e.u8(d.ProtocolID)
	e.u8(d.PriorityFlag)
	e.cstring(d.ScheduleDeliveryTime)
	e.cstring(d.ValidityPeriod)
	e.u8(d.RegisteredDelivery)
	e.u8(d.ReplaceIfPresent)
	e.u8(d.DataCoding)
	e.u8(d.SMDefaultMsgID)
	e.u8(byte(len(d.ShortMessage)))
	e.octets(d.ShortMessage)
	for _, t := range d.TLVs {
		e.tlv(t.Tag, t.Value)
	}
}

// SendRawDeliver sends d on one receiving session and waits for the
// response. It returns the command_status of the deliver_sm_resp (or
// generic_nack) with a nil error whatever its value; errors are for
// sending: ErrNoSession, ErrSeqInUse, ErrBadMO for a short_message over
// 255 octets, ErrSessionClosed, ctx's error.
func (s *Server) SendRawDeliver(ctx context.Context, d RawDeliver) (uint32, error) {
	if len(d.ShortMessage) > 255 {
		return 0, fmt.Errorf("%w: short_message of %d octets, at most 255", ErrBadMO, len(d.ShortMessage))
	}
	if d.Seq > maxSeq {
		return 0, fmt.Errorf("%w: sequence number 0x%08X above 0x7FFFFFFF", ErrBadMO, d.Seq)
	}
	s.mu.Lock()
	closed, targets := s.closed, s.receiversLocked(d.SystemID)
	s.mu.Unlock()
	if closed {
		return 0, ErrClosed
	}
	if len(targets) == 0 {
		return 0, ErrNoSession
	}
	return targets[0].request(ctx, d.Seq, pdu.DeliverSMRespID, d.encode)
}
