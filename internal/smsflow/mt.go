package smsflow

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mpimis/mpimis/relay"
	"github.com/mpimis/mpimis/smsbridge"
	"github.com/mpimis/mpimis/store"
)

// idlePoll bounds how long the MT and MO workers sleep when nothing
// woke them: messages scheduled for a retry become due on their own.
const idlePoll = time.Second

// runMT leases due MT messages and submits them, at most Concurrency at a
// time (counting those handed over directly by Send); parts of one
// message go in order.
func (f *Flow) runMT(ctx context.Context) {
	leaseLoop(ctx, f, f.mt, f.mtWake, "MT", f.st.LeaseMT, func(wctx context.Context, m *store.MT) {
		go f.workMT(wctx, m)
	})
}

// workMT submits m on a slot of f.mt and the work of f.run, and gives both
// back.
func (f *Flow) workMT(ctx context.Context, m *store.MT) {
	defer f.finished(f.mt, f.mtWake)
	f.submitMT(ctx, m)
}

// submitMT sends the parts of m the SMSC has not accepted yet.
func (f *Flow) submitMT(ctx context.Context, m *store.MT) {
	log := f.log.With("mt", m.ID)
	enc, err := smsbridge.Encode(m.Text, f.cfg.LongMode, m.Ref, f.cfg.MaxSegments)
	if err != nil {
		f.giveUp(ctx, m, fmt.Sprintf("cannot encode: %v", err))
		return
	}
	parts := len(enc.Segments)
	for i, seg := range enc.Segments {
		seq := i + 1
		if slices.Contains(m.Sent, seq) {
			continue
		}
		f.inflight.Add(1)
		start := time.Now()
		id, err := f.sub.Submit(ctx, f.submitPDU(m, enc, seg))
		if ctx.Err() == nil {
			f.observeSubmit(start, err)
		}
		if err != nil {
			f.doneRecording()
			var se *smsbridge.SubmitError
			if errors.As(err, &se) && !se.Temporary {
				f.giveUp(ctx, m, "SMSC refused the message: "+smsbridge.StatusText(se.Status))
				return
			}
			if ctx.Err() != nil {
				return // shutting down: the lease expires and the message is taken again
			}
			at := time.Now().Add(f.retryDelay(m.Attempts))
			log.Info("MT submit failed, will retry", "part", seq, "attempt", m.Attempts, "err", err, "at", at.Format(time.RFC3339))
			if rerr := f.st.RetryMT(context.WithoutCancel(ctx), m.ID, at, err.Error()); rerr != nil {
				log.Error("scheduling MT retry", "err", rerr)
			}
			return
		}
		f.noteAccepted(m.ID, seq, time.Now())
		err = f.st.MTPartSent(context.WithoutCancel(ctx), m.ID, seq, parts, smsbridge.MessageIDCandidates(id))
		f.doneRecording()
		if err != nil {
			log.Error("recording submitted part", "part", seq, "err", err)
			return
		}
		log.Debug("MT part accepted", "part", seq, "of", parts)
	}
}

// doneRecording ends one in-flight submit and wakes delivery reports
// waiting for it.
func (f *Flow) doneRecording() {
	f.inflight.Add(-1)
	f.recorded.Update(func(n *uint64) { *n++ })
}

// submitPDU builds the submit_sm of one segment.
func (f *Flow) submitPDU(m *store.MT, enc *smsbridge.Encoded, seg smsbridge.Segment) *smsbridge.Submit {
	s := &smsbridge.Submit{
		Source:     f.cfg.SourceAddr,
		SourceTON:  f.cfg.SourceTON,
		SourceNPI:  f.cfg.SourceNPI,
		Dest:       strings.TrimPrefix(m.Dest, "+"),
		DestTON:    f.cfg.DestTON,
		DestNPI:    f.cfg.DestNPI,
		DataCoding: enc.DataCoding,
	}
	if f.cfg.DeliveryReceipts {
		s.RegisteredDelivery = 1 // final delivery report, success or failure
	}
	if seg.ESMClassUDHI {
		s.ESMClass |= smsbridge.ESMClassUDHI
	}
	switch {
	case seg.Payload:
		s.TLVs = map[uint16][]byte{smsbridge.TagMessagePayload: seg.ShortMessage}
	default:
		s.ShortMessage = seg.ShortMessage
	}
	if seg.SAR != nil {
		if s.TLVs == nil {
			s.TLVs = map[uint16][]byte{}
		}
		ref := make([]byte, 2)
		binary.BigEndian.PutUint16(ref, seg.SAR.Ref)
		s.TLVs[smsbridge.TagSARMsgRefNum] = ref
		s.TLVs[smsbridge.TagSARTotalSegments] = []byte{seg.SAR.Total}
		s.TLVs[smsbridge.TagSARSegmentSeqnum] = []byte{seg.SAR.Seq}
	}
	return s
}

// giveUp fails m for good and tells the relay.
func (f *Flow) giveUp(ctx context.Context, m *store.MT, reason string) {
	ctx = context.WithoutCancel(ctx)
	failed, err := f.st.FailMT(ctx, m.ID, reason)
	if err != nil {
		f.log.Error("failing MT", "mt", m.ID, "err", err)
		return
	}
	f.log.Info("MT given up", "mt", m.ID, "reason", reason)
	f.report(ctx, relay.DeliveryReport{Meta: meta(failed), Reason: reason})
}

// report hands an outcome to the relay.
func (f *Flow) report(ctx context.Context, r relay.DeliveryReport) {
	if f.relay == nil {
		return
	}
	if err := f.relay.Report(ctx, r); err != nil {
		f.log.Warn("delivery outcome not passed on", "err", err)
	}
}
