package smsbridge

import (
	"context"
	"encoding/binary"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
)

func TestSessionSMSCUnbindRedials(t *testing.T) {
	f := newFakeSMSC(t)
	s := NewSession(testConfig(f), nil)
	runSession(t, s)
	fc := f.nextConn(t, 5*time.Second)
	fc.send(pdu.UnbindID, 0, 31, nil)
	p := fc.expect(t, pdu.UnbindRespID, 5*time.Second)
	if p.hdr.Seq != 31 || p.hdr.Status != 0 {
		t.Errorf("unbind_resp seq %d status %d, want 31 0", p.hdr.Seq, p.hdr.Status)
	}
	fc.expectClosed(t, 5*time.Second)
	f.nextConn(t, 5*time.Second)
	st := waitStatus(t, s, 5*time.Second, "bound twice", func(st BindStatus) bool { return bound(st) && st.Binds == 2 })
	if st.Stalls != 0 {
		t.Errorf("Stalls = %d after an unbind, want 0", st.Stalls)
	}
}

func TestSessionEnquireLinkStall(t *testing.T) {
	f := newFakeSMSC(t)
	f.silentEnquire.Store(true)
	cfg := testConfig(f)
	cfg.EnquireLink = 50 * time.Millisecond
	cfg.ResponseTimeout = 100 * time.Millisecond
	s := NewSession(cfg, nil)
	runSession(t, s)
	fc := f.nextConn(t, 5*time.Second)
	st := waitStatus(t, s, 5*time.Second, "stalled", func(st BindStatus) bool { return st.Stalls >= 1 })
	if !strings.Contains(st.LastError, "enquire_link") {
		t.Errorf("LastError %q does not mention enquire_link", st.LastError)
	}
	f.silentEnquire.Store(false)
	fc.expectClosed(t, 5*time.Second)
	f.nextConn(t, 5*time.Second)
	waitStatus(t, s, 5*time.Second, "rebound", func(st BindStatus) bool { return bound(st) && st.Binds >= 2 })
}

func TestSessionDropFailsOutstandingSubmits(t *testing.T) {
	cases := []struct {
		name string
		drop func(fc *fakeConn)
	}{
		{"TCP closed", func(fc *fakeConn) { _ = fc.nc.Close() }},
		{"SMSC unbind", func(fc *fakeConn) { fc.send(pdu.UnbindID, 0, fc.nextSeq(), nil) }},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeSMSC(t)
			f.holdSubmits = true
			cfg := testConfig(f)
			cfg.ResponseTimeout = 30 * time.Second
			s := NewSession(cfg, nil)
			runSession(t, s)
			fc := f.nextConn(t, 5*time.Second)

			const n = 3
			errs := make(chan error, n)
			for range n {
				go func() {
					_, err := s.Submit(context.Background(), testSubmit)
					errs <- err
				}()
			}
			for range n {
				fc.expectHeld(t, 5*time.Second)
			}
			start := time.Now()
			tc.drop(fc)
			for j := range n {
				select {
				case err := <-errs:
					se := submitErr(t, err)
					if !se.Temporary || !errors.Is(err, ErrDisconnected) {
						t.Errorf("case %d: submit %d: %v, want temporary ErrDisconnected", i, j, err)
					}
				case <-time.After(5 * time.Second):
					t.Fatalf("case %d: submit %d still waiting after the connection dropped", i, j)
				}
			}
			if d := time.Since(start); d >= cfg.ResponseTimeout {
				t.Errorf("case %d: submits failed after %s, not at once", i, d)
			}
			// The next connection serves new submits.
			fc2 := f.nextConn(t, 5*time.Second)
			go func() {
				p := fc2.expectHeld(t, 5*time.Second)
				fc2.respond(p, pdu.SubmitSMRespID, 0, messageIDBody("after"))
			}()
			if id, err := s.Submit(context.Background(), testSubmit); err != nil || id != "after" {
				t.Errorf("case %d: submit after redial = %q, %v", i, id, err)
			}
		})
	}
}

func TestSessionSubmitResponseTimeout(t *testing.T) {
	f := newFakeSMSC(t)
	f.holdSubmits = true
	cfg := testConfig(f)
	cfg.ResponseTimeout = 100 * time.Millisecond
	s := NewSession(cfg, nil)
	runSession(t, s)
	fc := f.nextConn(t, 5*time.Second)
	_, err := s.Submit(context.Background(), testSubmit)
	se := submitErr(t, err)
	if !se.Temporary || !errors.Is(err, ErrResponseTimeout) {
		t.Fatalf("submit: %v, want temporary ErrResponseTimeout", err)
	}
	// The late answer is dropped without harm.
	fc.respond(fc.expectHeld(t, time.Second), pdu.SubmitSMRespID, 0, messageIDBody("late"))
	enquireBarrier(t, fc, 5*time.Second)
	if st := s.Status(); st.Binds != 1 || st.State != BindBound {
		t.Errorf("status after a late response %+v, want still the first bind", st)
	}
}

func TestSessionEnquireLinkAnsweredWhenWindowFullAndTPSExhausted(t *testing.T) {
	f := newFakeSMSC(t)
	f.holdSubmits = true
	cfg := testConfig(f)
	cfg.Window = 2
	cfg.TPS = 1
	s := NewSession(cfg, nil)
	runSession(t, s)
	fc := f.nextConn(t, 5*time.Second)
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = s.Submit(context.Background(), testSubmit)
		}()
	}
	held := []*rawPDU{fc.expectHeld(t, 5*time.Second), fc.expectHeld(t, 5*time.Second)}
	// Now two submit_sm are outstanding (the window is full, a third
	// Submit waits) and the 1-token bucket was emptied by the second one:
	// the next token is a second away. The answer must come well before.
	seq := fc.nextSeq()
	fc.send(pdu.EnquireLinkID, 0, seq, nil)
	p := fc.expect(t, pdu.EnquireLinkRespID, 900*time.Millisecond)
	if p.hdr.Seq != seq {
		t.Errorf("enquire_link_resp seq %d, want %d", p.hdr.Seq, seq)
	}
	if got := f.submits.Load(); got != 2 {
		t.Errorf("SMSC saw %d submit_sm, want 2 while the window is full", got)
	}
	if got := s.Status().WindowInUse; got != 2 {
		t.Errorf("WindowInUse = %d, want 2", got)
	}
	for _, h := range held {
		fc.respond(h, pdu.SubmitSMRespID, 0, messageIDBody("x"))
	}
	fc.respond(fc.expectHeld(t, 5*time.Second), pdu.SubmitSMRespID, 0, messageIDBody("y"))
	wg.Wait()
}

func TestSessionRejectsWithGenericNack(t *testing.T) {
	cases := []struct {
		name   string
		id     pdu.ID
		body   func(t *testing.T) []byte
		status uint32
	}{
		{"unknown request id", 0x00000777, nil, StatusInvCmdID},
		{"unknown response id", 0x80000777, nil, StatusInvCmdID},
		{"query_sm to an ESME", pdu.QuerySMID, func(*testing.T) []byte { return messageIDBody("1") }, StatusInvCmdID},
		{"deliver_sm truncated", pdu.DeliverSMID, func(*testing.T) []byte { return []byte{0, 1, 1} }, StatusInvCmdLen},
		{"deliver_sm sm_length too long", pdu.DeliverSMID, func(t *testing.T) []byte {
			b := deliverSM(t, "4915112345678", "12345", 0, 0, []byte("abc"), nil)
			b[len(b)-4] = 200 // sm_length
			return b
		}, StatusInvCmdLen},
		{"deliver_sm bad TLV", pdu.DeliverSMID, func(t *testing.T) []byte {
			return append(deliverSM(t, "4915112345678", "12345", 0, 0, []byte("abc"), nil), 0x04, 0x24, 0, 9, 1)
		}, StatusInvTLVStream},
	}
	f := newFakeSMSC(t)
	s := NewSession(testConfig(f), handlerFunc(func(context.Context, *Deliver) uint32 { return StatusOK }))
	runSession(t, s)
	fc := f.nextConn(t, 5*time.Second)
	for i, tc := range cases {
		seq := uint32(500 + i)
		var body []byte
		if tc.body != nil {
			body = tc.body(t)
		}
		fc.send(tc.id, 0, seq, body)
		p := fc.expect(t, pdu.GenericNACKID, 5*time.Second)
		if p.hdr.Seq != seq || uint32(p.hdr.Status) != tc.status {
			t.Errorf("case %d (%s): generic_nack seq %d status 0x%X, want %d 0x%X", i, tc.name, p.hdr.Seq, p.hdr.Status, seq, tc.status)
		}
	}
	// None of that costs the link, and ignored PDUs get no answer.
	fc.send(pdu.AlertNotificationID, 0, 600, nil)
	fc.send(pdu.SubmitSMRespID, 0, 99999, messageIDBody("late"))
	enquireBarrier(t, fc, 5*time.Second)
	select {
	case p := <-fc.in:
		t.Errorf("unexpected %s seq %d after ignored PDUs", p.hdr.ID, p.hdr.Seq)
	default:
	}
	if _, err := s.Submit(context.Background(), testSubmit); err != nil {
		t.Errorf("submit after rejected PDUs: %v", err)
	}
	if st := s.Status(); st.Binds != 1 {
		t.Errorf("Binds = %d, want 1 (no reconnect)", st.Binds)
	}
}

func TestSessionGarbageLengthReconnects(t *testing.T) {
	cases := []struct {
		name   string
		length uint32
	}{
		{"under header", 8},
		{"zero", 0},
		{"over 64 KiB", 64*1024 + 1},
		{"huge", 0xFFFFFFFF},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeSMSC(t)
			s := NewSession(testConfig(f), nil)
			runSession(t, s)
			fc := f.nextConn(t, 5*time.Second)
			var h [16]byte
			binary.BigEndian.PutUint32(h[0:4], tc.length)
			binary.BigEndian.PutUint32(h[4:8], uint32(pdu.DeliverSMID))
			binary.BigEndian.PutUint32(h[12:16], 77)
			fc.sendRaw(append(h[:], "garbage follows"...))
			p := fc.expect(t, pdu.GenericNACKID, 5*time.Second)
			if p.hdr.Seq != 77 || uint32(p.hdr.Status) != StatusInvCmdLen {
				t.Errorf("case %d: generic_nack seq %d status 0x%X, want 77 ESME_RINVCMDLEN", i, p.hdr.Seq, p.hdr.Status)
			}
			fc.expectClosed(t, 5*time.Second)
			f.nextConn(t, 5*time.Second)
			st := waitStatus(t, s, 5*time.Second, "rebound", func(st BindStatus) bool { return bound(st) && st.Binds == 2 })
			if st.Stalls != 0 {
				t.Errorf("case %d: Stalls = %d after a protocol error, want 0", i, st.Stalls)
			}
		})
	}
}

func TestStatusChanged(t *testing.T) {
	f := newFakeSMSC(t)
	s := NewSession(testConfig(f), nil)
	ch := s.Changed()
	if st := s.Status(); st.State != BindDown {
		t.Fatalf("initial state %s, want down", st.State)
	}
	runSession(t, s)
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Fatal("Changed not closed when binding started")
	}
	seen := map[BindState]bool{}
	deadline := time.After(5 * time.Second)
	for {
		ch := s.Changed()
		if seen[s.Status().State] = true; seen[BindBound] {
			break
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("states seen %v, never bound", seen)
		}
	}
}
