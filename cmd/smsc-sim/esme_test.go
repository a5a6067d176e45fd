package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/fiorix/go-smpp/smpp/pdu/pdufield"
)

const testTimeout = 10 * time.Second

// rawPDU is a PDU the test ESME read.
type rawPDU struct {
	id          pdu.ID
	status, seq uint32
	body        []byte
}

// testESME is a tiny transceiver ESME over real TCP: go-smpp encodes its
// PDUs, it reads frames itself.
type testESME struct {
	t    *testing.T
	conn net.Conn
	r    *bufio.Reader
	seq  uint32
}

func dialESME(t *testing.T, addr string) *testESME {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	e := &testESME{t: t, conn: conn, r: bufio.NewReader(conn)}
	b := pdu.NewBindTransceiver()
	_ = b.Fields().Set(pdufield.SystemID, "smsgw")
	_ = b.Fields().Set(pdufield.Password, "secret")
	e.send(b)
	if p := e.read(); p.id != pdu.BindTransceiverRespID || p.status != 0 {
		t.Fatalf("bind: %v status 0x%X", p.id, p.status)
	}
	return e
}

func (e *testESME) send(b pdu.Body) uint32 {
	e.t.Helper()
	if b.Header().Seq == 0 || b.Header().ID&0x80000000 == 0 {
		e.seq++
		b.Header().Seq = e.seq
	}
	var buf bytes.Buffer
	if err := b.SerializeTo(&buf); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.conn.Write(buf.Bytes()); err != nil {
		e.t.Fatal(err)
	}
	return b.Header().Seq
}

func (e *testESME) read() rawPDU {
	e.t.Helper()
	_ = e.conn.SetReadDeadline(time.Now().Add(testTimeout))
	var hdr [16]byte
	if _, err := io.ReadFull(e.r, hdr[:]); err != nil {
		e.t.Fatalf("read: %v", err)
	}
	body := make([]byte, binary.BigEndian.Uint32(hdr[:4])-16)
	if _, err := io.ReadFull(e.r, body); err != nil {
		e.t.Fatalf("read: %v", err)
	}
	return rawPDU{
		id:     pdu.ID(binary.BigEndian.Uint32(hdr[4:8])),
		status: binary.BigEndian.Uint32(hdr[8:12]),
		seq:    binary.BigEndian.Uint32(hdr[12:16]),
		body:   body,
	}
}

// expectClosed reads until the connection ends.
func (e *testESME) expectClosed() {
	e.t.Helper()
	_ = e.conn.SetReadDeadline(time.Now().Add(testTimeout))
	if _, err := io.ReadAll(e.r); err != nil {
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			e.t.Fatal("connection still open")
		}
	}
}

// submit sends a GSM submit_sm and returns the response.
func (e *testESME) submit(src, dst, text string, esm byte, sm []byte) rawPDU {
	e.t.Helper()
	b := pdu.NewSubmitSM(nil)
	f := b.Fields()
	_ = f.Set(pdufield.SourceAddr, src)
	_ = f.Set(pdufield.DestinationAddr, dst)
	_ = f.Set(pdufield.ESMClass, esm)
	if sm == nil {
		sm = []byte(text)
	}
	_ = f.Set(pdufield.ShortMessage, sm)
	seq := e.send(b)
	p := e.read()
	if p.id != pdu.SubmitSMRespID || p.seq != seq {
		e.t.Fatalf("got %v seq %d, want submit_sm_resp seq %d", p.id, p.seq, seq)
	}
	return p
}

// answer responds to a deliver_sm.
func (e *testESME) answer(p rawPDU, status uint32) {
	e.t.Helper()
	r := pdu.NewDeliverSMResp()
	r.Header().Seq = p.seq
	r.Header().Status = pdu.Status(status)
	e.send(r)
}

// shortMessage extracts short_message from a deliver_sm body.
func shortMessage(t *testing.T, body []byte) []byte {
	t.Helper()
	// service_type, source (ton, npi, addr), dest (ton, npi, addr)
	i := 0
	skipC := func() { i += bytes.IndexByte(body[i:], 0) + 1 }
	skipC()
	i += 2
	skipC()
	i += 2
	skipC()
	i += 3 // esm_class, protocol_id, priority_flag
	skipC()
	skipC()
	i += 4 // registered_delivery, replace_if_present, data_coding, sm_default_msg_id
	n := int(body[i])
	return body[i+1 : i+1+n]
}
