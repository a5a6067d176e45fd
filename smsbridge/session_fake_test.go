package smsbridge

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
)

// fakeSMSC is a small SMSC on 127.0.0.1:0 built on the package's own PDU
// layer. It answers bind_transceiver with bindStatus, enquire_link (unless
// silentEnquire), unbind, and submit_sm either by itself (after submitDelay,
// with submitStatus) or, with holdSubmits, through the test. Every other PDU
// from the ESME goes to the connection's in channel.
type fakeSMSC struct {
	tb testing.TB
	ln net.Listener

	// Set before the session dials.
	submitDelay  time.Duration
	submitStatus func(n int64) uint32 // nil: always OK
	nackSubmits  bool                 // answer submit_sm with generic_nack
	holdSubmits  bool                 // hand submit_sm to the test via held

	bindStatus    atomic.Uint32
	silentEnquire atomic.Bool

	bindAttempts chan time.Time
	conns        chan *fakeConn

	ncMu sync.Mutex
	ncs  []net.Conn // every accepted connection

	submits        atomic.Int64
	outstanding    atomic.Int64
	maxOutstanding atomic.Int64
}

type fakeConn struct {
	f    *fakeSMSC
	nc   net.Conn
	wmu  sync.Mutex
	seq  atomic.Uint32
	in   chan *rawPDU // PDUs not handled by the fake itself
	held chan *rawPDU // submit_sm when holdSubmits
	done chan struct{}

	mu      sync.Mutex
	reqSeqs []uint32 // sequence numbers of the ESME's requests, in order
}

func newFakeSMSC(tb testing.TB) *fakeSMSC {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	f := &fakeSMSC{tb: tb, ln: ln, bindAttempts: make(chan time.Time, 100), conns: make(chan *fakeConn, 16)}
	go f.accept()
	tb.Cleanup(func() {
		_ = ln.Close()
		f.ncMu.Lock()
		defer f.ncMu.Unlock()
		for _, nc := range f.ncs {
			_ = nc.Close()
		}
	})
	return f
}

func (f *fakeSMSC) addr() string { return f.ln.Addr().String() }

func (f *fakeSMSC) accept() {
	for {
		nc, err := f.ln.Accept()
		if err != nil {
			return
		}
		fc := &fakeConn{f: f, nc: nc, in: make(chan *rawPDU, 1000), held: make(chan *rawPDU, 1000), done: make(chan struct{})}
		// Closed by the cleanup of newFakeSMSC: tb may be a *testing.F
		// that is fuzzing, which allows no Cleanup calls any more.
		f.ncMu.Lock()
		f.ncs = append(f.ncs, nc)
		f.ncMu.Unlock()
		go fc.read()
	}
}

// send writes one PDU to the ESME.
func (fc *fakeConn) send(id pdu.ID, status, seq uint32, body []byte) {
	fc.sendRaw(frame(id, status, seq, body))
}

func (fc *fakeConn) sendRaw(b []byte) {
	fc.wmu.Lock()
	defer fc.wmu.Unlock()
	_ = fc.nc.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_, _ = fc.nc.Write(b)
}

// nextSeq returns a sequence number for a request of the SMSC.
func (fc *fakeConn) nextSeq() uint32 { return fc.seq.Add(1) + 1000 }

func (fc *fakeConn) read() {
	defer close(fc.done)
	for {
		p, err := readPDU(fc.nc)
		if err != nil {
			return
		}
		if !isResponse(p.hdr.ID) {
			fc.mu.Lock()
			fc.reqSeqs = append(fc.reqSeqs, p.hdr.Seq)
			fc.mu.Unlock()
		}
		switch p.hdr.ID {
		case pdu.BindTransceiverID:
			st := fc.f.bindStatus.Load()
			select {
			case fc.f.bindAttempts <- time.Now():
			default:
			}
			fc.send(pdu.BindTransceiverRespID, st, p.hdr.Seq, messageIDBody("fakesmsc"))
			if st == StatusOK {
				fc.f.conns <- fc
			}
		case pdu.EnquireLinkID:
			if !fc.f.silentEnquire.Load() {
				fc.send(pdu.EnquireLinkRespID, 0, p.hdr.Seq, nil)
			}
		case pdu.UnbindID:
			fc.send(pdu.UnbindRespID, 0, p.hdr.Seq, nil)
			fc.in <- p
		case pdu.SubmitSMID:
			n := fc.f.submits.Add(1)
			o := fc.f.outstanding.Add(1)
			for {
				m := fc.f.maxOutstanding.Load()
				if o <= m || fc.f.maxOutstanding.CompareAndSwap(m, o) {
					break
				}
			}
			if fc.f.holdSubmits {
				fc.held <- p
				continue
			}
			go fc.answerSubmit(p, n)
		default:
			fc.in <- p
		}
	}
}

func (fc *fakeConn) answerSubmit(p *rawPDU, n int64) {
	if fc.f.submitDelay > 0 {
		t := time.NewTimer(fc.f.submitDelay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-fc.done:
			return
		}
	}
	st := StatusOK
	if fc.f.submitStatus != nil {
		st = fc.f.submitStatus(n)
	}
	if fc.f.nackSubmits {
		fc.respond(p, pdu.GenericNACKID, st, nil)
		return
	}
	var body []byte
	if st == StatusOK {
		body = messageIDBody(fmt.Sprintf("msg-%d", n))
	}
	fc.respond(p, pdu.SubmitSMRespID, st, body)
}

// respond answers a submit_sm and counts it as no longer outstanding.
func (fc *fakeConn) respond(p *rawPDU, id pdu.ID, status uint32, body []byte) {
	fc.f.outstanding.Add(-1)
	fc.send(id, status, p.hdr.Seq, body)
}

// expect returns the next PDU with command id id from the ESME, skipping
// others, or fails the test after timeout.
func (fc *fakeConn) expect(tb testing.TB, id pdu.ID, timeout time.Duration) *rawPDU {
	tb.Helper()
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		select {
		case p := <-fc.in:
			if p.hdr.ID == id {
				return p
			}
		case <-t.C:
			tb.Fatalf("no %s from the ESME within %s", id, timeout)
			return nil
		}
	}
}

// expectHeld returns the next held submit_sm.
func (fc *fakeConn) expectHeld(tb testing.TB, timeout time.Duration) *rawPDU {
	tb.Helper()
	select {
	case p := <-fc.held:
		return p
	case <-time.After(timeout):
		tb.Fatalf("no submit_sm within %s", timeout)
		return nil
	}
}

// expectClosed waits until the ESME closes the connection.
func (fc *fakeConn) expectClosed(tb testing.TB, timeout time.Duration) {
	tb.Helper()
	select {
	case <-fc.done:
	case <-time.After(timeout):
		tb.Fatalf("the ESME did not close the connection within %s", timeout)
	}
}

// nextConn returns the next connection bound successfully.
func (f *fakeSMSC) nextConn(tb testing.TB, timeout time.Duration) *fakeConn {
	tb.Helper()
	select {
	case fc := <-f.conns:
		return fc
	case <-time.After(timeout):
		tb.Fatalf("no bind within %s", timeout)
		return nil
	}
}

// deliverSM encodes a deliver_sm body.
func deliverSM(tb testing.TB, source, dest string, esm, dcs byte, sm []byte, tlvs map[uint16][]byte) []byte {
	tb.Helper()
	b := smBody{sourceTON: 1, sourceNPI: 1, source: source, destTON: 0, destNPI: 1, dest: dest,
		esmClass: esm, dataCoding: dcs, shortMessage: sm, tlvs: tlvs}
	body, err := b.encode()
	if err != nil {
		tb.Fatal(err)
	}
	return body
}

// testConfig returns a session config for f with short timeouts.
func testConfig(f *fakeSMSC) SessionConfig {
	return SessionConfig{
		Addr: f.addr(), SystemID: "smsgw", Password: "s3cr3tpw",
		Window: 10, EnquireLink: 5 * time.Second, ResponseTimeout: 5 * time.Second,
		WriteTimeout: 2 * time.Second, ReconnectMin: 20 * time.Millisecond, ReconnectMax: 100 * time.Millisecond,
	}
}

// runSession starts s.Run and stops it at the end of the test.
func runSession(tb testing.TB, s *Session) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	tb.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				tb.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			tb.Errorf("Run did not return after cancel")
		}
	})
}

// waitStatus waits until pred holds for s's status, or fails after timeout.
func waitStatus(tb testing.TB, s *Session, timeout time.Duration, what string, pred func(BindStatus) bool) BindStatus {
	tb.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		ch := s.Changed()
		if st := s.Status(); pred(st) {
			return st
		}
		select {
		case <-ch:
		case <-deadline.C:
			tb.Fatalf("status never became %s; last %+v", what, s.Status())
		}
	}
}

func bound(st BindStatus) bool { return st.State == BindBound }

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func debugLogger(buf *syncBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// handlerFunc adapts a function to MOHandler.
type handlerFunc func(ctx context.Context, d *Deliver) uint32

func (f handlerFunc) HandleDeliver(ctx context.Context, d *Deliver) uint32 { return f(ctx, d) }

// submitErr returns err as a *SubmitError or fails.
func submitErr(tb testing.TB, err error) *SubmitError {
	tb.Helper()
	var se *SubmitError
	if !errors.As(err, &se) {
		tb.Fatalf("error %v (%T) is not a *SubmitError", err, err)
	}
	return se
}

var testSubmit = &Submit{Source: "12345", Dest: "4915112345678", DestTON: 1, DestNPI: 1, RegisteredDelivery: 1, ShortMessage: []byte("hello")}
