package smscsim

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/fiorix/go-smpp/smpp/pdu/pdufield"
	"github.com/fiorix/go-smpp/smpp/pdu/pdutlv"

	"github.com/mpimis/mpimis/smsbridge"
)

// testTimeout bounds every wait of a test: long enough never to fire on a
// loaded machine, short enough to fail a hung test.
const testTimeout = 10 * time.Second

// rx is a PDU the test ESME received.
type rx struct {
	id     pdu.ID
	status uint32
	seq    uint32
	body   []byte
}

// cstr returns the first C-octet string of the body (message_id,
// system_id) and whether the body had one.
func (p rx) cstr() (string, bool) {
	i := bytes.IndexByte(p.body, 0)
	if i < 0 {
		return "", false
	}
	return string(p.body[:i]), true
}

// sm decodes a deliver_sm body with the library's field list and TLV
// decoder (independently of the simulator's encoder).
func (p rx) sm(t testing.TB) (pdufield.Map, pdutlv.Map) {
	t.Helper()
	r := bytes.NewBuffer(p.body)
	f, err := smsbridge.SMFields.Decode(r)
	if err != nil {
		t.Fatalf("decode deliver_sm: %v", err)
	}
	tl, err := pdutlv.DecodeTLV(r)
	if err != nil {
		t.Fatalf("decode deliver_sm TLVs: %v", err)
	}
	if r.Len() != 0 {
		t.Fatalf("deliver_sm: %d octets left over", r.Len())
	}
	return f, tl
}

// esme is a minimal raw ESME over real TCP for the tests. It encodes its
// requests with go-smpp's PDU codec and reads frames itself.
type esme struct {
	t    testing.TB
	conn net.Conn
	in   chan rx
	err  chan error // read error when the connection ends

	mu  sync.Mutex
	seq uint32
}

func dial(t testing.TB, addr string) *esme {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	e := &esme{t: t, conn: conn, in: make(chan rx, 4096), err: make(chan error, 1)}
	t.Cleanup(func() { _ = conn.Close() })
	go e.readLoop()
	return e
}

func (e *esme) readLoop() {
	var hdr [16]byte
	for {
		if _, err := io.ReadFull(e.conn, hdr[:]); err != nil {
			e.err <- err
			close(e.in)
			return
		}
		n := binary.BigEndian.Uint32(hdr[0:4])
		body := make([]byte, n-16)
		if _, err := io.ReadFull(e.conn, body); err != nil {
			e.err <- err
			close(e.in)
			return
		}
		e.in <- rx{
			id:     pdu.ID(binary.BigEndian.Uint32(hdr[4:8])),
			status: binary.BigEndian.Uint32(hdr[8:12]),
			seq:    binary.BigEndian.Uint32(hdr[12:16]),
			body:   body,
		}
	}
}

// send serializes b with the next sequence number (or b's own when set)
// and returns the number used.
func (e *esme) send(b pdu.Body) uint32 {
	e.t.Helper()
	e.mu.Lock()
	if b.Header().Seq == 0 {
		e.seq++
		b.Header().Seq = e.seq
	}
	seq := b.Header().Seq
	var buf bytes.Buffer
	if err := b.SerializeTo(&buf); err != nil {
		e.mu.Unlock()
		e.t.Fatalf("serialize %v: %v", b.Header().ID, err)
	}
	_, err := e.conn.Write(buf.Bytes())
	e.mu.Unlock()
	if err != nil {
		e.t.Fatalf("write %v: %v", b.Header().ID, err)
	}
	return seq
}

// sendRaw writes bytes as they are.
func (e *esme) sendRaw(b []byte) {
	e.t.Helper()
	if _, err := e.conn.Write(b); err != nil {
		e.t.Fatalf("write: %v", err)
	}
}

// next returns the next PDU received, failing the test on timeout or when
// the connection ended.
func (e *esme) next() rx {
	e.t.Helper()
	select {
	case p, ok := <-e.in:
		if !ok {
			e.t.Fatalf("connection ended: %v", <-e.err)
		}
		return p
	case <-time.After(testTimeout):
		e.t.Fatalf("no PDU within %v", testTimeout)
	}
	return rx{}
}

// expect returns the next PDU and checks its command.
func (e *esme) expect(id pdu.ID) rx {
	e.t.Helper()
	p := e.next()
	if p.id != id {
		e.t.Fatalf("got %v (0x%08X) seq %d status 0x%X, want %v", p.id, uint32(p.id), p.seq, p.status, id)
	}
	return p
}

// expectClosed waits for the connection to end and returns the read error.
func (e *esme) expectClosed() error {
	e.t.Helper()
	for {
		select {
		case p, ok := <-e.in:
			if !ok {
				return <-e.err
			}
			e.t.Fatalf("got %v while waiting for the connection to end", p.id)
		case <-time.After(testTimeout):
			e.t.Fatalf("connection still open after %v", testTimeout)
		}
	}
}

// bind sends a bind of the given kind and returns the response.
func (e *esme) bind(id pdu.ID, systemID, password string) rx {
	e.t.Helper()
	var b pdu.Body
	switch id {
	case pdu.BindTransmitterID:
		b = pdu.NewBindTransmitter()
	case pdu.BindReceiverID:
		b = pdu.NewBindReceiver()
	default:
		b = pdu.NewBindTransceiver()
	}
	b.Header().Seq = 0
	f := b.Fields()
	_ = f.Set(pdufield.SystemID, systemID)
	_ = f.Set(pdufield.Password, password)
	_ = f.Set(pdufield.InterfaceVersion, 0x34)
	seq := e.send(b)
	p := e.expect(id | 0x80000000)
	if p.seq != seq {
		e.t.Fatalf("bind_resp seq %d, want %d", p.seq, seq)
	}
	return p
}

// mustBind binds as a transceiver and fails unless the bind succeeds.
func (e *esme) mustBind() {
	e.t.Helper()
	if p := e.bind(pdu.BindTransceiverID, "esme", "pw"); p.status != 0 {
		e.t.Fatalf("bind status 0x%X", p.status)
	}
}

// sub describes a submit_sm for submitPDU.
type sub struct {
	seq        uint32
	src, dst   string
	esm, dc    byte
	regDel     byte
	sm         []byte
	tlvs       pdutlv.Fields
	srcTON     byte
	serviceTyp string
}

func submitPDU(s sub) pdu.Body {
	b := pdu.NewSubmitSM(s.tlvs)
	b.Header().Seq = s.seq
	f := b.Fields()
	_ = f.Set(pdufield.ServiceType, s.serviceTyp)
	_ = f.Set(pdufield.SourceAddrTON, s.srcTON)
	_ = f.Set(pdufield.SourceAddr, s.src)
	_ = f.Set(pdufield.DestAddrTON, 1)
	_ = f.Set(pdufield.DestAddrNPI, 1)
	_ = f.Set(pdufield.DestinationAddr, s.dst)
	_ = f.Set(pdufield.ESMClass, s.esm)
	_ = f.Set(pdufield.RegisteredDelivery, s.regDel)
	_ = f.Set(pdufield.DataCoding, s.dc)
	_ = f.Set(pdufield.ShortMessage, s.sm)
	return b
}

// submit sends a submit_sm and returns its sequence number.
func (e *esme) submit(s sub) uint32 {
	e.t.Helper()
	return e.send(submitPDU(s))
}

// respond answers a received request with status.
func (e *esme) respond(p rx, status uint32) {
	e.t.Helper()
	var b pdu.Body
	switch p.id {
	case pdu.DeliverSMID:
		b = pdu.NewDeliverSMResp()
	case pdu.EnquireLinkID:
		b = pdu.NewEnquireLinkResp()
	case pdu.UnbindID:
		b = pdu.NewUnbindResp()
	default:
		e.t.Fatalf("cannot answer %v", p.id)
	}
	b.Header().Seq = p.seq
	b.Header().Status = pdu.Status(status)
	e.send(b)
}

// startSim starts a simulator for a test and closes it at the end.
func startSim(t testing.TB, cfg Config) *Server {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = testLogger(t)
	}
	s, err := Start(cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// isClosedErr reports whether err is how a read ends on a closed or reset
// connection.
func isClosedErr(err error) bool {
	var op *net.OpError
	return errors.Is(err, io.EOF) || errors.As(err, &op)
}
