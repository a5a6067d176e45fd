package smsbridge

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
)

// errNotSent reports a request that never reached the writer because its
// connection closed first; Submit retries it on the next connection.
var errNotSent = fmt.Errorf("smsbridge: request not sent: %w", ErrDisconnected)

// outFrame is one PDU for the writer. If closeAfter is set the writer closes
// the connection with it once the frame is written.
type outFrame struct {
	b          []byte
	closeAfter error
}

// pending is a request waiting for its response.
type pending struct {
	resp pdu.ID
	ch   chan response // buffered 1
}

// response is the answer to one of our requests: the expected response or
// a generic_nack.
type response struct {
	id     pdu.ID
	status uint32
	body   []byte
}

// conn is one TCP connection to the SMSC with its reader and writer
// goroutines. Requests are matched with responses by command id and
// sequence number.
type conn struct {
	s   *Session
	nc  net.Conn
	log *slog.Logger

	prio chan outFrame // responses, enquire_link, bind, unbind
	out  chan outFrame // submit_sm

	closed    chan struct{}
	closeOnce sync.Once
	cerr      error // set before closed is closed

	mu      sync.Mutex
	pending map[uint32]*pending

	wg sync.WaitGroup // reader and writer
}

func newConn(s *Session, nc net.Conn) *conn {
	return &conn{
		s:       s,
		nc:      nc,
		log:     s.log,
		prio:    make(chan outFrame, 64),
		out:     make(chan outFrame),
		closed:  make(chan struct{}),
		pending: make(map[uint32]*pending),
	}
}

// start runs the reader and the writer.
func (c *conn) start() {
	c.wg.Add(2)
	go func() {
		defer c.wg.Done()
		c.readLoop()
	}()
	go func() {
		defer c.wg.Done()
		c.writeLoop()
	}()
}

// close ends the connection with err; the first call wins. Every waiting
// request fails at once.
func (c *conn) close(err error) {
	c.closeOnce.Do(func() {
		c.cerr = err
		close(c.closed)
		_ = c.nc.Close()
	})
}

// shutdown closes the connection and waits for its goroutines.
func (c *conn) shutdown() {
	c.close(fmt.Errorf("%w: closed by us", ErrDisconnected))
	c.wg.Wait()
}

func (c *conn) isClosed() bool {
	select {
	case <-c.closed:
		return true
	default:
		return false
	}
}

// err returns why the connection closed; call it after closed is closed.
func (c *conn) err() error {
	<-c.closed
	return c.cerr
}

// enqueue hands f to the writer, waiting while its queue is full.
func (c *conn) enqueue(ctx context.Context, q chan outFrame, f outFrame) error {
	select {
	case q <- f:
		return nil
	case <-c.closed:
		return errNotSent
	case <-ctx.Done():
		return ctx.Err()
	}
}

// reply queues a response (or generic_nack) to a PDU of the SMSC. It is
// dropped if the connection is gone.
func (c *conn) reply(f outFrame) {
	_ = c.enqueue(context.Background(), c.prio, f)
}

// request sends a request PDU and waits up to timeout for the response with
// command id respID and the same sequence number, or a generic_nack with it.
func (c *conn) request(ctx context.Context, reqID, respID pdu.ID, body []byte, timeout time.Duration) (response, error) {
	seq := c.s.seq.next()
	p := &pending{resp: respID, ch: make(chan response, 1)}
	c.mu.Lock()
	c.pending[seq] = p
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.pending, seq)
		c.mu.Unlock()
	}()

	q := c.prio
	if reqID == pdu.SubmitSMID {
		q = c.out
	}
	if err := c.enqueue(ctx, q, outFrame{b: frame(reqID, 0, seq, body)}); err != nil {
		return response{}, err
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case r := <-p.ch:
		return r, nil
	case <-t.C:
		return response{}, fmt.Errorf("%w: %s seq %d unanswered after %s", ErrResponseTimeout, reqID, seq, timeout)
	case <-c.closed:
		select {
		case r := <-p.ch:
			return r, nil
		default:
		}
		if errors.Is(c.cerr, ErrDisconnected) {
			return response{}, c.cerr
		}
		return response{}, fmt.Errorf("%w: %w", ErrDisconnected, c.cerr)
	case <-ctx.Done():
		return response{}, ctx.Err()
	}
}

// matchResponse hands a response PDU to the request it answers: same
// sequence number and the expected command id, or a generic_nack.
func (c *conn) matchResponse(p *rawPDU) {
	c.mu.Lock()
	pd := c.pending[p.hdr.Seq]
	if pd != nil && (pd.resp == p.hdr.ID || p.hdr.ID == pdu.GenericNACKID) {
		delete(c.pending, p.hdr.Seq)
	} else {
		pd = nil
	}
	c.mu.Unlock()
	if pd == nil {
		c.log.Debug("unmatched response dropped", "cmd", p.hdr.ID.String(), "seq", p.hdr.Seq)
		return
	}
	pd.ch <- response{id: p.hdr.ID, status: uint32(p.hdr.Status), body: p.body}
}

// writeLoop writes queued frames, responses first, each with a deadline.
func (c *conn) writeLoop() {
	var buf []byte
	for {
		var f outFrame
		select {
		case f = <-c.prio:
		default:
			select {
			case f = <-c.prio:
			case f = <-c.out:
			case <-c.closed:
				return
			}
		}
		// Frames already waiting go out in the same write: one system
		// call for many PDUs under load (profiled: the writes were the
		// session's largest cost at saturation).
		buf = append(buf[:0], f.b...)
	batch:
		for f.closeAfter == nil && len(buf) < maxWriteBatch {
			select {
			case f = <-c.prio:
			case f = <-c.out:
			default:
				break batch
			}
			buf = append(buf, f.b...)
		}
		_ = c.nc.SetWriteDeadline(time.Now().Add(c.s.cfg.WriteTimeout))
		if _, err := c.nc.Write(buf); err != nil {
			c.close(fmt.Errorf("%w: write: %w", ErrDisconnected, err))
			return
		}
		if f.closeAfter != nil {
			c.close(f.closeAfter)
			return
		}
		if cap(buf) > 4*maxWriteBatch {
			buf = nil // do not keep a huge buffer after a burst of long PDUs
		}
	}
}

// maxWriteBatch bounds the bytes of PDUs written at once.
const maxWriteBatch = 64 << 10

// readLoop reads PDUs and dispatches them until the connection ends. A
// read waits at most two enquire_link intervals plus a response timeout:
// our own enquire_link_resp arrives well within that on a live link.
func (c *conn) readLoop() {
	br := bufio.NewReader(c.nc)
	idle := 2*c.s.cfg.EnquireLink + c.s.cfg.ResponseTimeout
	for {
		_ = c.nc.SetReadDeadline(time.Now().Add(idle))
		p, err := readPDU(br)
		if err != nil {
			c.readFailed(err, idle)
			return
		}
		c.dispatch(p)
	}
}

// readFailed closes the connection after a read error. A PDU length that
// cannot be right is answered with generic_nack ESME_RINVCMDLEN first.
func (c *conn) readFailed(err error, idle time.Duration) {
	var fe *frameError
	var ne net.Error
	switch {
	case errors.As(err, &fe):
		c.log.Warn("SMSC sent an unframeable PDU, dropping the connection", "len", fe.length, "seq", fe.seq)
		select {
		case c.prio <- outFrame{b: frame(pdu.GenericNACKID, StatusInvCmdLen, fe.seq, nil), closeAfter: err}:
			t := time.NewTimer(c.s.cfg.WriteTimeout)
			select {
			case <-c.closed:
			case <-t.C:
			}
			t.Stop()
		default:
		}
		c.close(err)
	case errors.Is(err, io.EOF):
		c.close(fmt.Errorf("%w: SMSC closed the connection", ErrDisconnected))
	case errors.As(err, &ne) && ne.Timeout():
		c.close(fmt.Errorf("%w: nothing received for %s", ErrStalled, idle))
	default:
		c.close(fmt.Errorf("%w: read: %w", ErrDisconnected, err))
	}
}
