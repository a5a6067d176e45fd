package smsbridge

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
)

// enquireBarrier sends an enquire_link and waits for its response; it
// fails if a deliver_sm_resp arrives first. TCP keeps order, so a
// deliver_sm_resp sent before the enquire_link was answered shows up here.
func enquireBarrier(t *testing.T, fc *fakeConn, timeout time.Duration) {
	t.Helper()
	seq := fc.nextSeq()
	fc.send(pdu.EnquireLinkID, 0, seq, nil)
	deadline := time.After(timeout)
	for {
		select {
		case p := <-fc.in:
			switch p.hdr.ID {
			case pdu.EnquireLinkRespID:
				if p.hdr.Seq != seq {
					t.Fatalf("enquire_link_resp seq %d, want %d", p.hdr.Seq, seq)
				}
				return
			case pdu.DeliverSMRespID:
				t.Fatalf("deliver_sm_resp seq %d sent before the handler returned", p.hdr.Seq)
			}
		case <-deadline:
			t.Fatalf("no enquire_link_resp within %s", timeout)
		}
	}
}

func TestSessionMODeliveredRespAfterHandler(t *testing.T) {
	cases := []struct {
		name   string
		status uint32
	}{
		{"durable", StatusOK},
		{"store down", StatusSysErr},
		{"queue full", StatusMsgQueueFull},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeSMSC(t)
			got := make(chan *Deliver, 1)
			release := make(chan uint32)
			h := handlerFunc(func(ctx context.Context, d *Deliver) uint32 {
				got <- d
				return <-release
			})
			s := NewSession(testConfig(f), h)
			runSession(t, s)
			fc := f.nextConn(t, 5*time.Second)

			tlvs := map[uint16][]byte{TagReceiptedMessageID: []byte("abc\x00"), TagMessageState: {2}, TagSARMsgRefNum: {0, 7}}
			udh := []byte{5, 0, 3, 9, 2, 1, 'h', 'i'}
			const seq = 4242
			fc.send(pdu.DeliverSMID, 0, seq, deliverSM(t, "4915112345678", "12345", 0x40, 0x00, udh, tlvs))
			var d *Deliver
			select {
			case d = <-got:
			case <-time.After(5 * time.Second):
				t.Fatalf("case %d: handler not called", i)
			}
			if d.Seq != seq || d.Source != "4915112345678" || d.Dest != "12345" || d.SourceTON != 1 || d.DestNPI != 1 ||
				d.ESMClass != 0x40 || !bytes.Equal(d.ShortMessage, udh) {
				t.Errorf("case %d: decoded %+v", i, *d)
			}
			if !bytes.Equal(d.TLVs[TagReceiptedMessageID], []byte("abc\x00")) || !bytes.Equal(d.TLVs[TagMessageState], []byte{2}) ||
				!bytes.Equal(d.TLVs[TagSARMsgRefNum], []byte{0, 7}) || len(d.TLVs) != 3 {
				t.Errorf("case %d: TLVs %v", i, d.TLVs)
			}
			enquireBarrier(t, fc, 5*time.Second)
			release <- tc.status
			p := fc.expect(t, pdu.DeliverSMRespID, 5*time.Second)
			if p.hdr.Seq != seq || uint32(p.hdr.Status) != tc.status {
				t.Errorf("case %d: deliver_sm_resp seq %d status 0x%X, want %d 0x%X", i, p.hdr.Seq, p.hdr.Status, seq, tc.status)
			}
		})
	}
}

func TestSessionMOSeqCollidesWithSubmit(t *testing.T) {
	f := newFakeSMSC(t)
	f.holdSubmits = true
	got := make(chan *Deliver, 1)
	s := NewSession(testConfig(f), handlerFunc(func(ctx context.Context, d *Deliver) uint32 {
		got <- d
		return StatusOK
	}))
	runSession(t, s)
	fc := f.nextConn(t, 5*time.Second)

	type result struct {
		id  string
		err error
	}
	done := make(chan result, 1)
	go func() {
		id, err := s.Submit(context.Background(), testSubmit)
		done <- result{id, err}
	}()
	sub := fc.expectHeld(t, 5*time.Second)
	seq := sub.hdr.Seq

	// A deliver_sm with the submit's sequence number is an MO, not an answer.
	fc.send(pdu.DeliverSMID, 0, seq, deliverSM(t, "4915112345678", "12345", 0, 0, []byte("mo"), nil))
	select {
	case d := <-got:
		if d.Seq != seq || string(d.ShortMessage) != "mo" {
			t.Errorf("handler got seq %d %q", d.Seq, d.ShortMessage)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("colliding deliver_sm never reached the handler")
	}
	p := fc.expect(t, pdu.DeliverSMRespID, 5*time.Second)
	if p.hdr.Seq != seq || p.hdr.Status != 0 {
		t.Errorf("deliver_sm_resp seq %d status %d, want %d 0", p.hdr.Seq, p.hdr.Status, seq)
	}
	// A response of the wrong command with the same sequence number does not
	// complete the submit either.
	fc.send(pdu.QuerySMRespID, 0, seq, messageIDBody("wrong"))
	enquireBarrier(t, fc, 5*time.Second)
	select {
	case r := <-done:
		t.Fatalf("submit completed by a deliver_sm or query_sm_resp: %+v", r)
	default:
	}
	fc.respond(sub, pdu.SubmitSMRespID, 0, messageIDBody("right"))
	select {
	case r := <-done:
		if r.err != nil || r.id != "right" {
			t.Fatalf("submit = %q, %v; want \"right\"", r.id, r.err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("submit never completed")
	}
}

func TestSessionMOHandlerVariants(t *testing.T) {
	cases := []struct {
		name string
		h    MOHandler
		want uint32
	}{
		{"nil handler", nil, StatusSysErr},
		{"panicking handler", handlerFunc(func(context.Context, *Deliver) uint32 { panic("boom") }), StatusSysErr},
		{"ok handler", handlerFunc(func(context.Context, *Deliver) uint32 { return StatusOK }), StatusOK},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeSMSC(t)
			s := NewSession(testConfig(f), tc.h)
			runSession(t, s)
			fc := f.nextConn(t, 5*time.Second)
			fc.send(pdu.DeliverSMID, 0, 77, deliverSM(t, "4915112345678", "12345", 0, 0, []byte("x"), nil))
			p := fc.expect(t, pdu.DeliverSMRespID, 5*time.Second)
			if p.hdr.Seq != 77 || uint32(p.hdr.Status) != tc.want {
				t.Errorf("case %d: deliver_sm_resp seq %d status 0x%X, want 77 0x%X", i, p.hdr.Seq, p.hdr.Status, tc.want)
			}
		})
	}
}

func TestSessionMOWorkersBusy(t *testing.T) {
	f := newFakeSMSC(t)
	entered := make(chan struct{}, 2)
	release := make(chan struct{})
	cfg := testConfig(f)
	cfg.MOWorkers = 1
	s := NewSession(cfg, handlerFunc(func(context.Context, *Deliver) uint32 {
		entered <- struct{}{}
		<-release
		return StatusOK
	}))
	runSession(t, s)
	fc := f.nextConn(t, 5*time.Second)
	fc.send(pdu.DeliverSMID, 0, 1, deliverSM(t, "4915112345678", "12345", 0, 0, []byte("a"), nil))
	select {
	case <-entered:
	case <-time.After(5 * time.Second):
		t.Fatal("first deliver_sm not handled")
	}
	fc.send(pdu.DeliverSMID, 0, 2, deliverSM(t, "4915112345678", "12345", 0, 0, []byte("b"), nil))
	p := fc.expect(t, pdu.DeliverSMRespID, 5*time.Second)
	if p.hdr.Seq != 2 || uint32(p.hdr.Status) != StatusMsgQueueFull {
		t.Errorf("second deliver_sm answered seq %d status 0x%X, want 2 ESME_RMSGQFUL", p.hdr.Seq, p.hdr.Status)
	}
	close(release)
	p = fc.expect(t, pdu.DeliverSMRespID, 5*time.Second)
	if p.hdr.Seq != 1 || p.hdr.Status != 0 {
		t.Errorf("first deliver_sm answered seq %d status 0x%X, want 1 OK", p.hdr.Seq, p.hdr.Status)
	}
}

func TestSessionMORespDroppedAfterDisconnect(t *testing.T) {
	f := newFakeSMSC(t)
	entered := make(chan struct{}, 1)
	release := make(chan struct{})
	s := NewSession(testConfig(f), handlerFunc(func(context.Context, *Deliver) uint32 {
		entered <- struct{}{}
		<-release
		return StatusOK
	}))
	runSession(t, s)
	fc := f.nextConn(t, 5*time.Second)
	fc.send(pdu.DeliverSMID, 0, 5, deliverSM(t, "4915112345678", "12345", 0, 0, []byte("a"), nil))
	<-entered
	_ = fc.nc.Close()
	fc2 := f.nextConn(t, 5*time.Second)
	close(release)
	s.handlers.Wait() // the worker has tried to answer; no other deliver_sm is in flight
	// The answer belonged to the first connection: it must not appear on the
	// second one.
	enquireBarrier(t, fc2, 5*time.Second)
}
