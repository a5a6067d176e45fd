package smscsim

import (
	"context"
	"errors"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"

	"github.com/mpimis/mpimis/smsbridge"
)

// Receipt retry policy: a receipt answered with a temporary error is sent
// again after dlrRetryDelay; one that got no answer (session lost,
// timeout) is sent again on another receiving bind, or queued until one
// binds. Either way at most dlrMaxAttempts times.
const (
	dlrRetryDelay  = 500 * time.Millisecond
	dlrMaxAttempts = 5
)

// esmClassReceipt is the esm_class of an SMSC delivery receipt (message
// type bits 5-2 = 0001).
const esmClassReceipt byte = 0x04

// message_state values (SMPP 3.4 section 5.2.28).
const (
	stateDelivered     byte = 2
	stateUndeliverable byte = 5
)

// dlrJob is one delivery receipt to send.
type dlrJob struct {
	sess     *session // where the submit came from; preferred
	systemID string
	id       string // as submit_sm_resp gave it
	textID   string // as the receipt text prints it
	// Addresses of the receipt: from the submit's destination to its
	// source.
	srcTON, srcNPI byte
	source         string
	dstTON, dstNPI byte
	dest           string
	submitAt       time.Time
	excerpt        string // first 20 characters of the text
	mode           dlrMode
	attempts       int
}

func newDLRJob(s *session, rec *Submitted, n uint64, mode dlrMode) *dlrJob {
	return &dlrJob{
		sess:     s,
		systemID: rec.SystemID,
		id:       rec.MessageID,
		textID:   s.srv.ids.dlrText(rec.MessageID, n),
		srcTON:   rec.DestTON, srcNPI: rec.DestNPI, source: rec.Dest,
		dstTON: rec.SourceTON, dstNPI: rec.SourceNPI, dest: rec.Source,
		submitAt: rec.At,
		excerpt:  receiptExcerpt(rec.Text),
		mode:     mode,
	}
}

// receiptExcerpt returns the first 20 characters of text for the "text:"
// field. The receipt travels with data_coding 0, which ESMEs read as
// ASCII or as GSM 03.38: characters that are not the same in both become
// '?', so either reading shows the same thing.
func receiptExcerpt(text string) string {
	out := make([]byte, 0, 20)
	for _, r := range text {
		if len(out) == 20 {
			break
		}
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '%' && r <= '?', r >= ' ' && r <= '#':
			out = append(out, byte(r))
		default:
			out = append(out, '?')
		}
	}
	return string(out)
}

// appendReceiptText appends the Appendix B receipt text.
func appendReceiptText(b []byte, j *dlrJob, done time.Time) []byte {
	stat, dlvrd, errCode := "DELIVRD", "001", "000"
	if j.mode.outcome == dlrUndeliverable {
		stat, dlvrd, errCode = "UNDELIV", "000", "001"
	}
	b = append(b, "id:"...)
	b = append(b, j.textID...)
	b = append(b, " sub:001 dlvrd:"...)
	b = append(b, dlvrd...)
	b = append(b, " submit date:"...)
	b = j.submitAt.UTC().AppendFormat(b, "0601021504")
	b = append(b, " done date:"...)
	b = done.UTC().AppendFormat(b, "0601021504")
	b = append(b, " stat:"...)
	b = append(b, stat...)
	b = append(b, " err:"...)
	b = append(b, errCode...)
	b = append(b, " text:"...)
	b = append(b, j.excerpt...)
	return b
}

// encodeDLR writes the receipt's deliver_sm.
func encodeDLR(e *encoder, seq uint32, j *dlrJob, done time.Time) {
	var text []byte
	if j.mode.text {
		text = appendReceiptText(make([]byte, 0, 160), j, done)
		if len(text) > 255 {
			text = text[:255]
		}
	}
	e.start(pdu.DeliverSMID, smsbridge.StatusOK, seq)
	e.cstring("") // service_type
	e.u8(j.srcTON)
	e.u8(j.srcNPI)
	e.cstring(j.source)
	e.u8(j.dstTON)
	e.u8(j.dstNPI)
	e.cstring(j.dest)
	e.u8(esmClassReceipt)
	e.u8(0)       // protocol_id
	e.u8(0)       // priority_flag
	e.cstring("") // schedule_delivery_time
	e.cstring("") // validity_period
	e.u8(0)       // registered_delivery
	e.u8(0)       // replace_if_present_flag
	e.u8(0)       // data_coding: SMSC default alphabet
	e.u8(0)       // sm_default_msg_id
	e.u8(byte(len(text)))
	e.octets(text)
	if j.mode.tlv {
		state := stateDelivered
		if j.mode.outcome == dlrUndeliverable {
			state = stateUndeliverable
		}
		e.tlv(smsbridge.TagReceiptedMessageID, append([]byte(j.id), 0))
		e.tlv(smsbridge.TagMessageState, []byte{state})
	}
}

// scheduleDLR sends j after Config.DLRDelay.
func (s *Server) scheduleDLR(j *dlrJob) {
	if s.cfg.DLRDelay <= 0 {
		s.spawnDLR(j)
		return
	}
	s.after(s.cfg.DLRDelay, func() { s.sendDLR(j) })
}

// spawnDLR sends j on its own goroutine.
func (s *Server) spawnDLR(j *dlrJob) {
	if !s.startTask() {
		return
	}
	go func() {
		defer s.tasks.Done()
		s.sendDLR(j)
	}()
}

// sendDLR sends one receipt and waits for its response: on the session the
// submit came from if it can still receive, else on the first receiving
// bind with the same system_id; with none, the receipt waits in
// s.dlrQueue until one binds.
func (s *Server) sendDLR(j *dlrJob) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	sess := j.sess
	if _, alive := s.sessions[sess]; !alive || !sess.canReceive() {
		sess = nil
		if rs := s.receiversLocked(j.systemID); len(rs) > 0 {
			sess = rs[0]
		}
	}
	if sess == nil {
		s.dlrQueue[j.systemID] = append(s.dlrQueue[j.systemID], j)
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()

	j.attempts++
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.RespTimeout)
	status, err := sess.request(ctx, 0, pdu.DeliverSMRespID, func(e *encoder, seq uint32) {
		encodeDLR(e, seq, j, time.Now())
	})
	cancel()
	switch {
	case err == nil && status == smsbridge.StatusOK:
		s.st.dlrsSent.Add(1)
	case j.attempts >= dlrMaxAttempts:
		sess.log.Debug("smscsim: receipt given up", "message_id", j.id, "status", status, "err", err)
	case err == nil && temporary(status):
		s.after(dlrRetryDelay, func() { s.sendDLR(j) })
	case err == nil:
		s.st.dlrsSent.Add(1) // refused for good: the ESME saw it
		sess.log.Debug("smscsim: receipt refused", "message_id", j.id, "status", status)
	case errors.Is(err, ErrSessionClosed), errors.Is(err, context.DeadlineExceeded):
		j.sess = nil
		s.sendDLR(j)
	default:
		sess.log.Debug("smscsim: receipt", "message_id", j.id, "err", err)
	}
}

// temporary reports whether a deliver_sm_resp status asks to try again.
func temporary(status uint32) bool {
	switch status {
	case smsbridge.StatusTempAppError, smsbridge.StatusThrottled, smsbridge.StatusMsgQueueFull, smsbridge.StatusSysErr:
		return true
	}
	return false
}
