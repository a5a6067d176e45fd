package smsbridge

import (
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
)

// fuzzSeqBase is where the sequence numbers the fuzz target writes into
// its frames start: far above the session's own, so that no fuzzed
// response can answer one of the session's requests by accident.
const fuzzSeqBase = 1 << 30

// fuzzFrames cuts data into at most 16 PDUs for FuzzSessionInbound, each
// with a fresh sequence number: a command_length longer than what is left
// is cut down to it, a command_length no PDU can have ends the list with
// that bare header (after which the session must drop the connection).
func fuzzFrames(data []byte, seq *uint32) (frames [][]byte, broken bool) {
	for len(data) >= headerLen && len(frames) < 16 {
		n := binary.BigEndian.Uint32(data[0:4])
		*seq++
		if n < headerLen || n > maxPDULen {
			h := append([]byte(nil), data[:headerLen]...)
			binary.BigEndian.PutUint32(h[12:16], *seq)
			return append(frames, h), true
		}
		n = min(n, uint32(len(data)))
		fr := append([]byte(nil), data[:n]...)
		binary.BigEndian.PutUint32(fr[0:4], n)
		binary.BigEndian.PutUint32(fr[12:16], *seq)
		frames = append(frames, fr)
		data = data[n:]
	}
	return frames, false
}

// respKey is a response the session owes the fake SMSC.
type respKey struct {
	id     pdu.ID
	seq    uint32
	status uint32
}

// expectedResponse is what the session must answer to the request fr, by
// the rules of classify; ok is false for PDUs that get no answer.
func expectedResponse(fr []byte) (respKey, bool) {
	p := &rawPDU{body: fr[headerLen:]}
	p.hdr.ID = pdu.ID(binary.BigEndian.Uint32(fr[4:8]))
	p.hdr.Seq = binary.BigEndian.Uint32(fr[12:16])
	if n := binary.BigEndian.Uint32(fr[0:4]); n < headerLen || n > maxPDULen {
		return respKey{pdu.GenericNACKID, p.hdr.Seq, StatusInvCmdLen}, true
	}
	in := classify(p)
	switch in.kind {
	case inDeliver:
		return respKey{pdu.DeliverSMRespID, p.hdr.Seq, StatusOK}, true
	case inEnquireLink:
		return respKey{pdu.EnquireLinkRespID, p.hdr.Seq, StatusOK}, true
	case inUnbind:
		return respKey{pdu.UnbindRespID, p.hdr.Seq, StatusOK}, true
	case inReject:
		return respKey{pdu.GenericNACKID, p.hdr.Seq, in.status}, true
	}
	return respKey{}, false
}

// FuzzSessionInbound writes arbitrary PDUs from the SMSC to a bound
// Session, through its real reader, dispatcher and MO workers. Each
// request gets exactly its one response (deliver_sm_resp with the
// handler's status, enquire_link_resp, unbind_resp, or generic_nack with
// the status of the fault), responses and alert_notification get none, an
// unframeable PDU or an unbind ends the connection and the session binds
// again; and after every input a well-formed deliver_sm still reaches the
// handler and is acknowledged.
func FuzzSessionInbound(f *testing.F) {
	body := func(esm byte, sm []byte, tlvs map[uint16][]byte) []byte {
		return deliverSM(f, "4915112345678", "12345", esm, 0, sm, tlvs)
	}
	cat := func(frames ...[]byte) []byte {
		var out []byte
		for _, fr := range frames {
			out = append(out, fr...)
		}
		return out
	}
	f.Add(frame(pdu.DeliverSMID, 0, 1, body(0, []byte("hi"), nil)))
	f.Add(cat(frame(pdu.EnquireLinkID, 0, 1, nil), frame(pdu.AlertNotificationID, 0, 2, nil), frame(pdu.SubmitSMRespID, 0, 3, messageIDBody("x"))))
	f.Add(frame(pdu.DeliverSMID, 0, 1, body(0x04, []byte("id:1 stat:DELIVRD"), map[uint16][]byte{TagReceiptedMessageID: []byte("1\x00"), TagMessageState: {2}})))
	f.Add(frame(pdu.DeliverSMID, 0, 1, append(body(0, nil, nil), 0x04, 0x24, 0xFF, 0xFF, 'x')))
	f.Add(cat(frame(pdu.SubmitSMID, 0, 1, body(0, []byte("x"), nil)), frame(pdu.ID(0x00000777), 0, 2, nil)))
	f.Add(cat(frame(pdu.UnbindID, 0, 1, nil), frame(pdu.EnquireLinkID, 0, 2, nil)))
	f.Add(cat(frame(pdu.GenericNACKID, StatusInvCmdLen, 1, nil), rawHeader(3, uint32(pdu.DeliverSMID), 0, 2)))
	f.Add(rawHeader(0xFFFFFFFF, uint32(pdu.EnquireLinkID), 0, 1))
	f.Add(frame(pdu.DeliverSMID, 0, 1, []byte{0, 1, 1, '4', '9'}))

	smsc := newFakeSMSC(f)
	got := make(chan uint32, 64) // sequence numbers the handler saw
	h := handlerFunc(func(_ context.Context, d *Deliver) uint32 {
		got <- d.Seq
		return StatusOK
	})
	cfg := testConfig(smsc)
	cfg.EnquireLink = time.Minute // no keepalive traffic of the session's own
	s := NewSession(cfg, h)
	runSession(f, s)
	fc := smsc.nextConn(f, 5*time.Second)
	canary := body(0, []byte("canary"), nil)
	seq := uint32(fuzzSeqBase)

	f.Fuzz(func(t *testing.T, data []byte) {
		frames, broken := fuzzFrames(data, &seq)
		want := map[respKey]int{}
		reconnect := broken
		for _, fr := range frames {
			fc.sendRaw(fr)
			if k, ok := expectedResponse(fr); ok {
				want[k]++
				if k.id == pdu.UnbindRespID {
					reconnect = true
					break // the session stops reading
				}
			}
		}
		collect := func(fc *fakeConn) {
			t.Helper()
			deadline := time.After(5 * time.Second)
			for {
				select {
				case p := <-fc.in:
					k := respKey{p.hdr.ID, p.hdr.Seq, uint32(p.hdr.Status)}
					if want[k] == 0 {
						t.Fatalf("unexpected %s seq %d status 0x%X; still owed %v", k.id, k.seq, k.status, want)
					}
					want[k]--
					if want[k] == 0 {
						delete(want, k)
					}
					if len(want) == 0 {
						return
					}
				case <-deadline:
					t.Fatalf("responses still owed after 5s: %v", want)
				}
			}
		}
		if reconnect {
			// Everything answered before the connection ended must be
			// owed; deliver_sm_resp may be lost with the connection (the
			// SMSC then delivers again), nothing else may.
			fc.expectClosed(t, 5*time.Second)
			for len(fc.in) > 0 {
				p := <-fc.in
				k := respKey{p.hdr.ID, p.hdr.Seq, uint32(p.hdr.Status)}
				if want[k] == 0 {
					t.Fatalf("unexpected %s seq %d status 0x%X before the close; owed %v", k.id, k.seq, k.status, want)
				}
				want[k]--
			}
			for k, n := range want {
				if n > 0 && k.id != pdu.DeliverSMRespID {
					t.Fatalf("%s seq %d status 0x%X never sent before the close", k.id, k.seq, k.status)
				}
			}
			clear(want)
			fc = smsc.nextConn(t, 5*time.Second)
		}
		// Other traffic keeps flowing: a plain MO on the current connection.
		seq++
		c := respKey{pdu.DeliverSMRespID, seq, StatusOK}
		want[c]++
		fc.send(pdu.DeliverSMID, 0, seq, canary)
		collect(fc)
		drainSeqs(t, got, seq)
	})
}

// drainSeqs empties the handler's log up to and including last, which it
// must hold.
func drainSeqs(t *testing.T, got <-chan uint32, last uint32) {
	t.Helper()
	for {
		select {
		case s := <-got:
			if s == last {
				return
			}
		default:
			t.Fatalf("the handler never saw deliver_sm seq %d", last)
		}
	}
}
