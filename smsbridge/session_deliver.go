package smsbridge

import (
	"context"
	"fmt"
	"log/slog"
)

// TLV tags an MOHandler commonly reads from Deliver.TLVs.
const (
	TagReceiptedMessageID uint16 = 0x001E
	TagSARMsgRefNum       uint16 = 0x020C
	TagSARTotalSegments   uint16 = 0x020E
	TagSARSegmentSeqnum   uint16 = 0x020F
	TagSCInterfaceVersion uint16 = 0x0210
	TagMessagePayload     uint16 = 0x0424
	TagMessageState       uint16 = 0x0427
)

// Deliver is a deliver_sm as received, decoded enough for the upper layers:
// an MO message or a delivery receipt (see IsDeliveryReceipt). ShortMessage
// is the raw short_message including any UDH; TLVs holds every optional
// parameter by tag, e.g. message_payload, sar_*, receipted_message_id and
// message_state.
//
// Source and Dest are phone numbers: String and LogValue leave them out.
type Deliver struct {
	Seq                                    uint32
	Source, Dest                           string
	SourceTON, SourceNPI, DestTON, DestNPI byte
	ESMClass, DataCoding                   byte
	ShortMessage                           []byte
	TLVs                                   map[uint16][]byte
}

// String describes d without its addresses or text.
func (d *Deliver) String() string {
	return fmt.Sprintf("deliver_sm seq=%d esm_class=0x%02X data_coding=0x%02X sm_len=%d tlvs=%d",
		d.Seq, d.ESMClass, d.DataCoding, len(d.ShortMessage), len(d.TLVs))
}

// GoString is String, so that %#v does not print the addresses either.
func (d *Deliver) GoString() string { return d.String() }

// LogValue logs d without its addresses or text.
func (d *Deliver) LogValue() slog.Value {
	return slog.GroupValue(slog.Any("seq", d.Seq), slog.Any("esm_class", d.ESMClass),
		slog.Any("data_coding", d.DataCoding), slog.Int("sm_len", len(d.ShortMessage)))
}

// MOHandler receives the deliver_sm of a Session.
type MOHandler interface {
	// HandleDeliver is called for each deliver_sm (MO message or delivery
	// receipt) on a worker goroutine, never on the reader, possibly
	// concurrently with other calls. It returns the command_status of the
	// deliver_sm_resp: StatusOK once the message is durable, or e.g.
	// StatusSysErr or StatusMsgQueueFull so that the SMSC retries. The
	// response is sent only after it returns, and dropped if the connection
	// ended meanwhile (the SMSC then delivers again). ctx is the context of
	// Session.Run. d belongs to the handler.
	HandleDeliver(ctx context.Context, d *Deliver) uint32
}
