package smsbridge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/fiorix/go-smpp/smpp/pdu"
)

// Submit is one submit_sm. ShortMessage is sent as is (with its UDH when
// ESMClass has UDHI set) and must not exceed 254 octets; longer texts go in
// the message_payload TLV (TagMessagePayload). TLVs are written sorted by
// tag. Addresses are at most 20 characters.
//
// Source and Dest are phone numbers or short codes: String and LogValue
// leave them out.
type Submit struct {
	Source, Dest                           string
	SourceTON, SourceNPI, DestTON, DestNPI byte
	ESMClass, DataCoding                   byte
	RegisteredDelivery                     byte
	ShortMessage                           []byte
	TLVs                                   map[uint16][]byte
}

// String describes m without its addresses or text.
func (m *Submit) String() string {
	return fmt.Sprintf("submit_sm esm_class=0x%02X data_coding=0x%02X registered_delivery=%d sm_len=%d tlvs=%d",
		m.ESMClass, m.DataCoding, m.RegisteredDelivery, len(m.ShortMessage), len(m.TLVs))
}

// GoString is String, so that %#v does not print the addresses either.
func (m *Submit) GoString() string { return m.String() }

// LogValue logs m without its addresses or text.
func (m *Submit) LogValue() slog.Value {
	return slog.GroupValue(slog.Any("esm_class", m.ESMClass), slog.Any("data_coding", m.DataCoding),
		slog.Int("sm_len", len(m.ShortMessage)))
}

func (m *Submit) body() ([]byte, error) {
	b := smBody{
		sourceTON: m.SourceTON, sourceNPI: m.SourceNPI, source: m.Source,
		destTON: m.DestTON, destNPI: m.DestNPI, dest: m.Dest,
		esmClass: m.ESMClass, registeredDelivery: m.RegisteredDelivery,
		dataCoding: m.DataCoding, shortMessage: m.ShortMessage, tlvs: m.TLVs,
	}
	return b.encode()
}

// Submit sends m as a submit_sm and returns the message_id of its
// submit_sm_resp. It waits for a bind, for a free window slot and for the
// TPS cap, each as long as ctx allows. Errors are *SubmitError: temporary
// ones (see SubmitError) should be retried later, permanent ones not.
func (s *Session) Submit(ctx context.Context, m *Submit) (messageID string, err error) {
	if m == nil {
		return "", &SubmitError{Err: fmt.Errorf("%w: nil message", ErrInvalidSubmit)}
	}
	body, err := m.body()
	if err != nil {
		return "", &SubmitError{Err: err}
	}
	if err := s.win.acquire(ctx); err != nil {
		return "", temporarySubmit(0, fmt.Errorf("smsbridge: waiting for the window: %w", err))
	}
	defer s.win.release()
	for {
		c, err := s.waitBound(ctx)
		if err != nil {
			return "", temporarySubmit(0, err)
		}
		if err := s.tps.wait(ctx); err != nil {
			return "", temporarySubmit(0, fmt.Errorf("smsbridge: waiting for the TPS cap: %w", err))
		}
		res, err := c.request(ctx, pdu.SubmitSMID, pdu.SubmitSMRespID, body, s.cfg.ResponseTimeout)
		if errors.Is(err, errNotSent) {
			continue // the connection closed before the PDU was queued: use the next one
		}
		if err != nil {
			return "", temporarySubmit(0, err)
		}
		if res.status != StatusOK {
			cause := ErrRejected
			if res.id == pdu.GenericNACKID {
				cause = ErrGenericNack
			}
			return "", &SubmitError{Status: res.status, Temporary: temporaryStatus(res.status),
				Err: fmt.Errorf("%w: %s", cause, StatusText(res.status))}
		}
		if res.id == pdu.GenericNACKID {
			return "", temporarySubmit(0, fmt.Errorf("%w with status 0", ErrGenericNack))
		}
		return decodeMessageID(res.body), nil
	}
}
