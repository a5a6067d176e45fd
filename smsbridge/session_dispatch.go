package smsbridge

import (
	"fmt"

	"github.com/fiorix/go-smpp/smpp/pdu"
)

// dispatch acts on one PDU from the SMSC. It runs on the reader and never
// blocks on anything but the writer's queue: a deliver_sm is handed to a
// worker goroutine, and requests of the SMSC are answered at once, whatever
// the state of the window and the TPS cap.
//
// Requests are told apart from responses by command id before any sequence
// number is looked at, so a deliver_sm whose sequence number equals an
// outstanding submit_sm's reaches the MOHandler and is answered.
func (c *conn) dispatch(p *rawPDU) {
	in := classify(p)
	switch in.kind {
	case inResponse:
		c.matchResponse(p)
	case inDeliver:
		c.handleDeliver(in.deliver)
	case inEnquireLink:
		c.reply(outFrame{b: frame(pdu.EnquireLinkRespID, StatusOK, p.hdr.Seq, nil)})
	case inUnbind:
		c.log.Info("SMSC sent unbind", "seq", p.hdr.Seq)
		c.s.setCur(nil)
		c.reply(outFrame{b: frame(pdu.UnbindRespID, StatusOK, p.hdr.Seq, nil), closeAfter: ErrUnbound})
	case inIgnore:
		c.log.Debug("PDU ignored", "cmd", p.hdr.ID.String(), "seq", p.hdr.Seq)
	case inReject:
		c.log.Warn("PDU rejected with generic_nack", "cmd", fmt.Sprintf("0x%08X", uint32(p.hdr.ID)),
			"seq", p.hdr.Seq, "status", StatusName(in.status), "err", in.err)
		c.reply(outFrame{b: frame(pdu.GenericNACKID, in.status, p.hdr.Seq, nil)})
	}
}

// handleDeliver runs the MOHandler for d on a worker goroutine and answers
// deliver_sm_resp with its status once it returns, on this connection only:
// if the connection is gone by then the answer is dropped and the SMSC
// delivers again. With all workers busy it answers ESME_RMSGQFUL at once.
func (c *conn) handleDeliver(d *Deliver) {
	s := c.s
	select {
	case s.moSlots <- struct{}{}:
	default:
		c.log.Warn("all MO workers busy, deliver_sm deferred with ESME_RMSGQFUL", "seq", d.Seq)
		c.reply(outFrame{b: frame(pdu.DeliverSMRespID, StatusMsgQueueFull, d.Seq, messageIDBody(""))})
		return
	}
	s.handlers.Add(1)
	go func() {
		defer s.handlers.Done()
		defer func() { <-s.moSlots }()
		status := s.handle(d)
		if c.isClosed() {
			c.log.Debug("deliver_sm_resp dropped, connection gone", "seq", d.Seq, "status", StatusName(status))
			return
		}
		c.reply(outFrame{b: frame(pdu.DeliverSMRespID, status, d.Seq, messageIDBody(""))})
	}()
}

// handle calls the MOHandler; a nil handler or a panic yields ESME_RSYSERR.
func (s *Session) handle(d *Deliver) (status uint32) {
	if s.h == nil {
		return StatusSysErr
	}
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("MOHandler panicked; deliver_sm answered ESME_RSYSERR", "seq", d.Seq, "panic", fmt.Sprint(r))
			status = StatusSysErr
		}
	}()
	return s.h.HandleDeliver(s.runCtx, d)
}
