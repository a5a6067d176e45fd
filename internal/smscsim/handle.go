package smscsim

import (
	"bytes"
	"context"
	"encoding/binary"
	"log/slog"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"

	"github.com/mpimis/mpimis/smsbridge"
)

// interfaceVersion is SMPP 3.4, announced in sc_interface_version.
const interfaceVersion = 0x34

// dispatch handles one PDU read from the ESME, on the reader goroutine.
func (s *session) dispatch(h header, body []byte) {
	if s.log.Enabled(context.Background(), slog.LevelDebug) {
		s.log.Debug("smscsim: received", "command", h.id.String(), "command_id", uint32(h.id),
			"status", h.status, "seq", h.seq, "length", h.length)
	}
	switch h.id {
	case pdu.SubmitSMID:
		s.handleSubmit(h, body)
	case pdu.BindTransceiverID, pdu.BindTransmitterID, pdu.BindReceiverID:
		s.handleBind(h, body)
	case pdu.EnquireLinkID:
		s.srv.st.enquireRecv.Add(1)
		s.sendEmpty(pdu.EnquireLinkRespID, smsbridge.StatusOK, h.seq, false)
	case pdu.UnbindID:
		s.log.Debug("smscsim: unbind from ESME", "seq", h.seq)
		s.sendEmpty(pdu.UnbindRespID, smsbridge.StatusOK, h.seq, true)
	default:
		if h.isResp() {
			s.handleResp(h)
			return
		}
		s.log.Debug("smscsim: unsupported command", "command_id", uint32(h.id), "seq", h.seq)
		s.srv.st.genericNack.Add(1)
		s.sendEmpty(pdu.GenericNACKID, smsbridge.StatusInvCmdID, h.seq, false)
	}
}

func (s *session) handleBind(h header, body []byte) {
	respID := h.id | 0x80000000
	kind := map[pdu.ID]bindKind{pdu.BindTransmitterID: boundTX, pdu.BindReceiverID: boundRX, pdu.BindTransceiverID: boundTRX}[h.id]
	b, err := decodeBind(body)
	status := smsbridge.StatusOK
	var queued []*dlrJob
	srv := s.srv
	srv.mu.Lock()
	switch {
	case err != nil:
		status = smsbridge.StatusBindFail
	case s.kind != unbound:
		status = smsbridge.StatusAlreadyBound
	case srv.cfg.SystemID != "" && b.systemID != srv.cfg.SystemID:
		status = smsbridge.StatusInvSystemID
	case srv.cfg.Password != "" && b.password != srv.cfg.Password:
		status = smsbridge.StatusInvPassword
	default:
		s.kind, s.systemID = kind, b.systemID
		srv.binds++
		srv.bindBell.ring()
		if s.canReceive() {
			queued = srv.dlrQueue[b.systemID]
			delete(srv.dlrQueue, b.systemID)
		}
	}
	srv.mu.Unlock()
	if status != smsbridge.StatusOK {
		srv.st.bindsRefused.Add(1)
		s.log.Info("smscsim: bind refused", "kind", kind.String(), "system_id", b.systemID, "status", status, "err", err)
		s.sendMsgID(respID, status, h.seq, "")
		return
	}
	s.log.Info("smscsim: bound", "kind", kind.String(), "system_id", b.systemID, "remote", s.conn.RemoteAddr().String())
	s.sendMsgID(respID, smsbridge.StatusOK, h.seq, srv.cfg.SMSCSystemID, TLV{Tag: smsbridge.TagSCInterfaceVersion, Value: []byte{interfaceVersion}})
	for _, j := range queued {
		j.sess = s
		srv.spawnDLR(j)
	}
}

func (s *session) handleSubmit(h header, body []byte) {
	srv := s.srv
	srv.st.submits.Add(1)
	if s.kind != boundTX && s.kind != boundTRX {
		srv.st.rejected.Add(1)
		s.sendMsgID(pdu.SubmitSMRespID, smsbridge.StatusInvBindStatus, h.seq, "")
		return
	}
	sm, err := decodeSM(body)
	if err != nil {
		s.log.Debug("smscsim: bad submit_sm", "seq", h.seq, "err", err)
		srv.st.rejected.Add(1)
		s.sendMsgID(pdu.SubmitSMRespID, smsbridge.StatusInvMsgLen, h.seq, "")
		return
	}
	v := srv.ctl.decide()
	rec := newSubmitted(sm, h.seq)
	rec.Session, rec.SystemID, rec.Status, rec.Dropped = s.num, s.systemID, v.status, v.drop
	var job *dlrJob
	if v.status == smsbridge.StatusOK {
		var n uint64
		rec.MessageID, n = srv.ids.newID()
		if !v.drop && v.dlr.wants(sm.registeredDelivery) {
			job = newDLRJob(s, &rec, n, v.dlr)
			srv.st.dlrsPlanned.Add(1)
		}
	}
	if s.log.Enabled(context.Background(), slog.LevelDebug) {
		s.log.Debug("smscsim: submit_sm", "seq", h.seq, "source", rec.Source, "dest", rec.Dest,
			"data_coding", rec.DataCoding, "esm_class", rec.ESMClass, "text", rec.Text,
			"status", rec.Status, "dropped", rec.Dropped, "message_id", rec.MessageID)
	}
	srv.rec.add(rec)
	switch {
	case v.drop:
		srv.st.dropped.Add(1)
		return
	case v.status == smsbridge.StatusOK:
		srv.st.accepted.Add(1)
	default:
		srv.st.rejected.Add(1)
	}
	if v.delay <= 0 {
		s.answerSubmit(h.seq, v.status, rec.MessageID, job)
		return
	}
	srv.after(v.delay, func() { s.answerSubmit(h.seq, v.status, rec.MessageID, job) })
}

// answerSubmit sends submit_sm_resp and, once it is queued, schedules the
// receipt.
func (s *session) answerSubmit(seq, status uint32, id string, job *dlrJob) {
	if !s.sendMsgID(pdu.SubmitSMRespID, status, seq, id) || job == nil {
		return
	}
	s.srv.scheduleDLR(job)
}

// newSubmitted copies a decoded submit_sm into a record and decodes its
// text and concatenation information. Problems decoding the text are
// noted in DecodeErr; the submit is still accepted, as an SMSC would.
func newSubmitted(sm *smBody, seq uint32) Submitted {
	rec := Submitted{
		At:                   time.Now(),
		Seq:                  seq,
		ServiceType:          sm.serviceType,
		SourceTON:            sm.srcTON,
		SourceNPI:            sm.srcNPI,
		Source:               sm.source,
		DestTON:              sm.dstTON,
		DestNPI:              sm.dstNPI,
		Dest:                 sm.dest,
		ESMClass:             sm.esmClass,
		ProtocolID:           sm.protocolID,
		PriorityFlag:         sm.priority,
		RegisteredDelivery:   sm.registeredDelivery,
		DataCoding:           sm.dataCoding,
		ScheduleDeliveryTime: sm.schedule,
		ValidityPeriod:       sm.validity,
		ShortMessage:         bytes.Clone(sm.shortMessage),
	}
	if len(sm.tlvs) > 0 {
		rec.TLVs = make(map[uint16][]byte, len(sm.tlvs))
		for tag, f := range sm.tlvs {
			rec.TLVs[uint16(tag)] = bytes.Clone(f.Bytes())
		}
	}
	payload := rec.ShortMessage
	if p, ok := rec.TLVs[smsbridge.TagMessagePayload]; ok && len(payload) == 0 {
		payload = p
	}
	if rec.ESMClass&smsbridge.ESMClassUDHI != 0 {
		_, rest, c, err := smsbridge.ParseUDH(payload)
		if err != nil {
			rec.DecodeErr = err.Error()
			return rec
		}
		payload, rec.Concat = rest, c
	}
	if rec.Concat == nil {
		rec.Concat = sarConcat(rec.TLVs)
	}
	text, err := smsbridge.DecodeShortMessage(rec.DataCoding, payload, smsbridge.MOCharsetGSM)
	if err != nil {
		rec.DecodeErr = err.Error()
	}
	rec.Text = text
	return rec
}

// sarConcat reads the sar_msg_ref_num, sar_total_segments and
// sar_segment_seqnum TLVs; nil unless all three are present, well sized
// and consistent.
func sarConcat(tlvs map[uint16][]byte) *smsbridge.Concat {
	ref, ok1 := tlvs[smsbridge.TagSARMsgRefNum]
	total, ok2 := tlvs[smsbridge.TagSARTotalSegments]
	seq, ok3 := tlvs[smsbridge.TagSARSegmentSeqnum]
	if !ok1 || !ok2 || !ok3 || len(ref) != 2 || len(total) != 1 || len(seq) != 1 {
		return nil
	}
	c := smsbridge.Concat{Ref: binary.BigEndian.Uint16(ref), Total: total[0], Seq: seq[0], Ref16: true}
	if c.Validate() != nil {
		return nil
	}
	return &c
}
