package smsflow

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/smsbridge"
	"github.com/mpimis/mpimis/store"
)

// fuzzDeliver builds a deliver_sm from fuzz input: tlvs is a sequence of
// (selector, length, value) records; the selector picks one of the TLVs
// the flow reads, so that each is present, absent or malformed often.
func fuzzDeliver(source string, esm, dc byte, sm, tlvs []byte) *smsbridge.Deliver {
	tags := []uint16{smsbridge.TagMessagePayload, smsbridge.TagSARMsgRefNum, smsbridge.TagSARTotalSegments,
		smsbridge.TagSARSegmentSeqnum, smsbridge.TagReceiptedMessageID, smsbridge.TagMessageState}
	d := &smsbridge.Deliver{Seq: 1, Source: source, Dest: "12345", ESMClass: esm, DataCoding: dc, ShortMessage: sm}
	for len(tlvs) >= 2 {
		tag, n := tags[int(tlvs[0])%len(tags)], min(int(tlvs[1]), len(tlvs)-2)
		if d.TLVs == nil {
			d.TLVs = map[uint16][]byte{}
		}
		d.TLVs[tag] = tlvs[2 : 2+n]
		tlvs = tlvs[2+n:]
	}
	return d
}

// addDeliverSeeds adds the seeds shared by the deliver_sm targets.
func addDeliverSeeds(f *testing.F) {
	const phone = "4915112345678"
	f.Add(phone, byte(0), byte(0), []byte("hello"), []byte(nil))
	f.Add(phone, byte(0x40), byte(8), []byte{5, 0, 3, 7, 2, 1, 0xD8, 0x3D}, []byte(nil))
	f.Add(phone, byte(0x40), byte(0), []byte{6, 8, 4, 1, 2, 3, 3, 'x'}, []byte(nil))
	f.Add(phone, byte(0x40), byte(0), []byte{5, 0, 3, 7, 3, 4, 'x'}, []byte(nil))
	f.Add(phone, byte(0), byte(0), []byte("part"), []byte{1, 2, 0, 9, 2, 1, 3, 3, 1, 2})
	f.Add(phone, byte(0), byte(0), []byte("bad sar"), []byte{1, 1, 9, 2, 1, 3, 3, 1, 2})
	f.Add(phone, byte(0), byte(0), []byte(nil), []byte{0, 5, 'l', 'o', 'n', 'g', '!'})
	f.Add(phone, byte(0x04), byte(0), []byte("id:1 sub:001 dlvrd:001 stat:DELIVRD err:000 text:x"), []byte(nil))
	f.Add(phone, byte(0x04), byte(0), []byte(nil), []byte{4, 4, 'a', 'b', 'c', 0, 5, 1, 2})
	f.Add(phone, byte(0x20), byte(0), []byte("stat:ENROUTE"), []byte{4, 0, 5, 2, 1, 1})
	f.Add("alice", byte(0), byte(0), []byte("not a phone"), []byte(nil))
	f.Add("+4915112345678", byte(0x08), byte(0xF4), []byte{0xFF}, []byte(nil))
}

// FuzzSplitMO checks the MO splitter: errors return nothing, a
// concatenation part is valid and of a message of two parts or more, and
// the data returned is the end of the short_message (or message_payload)
// without its header; without a UDH or a complete set of sar_* TLVs the
// data is returned whole.
func FuzzSplitMO(f *testing.F) {
	addDeliverSeeds(f)
	f.Fuzz(func(t *testing.T, source string, esm, dc byte, sm, tlvs []byte) {
		d := fuzzDeliver(source, esm, dc, sm, tlvs)
		payload, c, err := splitMO(d)
		if err != nil {
			if payload != nil || c != nil {
				t.Fatalf("error %v with results", err)
			}
			return
		}
		data := d.ShortMessage
		if p, ok := d.TLVs[smsbridge.TagMessagePayload]; ok && len(data) == 0 {
			data = p
		}
		if !bytes.HasSuffix(data, payload) {
			t.Fatalf("payload % X is not the end of % X", payload, data)
		}
		_, sarRef := d.TLVs[smsbridge.TagSARMsgRefNum]
		_, sarTot := d.TLVs[smsbridge.TagSARTotalSegments]
		_, sarSeq := d.TLVs[smsbridge.TagSARSegmentSeqnum]
		if esm&smsbridge.ESMClassUDHI == 0 && !(sarRef && sarTot && sarSeq) && (c != nil || !bytes.Equal(payload, data)) {
			t.Fatalf("plain MO split: % X -> % X, %+v", data, payload, c)
		}
		if c != nil {
			if err := c.Validate(); err != nil || c.Total < 2 {
				t.Fatalf("concat %+v: %v", *c, err)
			}
		}
	})
}

// FuzzParseDLR checks that a receipt is read from its TLVs or its text
// into a report with an id and an upper-case stat, or refused with an
// error wrapping smsbridge.ErrBadDLR; a report from well-formed TLVs
// always succeeds whatever the text.
func FuzzParseDLR(f *testing.F) {
	addDeliverSeeds(f)
	f.Fuzz(func(t *testing.T, source string, esm, dc byte, sm, tlvs []byte) {
		d := fuzzDeliver(source, esm, dc, sm, tlvs)
		dlr, err := parseDLR(d)
		rid, okID := d.TLVs[smsbridge.TagReceiptedMessageID]
		st, okSt := d.TLVs[smsbridge.TagMessageState]
		fromTLVs := okID && okSt && len(st) == 1 && len(bytes.Trim(rid, " \t\r\n\x00")) > 0
		if err != nil {
			if !errors.Is(err, smsbridge.ErrBadDLR) || dlr != nil || fromTLVs {
				t.Fatalf("parseDLR: %+v, %v", dlr, err)
			}
			return
		}
		if dlr.ID == "" || dlr.Stat == "" || len(smsbridge.MessageIDCandidates(dlr.ID)) == 0 {
			t.Fatalf("report without id or stat: %+v", dlr)
		}
		if fromTLVs && dlr.Stat != smsbridge.StatFromMessageState(st[0]) {
			t.Fatalf("stat %q, TLV says %d", dlr.Stat, st[0])
		}
	})
}

// FuzzHandleDeliver feeds arbitrary deliver_sm to a Flow on a real store.
// The answer is 0 when the MO (or part) is stored or the report handled, a
// permanent error for what no retry can fix (an address that is not a
// phone number, a malformed header), never a store error or a retry
// request on a healthy store; a plain MO is queued once with exactly its
// data, a part completes at most one message, a report queues nothing;
// and after every input a plain MO from a phone is still stored.
func FuzzHandleDeliver(f *testing.F) {
	addDeliverSeeds(f)
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(f.TempDir(), "flow.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	fl := New(Config{}, st, nil)
	f.Fuzz(func(t *testing.T, source string, esm, dc byte, sm, tlvs []byte) {
		d := fuzzDeliver(source, esm, dc, sm, tlvs)
		status := fl.HandleDeliver(ctx, d)
		got := takeMO(t, st)
		if smsbridge.IsDeliveryReceipt(esm) {
			if status != smsbridge.StatusOK || len(got) != 0 {
				t.Fatalf("report answered 0x%X, queued %d MO", status, len(got))
			}
		} else {
			_, perr := ident.ParsePhone(source, "")
			payload, c, serr := splitMO(d)
			perm := perr != nil || serr != nil
			switch {
			case perm && status != smsbridge.StatusPermAppError, !perm && status != smsbridge.StatusOK:
				t.Fatalf("MO answered 0x%X (phone error %v, split error %v)", status, perr, serr)
			case perm && len(got) != 0:
				t.Fatalf("refused MO queued %d messages", len(got))
			case !perm && c == nil && (len(got) != 1 || !sameMO(got[0], source, dc, payload)):
				t.Fatalf("plain MO queued as %v", got)
			case c != nil && (len(got) > 1 || len(got) == 1 && got[0].Parts != int(c.Total)):
				t.Fatalf("part %+v completed %v", *c, got)
			}
		}
		// Other traffic keeps flowing.
		canary := &smsbridge.Deliver{Seq: 2, Source: "4915112345678", Dest: "12345", ShortMessage: []byte("canary")}
		if s := fl.HandleDeliver(ctx, canary); s != smsbridge.StatusOK {
			t.Fatalf("plain MO after the input answered 0x%X", s)
		}
		if got := takeMO(t, st); len(got) != 1 || !sameMO(got[0], canary.Source, 0, canary.ShortMessage) {
			t.Fatalf("plain MO after the input queued as %v", got)
		}
	})
}

// takeMO leases every queued MO and marks it done, as the MO worker would.
func takeMO(t *testing.T, st *store.Store) []store.MO {
	t.Helper()
	ctx := context.Background()
	ms, err := st.LeaseMO(ctx, time.Now(), time.Minute, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if err := st.DoneMO(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
	}
	return ms
}

func sameMO(m store.MO, source string, dc byte, payload []byte) bool {
	return m.Source == source && m.DataCoding == dc && bytes.Equal(m.Payload, payload) && m.Parts == 1 && len(m.Missing) == 0
}
