package smscsim

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"

	"github.com/mpimis/mpimis/smsbridge"
)

// bindKind is a session's bind state.
type bindKind int

const (
	unbound bindKind = iota
	boundTX
	boundRX
	boundTRX
)

func (k bindKind) String() string {
	return [...]string{"unbound", "transmitter", "receiver", "transceiver"}[k]
}

// writeTimeout bounds one flush to the peer.
const writeTimeout = 10 * time.Second

// session is one TCP connection from an ESME.
type session struct {
	srv  *Server
	num  uint64
	conn net.Conn
	log  *slog.Logger
	out  chan outItem
	done chan struct{}
	once sync.Once

	// Written only by the reader goroutine, under srv.mu; the reader
	// reads them without the lock, others with it.
	kind     bindKind
	systemID string
	// unbinding is set under srv.mu when the simulator sent unbind.
	unbinding bool

	pmu     sync.Mutex
	pending map[uint32]pendingReq // requests sent by the simulator, by sequence number
	seq     uint32                // last sequence number used
	elSeq   uint32                // outstanding enquire_link, 0 if none
}

// outItem is one encoded PDU for the writer.
type outItem struct {
	buf        *outBuf
	closeAfter bool // close the connection once it is written
}

// pendingReq awaits the response to a request the simulator sent.
type pendingReq struct {
	resp pdu.ID
	ch   chan uint32 // receives the command_status; nil for enquire_link
}

func newSession(srv *Server, conn net.Conn, num uint64) *session {
	return &session{
		srv:     srv,
		num:     num,
		conn:    conn,
		log:     srv.log.With("session", num),
		out:     make(chan outItem, srv.cfg.QueueLen),
		done:    make(chan struct{}),
		pending: make(map[uint32]pendingReq),
	}
}

// close ends the session: the connection closes and waiting requests fail.
func (s *session) close() {
	s.once.Do(func() {
		// Unregister first, so that nobody picks the session any more.
		s.srv.removeSession(s)
		close(s.done)
		_ = s.conn.Close()
		s.log.Debug("smscsim: session closed", "system_id", s.boundSystemID())
	})
}

// boundSystemID returns the system_id the session bound with, "" if none.
func (s *session) boundSystemID() string {
	s.srv.mu.Lock()
	defer s.srv.mu.Unlock()
	return s.systemID
}

// canReceive reports whether deliver_sm may be sent on the session;
// srv.mu must be held.
func (s *session) canReceive() bool {
	return (s.kind == boundRX || s.kind == boundTRX) && !s.unbinding
}

func (s *session) readLoop() {
	defer s.srv.wg.Done()
	defer s.close()
	r := bufio.NewReaderSize(s.conn, 32<<10)
	var buf []byte
	for {
		h, body, nb, err := readFrame(r, buf)
		buf = nb
		if err != nil {
			if errors.Is(err, ErrBadPDU) {
				// The stream cannot be resynchronised: say why, then hang up.
				s.log.Debug("smscsim: bad frame", "err", err)
				s.srv.st.genericNack.Add(1)
				s.sendEmpty(pdu.GenericNACKID, smsbridge.StatusInvCmdLen, h.seq, true)
				t := time.NewTimer(writeTimeout)
				select {
				case <-s.done:
				case <-t.C:
				}
				t.Stop()
			} else if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				s.log.Debug("smscsim: read", "err", err)
			}
			return
		}
		s.dispatch(h, body)
	}
}

func (s *session) writeLoop() {
	defer s.srv.wg.Done()
	w := bufio.NewWriterSize(s.conn, 32<<10)
	var tick <-chan time.Time
	if iv := s.srv.cfg.EnquireLinkInterval; iv > 0 {
		t := time.NewTicker(iv)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case it := <-s.out:
			if err := s.writeBatch(w, it); err != nil {
				if !errors.Is(err, net.ErrClosed) {
					s.log.Debug("smscsim: write", "err", err)
				}
				s.close()
				return
			}
		case <-tick:
			if err := s.enquireLink(w); err != nil {
				s.close()
				return
			}
		case <-s.done:
			return
		}
	}
}

// writeBatch writes it and whatever else is queued, then flushes. An item
// with closeAfter ends the batch and the session.
func (s *session) writeBatch(w *bufio.Writer, it outItem) error {
	_ = s.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	for {
		_, err := w.Write(it.buf.b)
		putBuf(it.buf)
		if err != nil {
			return err
		}
		if it.closeAfter {
			if err := w.Flush(); err != nil {
				return err
			}
			s.close()
			return nil
		}
		select {
		case it = <-s.out:
			continue
		default:
		}
		return w.Flush()
	}
}

// enqueue hands an encoded PDU to the writer, blocking while the queue is
// full. It returns false (and recycles b) when the session or ctx ends
// first.
func (s *session) enqueue(ctx context.Context, b *outBuf, closeAfter bool) bool {
	select {
	case s.out <- outItem{buf: b, closeAfter: closeAfter}:
		return true
	case <-s.done:
	case <-ctx.Done():
	}
	putBuf(b)
	return false
}

// sendEmpty sends a PDU without body (responses, generic_nack).
func (s *session) sendEmpty(id pdu.ID, status, seq uint32, closeAfter bool) bool {
	b := getBuf()
	e := encoder{b: b.b}
	e.start(id, status, seq)
	b.b = e.finish()
	return s.enqueue(context.Background(), b, closeAfter)
}

// sendMsgID sends a response whose body is one C-octet string (a
// message_id or system_id), left out when status is not zero unless
// Config.ErrorRespBody asks for it.
func (s *session) sendMsgID(id pdu.ID, status, seq uint32, value string, tlvs ...TLV) bool {
	b := getBuf()
	e := encoder{b: b.b}
	e.start(id, status, seq)
	if status == smsbridge.StatusOK || s.srv.cfg.ErrorRespBody {
		if status != smsbridge.StatusOK {
			value, tlvs = "", nil
		}
		e.cstring(value)
		for _, t := range tlvs {
			e.tlv(t.Tag, t.Value)
		}
	}
	b.b = e.finish()
	return s.enqueue(context.Background(), b, false)
}

// nextSeqLocked returns a sequence number no pending request uses; s.pmu
// must be held.
func (s *session) nextSeqLocked() uint32 {
	for {
		s.seq++
		if s.seq == 0 || s.seq > maxSeq {
			s.seq = 1
		}
		if _, busy := s.pending[s.seq]; !busy {
			return s.seq
		}
	}
}

// request sends a request built by encode and waits for its response
// (resp, or generic_nack) with the same sequence number. seq 0 takes the
// next free number. It returns the response's command_status.
func (s *session) request(ctx context.Context, seq uint32, resp pdu.ID, encode func(e *encoder, seq uint32)) (uint32, error) {
	ch := make(chan uint32, 1)
	s.pmu.Lock()
	if seq == 0 {
		seq = s.nextSeqLocked()
	} else if _, busy := s.pending[seq]; busy {
		s.pmu.Unlock()
		return 0, ErrSeqInUse
	}
	s.pending[seq] = pendingReq{resp: resp, ch: ch}
	s.pmu.Unlock()

	b := getBuf()
	e := encoder{b: b.b}
	encode(&e, seq)
	b.b = e.finish()
	if !s.enqueue(ctx, b, false) {
		s.forget(seq)
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		return 0, ErrSessionClosed
	}
	if resp == pdu.DeliverSMRespID {
		s.srv.st.delivers.Add(1)
	}
	select {
	case st := <-ch:
		return st, nil
	case <-ctx.Done():
		s.forget(seq)
		return 0, ctx.Err()
	case <-s.done:
		return 0, ErrSessionClosed
	}
}

func (s *session) forget(seq uint32) {
	s.pmu.Lock()
	delete(s.pending, seq)
	s.pmu.Unlock()
}

// handleResp matches a response with the request the simulator sent.
func (s *session) handleResp(h header) {
	s.pmu.Lock()
	p, ok := s.pending[h.seq]
	if ok && (h.id == p.resp || h.id == pdu.GenericNACKID) {
		delete(s.pending, h.seq)
		if s.elSeq == h.seq {
			s.elSeq = 0
		}
	} else {
		ok = false
	}
	s.pmu.Unlock()
	if !ok {
		s.log.Debug("smscsim: unexpected response", "command", h.id.String(), "seq", h.seq)
		return
	}
	switch {
	case p.resp == pdu.EnquireLinkRespID:
		s.srv.st.enquireResps.Add(1)
	case p.resp == pdu.DeliverSMRespID:
		s.srv.st.deliverResps.Add(1)
	}
	if p.ch != nil {
		p.ch <- h.status
	}
}

// enquireLink sends the periodic enquire_link from the writer goroutine.
// An enquire_link still unanswered is forgotten: only answers are counted.
func (s *session) enquireLink(w *bufio.Writer) error {
	s.srv.mu.Lock()
	bound := s.kind != unbound
	s.srv.mu.Unlock()
	if !bound {
		return nil
	}
	s.pmu.Lock()
	if s.elSeq != 0 {
		delete(s.pending, s.elSeq)
	}
	seq := s.nextSeqLocked()
	s.elSeq = seq
	s.pending[seq] = pendingReq{resp: pdu.EnquireLinkRespID}
	s.pmu.Unlock()
	var e encoder
	e.start(pdu.EnquireLinkID, smsbridge.StatusOK, seq)
	_ = s.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	if _, err := w.Write(e.finish()); err != nil {
		return err
	}
	s.srv.st.enquireSent.Add(1)
	return w.Flush()
}

// unbind sends unbind and closes the session when the response arrives or
// after timeout.
func (s *session) unbind(timeout time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	_, err := s.request(ctx, 0, pdu.UnbindRespID, func(e *encoder, seq uint32) {
		e.start(pdu.UnbindID, smsbridge.StatusOK, seq)
	})
	if err != nil {
		s.log.Debug("smscsim: unbind", "err", err)
	}
	s.close()
}
