package main

import (
	"encoding/hex"
	"fmt"
	"time"

	"github.com/mpimis/mpimis/internal/smscsim"
)

// concatJSON is the concatenation information of a part.
type concatJSON struct {
	Ref   uint16 `json:"ref"`
	Total uint8  `json:"total"`
	Seq   uint8  `json:"seq"`
	Ref16 bool   `json:"ref16"`
}

// partJSON is one submit_sm in /mt and /events.
type partJSON struct {
	At                 time.Time         `json:"at"`
	Session            uint64            `json:"session"`
	SystemID           string            `json:"system_id"`
	Seq                uint32            `json:"seq"`
	Status             uint32            `json:"status"`
	MessageID          string            `json:"message_id,omitempty"`
	Dropped            bool              `json:"dropped,omitempty"`
	From               string            `json:"from"`
	To                 string            `json:"to"`
	ESMClass           byte              `json:"esm_class"`
	DataCoding         byte              `json:"data_coding"`
	RegisteredDelivery byte              `json:"registered_delivery"`
	ShortMessage       string            `json:"short_message_hex"`
	TLVs               map[string]string `json:"tlvs,omitempty"`
	Text               string            `json:"text"`
	Concat             *concatJSON       `json:"concat,omitempty"`
	DecodeErr          string            `json:"decode_error,omitempty"`
}

func toPartJSON(p smscsim.Submitted) partJSON {
	out := partJSON{
		At: p.At, Session: p.Session, SystemID: p.SystemID, Seq: p.Seq, Status: p.Status,
		MessageID: p.MessageID, Dropped: p.Dropped, From: p.Source, To: p.Dest,
		ESMClass: p.ESMClass, DataCoding: p.DataCoding, RegisteredDelivery: p.RegisteredDelivery,
		ShortMessage: hex.EncodeToString(p.ShortMessage), Text: p.Text, DecodeErr: p.DecodeErr,
	}
	if len(p.TLVs) > 0 {
		out.TLVs = make(map[string]string, len(p.TLVs))
		for tag, v := range p.TLVs {
			out.TLVs[fmt.Sprintf("0x%04X", tag)] = hex.EncodeToString(v)
		}
	}
	if c := p.Concat; c != nil {
		out.Concat = &concatJSON{Ref: c.Ref, Total: c.Total, Seq: c.Seq, Ref16: c.Ref16}
	}
	return out
}

// messageJSON is one reassembled message in /mt and /events.
type messageJSON struct {
	At         time.Time `json:"at"`
	SystemID   string    `json:"system_id"`
	From       string    `json:"from"`
	To         string    `json:"to"`
	Text       string    `json:"text"`
	DataCoding byte      `json:"data_coding"`
	Parts      int       `json:"parts"`
	Received   int       `json:"received"`
	Complete   bool      `json:"complete"`
	MessageIDs []string  `json:"message_ids"`
}

func toMessageJSON(m smscsim.Message) messageJSON {
	return messageJSON{
		At: m.At, SystemID: m.SystemID, From: m.Source, To: m.Dest, Text: m.Text, DataCoding: m.DataCoding,
		Parts: m.Parts, Received: m.Received, Complete: m.Complete, MessageIDs: m.MessageIDs,
	}
}
