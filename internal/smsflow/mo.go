package smsflow

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/relay"
	"github.com/mpimis/mpimis/smsbridge"
	"github.com/mpimis/mpimis/store"
)

// HandleDeliver implements smsbridge.MOHandler: it answers 0 only once the
// MO (or its part) is in the store; a delivery report is matched and its
// outcome passed on.
func (f *Flow) HandleDeliver(ctx context.Context, d *smsbridge.Deliver) uint32 {
	if smsbridge.IsDeliveryReceipt(d.ESMClass) || smsbridge.IsIntermediateNotification(d.ESMClass) {
		return f.handleDLR(ctx, d)
	}
	return f.handleMO(ctx, d)
}

func (f *Flow) handleMO(ctx context.Context, d *smsbridge.Deliver) uint32 {
	if _, err := ident.ParsePhone(d.Source, ""); err != nil {
		// Nobody could ever answer it: refuse for good rather than retry.
		f.log.Warn("MO from an address that is not a phone number refused", "err", err)
		return smsbridge.StatusPermAppError
	}
	payload, concat, err := splitMO(d)
	if err != nil {
		f.log.Warn("malformed MO refused", "err", err)
		return smsbridge.StatusPermAppError
	}
	now := time.Now()
	if concat != nil {
		res, err := f.st.AddMOPart(ctx, store.MOPart{
			Source: d.Source, Dest: d.Dest, Ref: concat.Ref, Total: concat.Total, Seq: concat.Seq,
			DataCoding: d.DataCoding, Payload: payload,
		}, now)
		switch {
		case errors.Is(err, store.ErrTooManyParts):
			f.log.Warn("too many incomplete long MO messages; SMSC asked to retry")
			return smsbridge.StatusMsgQueueFull
		case err != nil:
			f.log.Error("storing MO part", "err", err)
			return smsbridge.StatusSysErr
		}
		if res.Completed != 0 {
			f.mo.queued()
			kick(f.moWake)
		}
		return smsbridge.StatusOK
	}
	m := &store.MO{Source: d.Source, Dest: d.Dest, DataCoding: d.DataCoding, Payload: payload, Parts: 1}
	err = f.admit(f.mo, f.moWake, func(until time.Time) error {
		var err error
		if until.IsZero() {
			_, err = f.st.EnqueueMO(ctx, m)
		} else {
			_, err = f.st.EnqueueMOLeased(ctx, m, until)
		}
		return err
	}, func(context.Context) { f.moWork.Put(m.Source, false, m) })
	if err != nil {
		f.log.Error("storing MO", "err", err)
		return smsbridge.StatusSysErr
	}
	return smsbridge.StatusOK
}

// splitMO returns the data of an MO without any UDH, and its concatenation
// part if it is one part of a long message (UDH, or SAR TLVs). A
// message_payload TLV carries a whole message.
func splitMO(d *smsbridge.Deliver) ([]byte, *smsbridge.Concat, error) {
	data := d.ShortMessage
	if p, ok := d.TLVs[smsbridge.TagMessagePayload]; ok && len(data) == 0 {
		data = p
	}
	var concat *smsbridge.Concat
	if d.ESMClass&smsbridge.ESMClassUDHI != 0 {
		_, payload, c, err := smsbridge.ParseUDH(data)
		if err != nil {
			return nil, nil, err
		}
		data, concat = payload, c
	}
	if concat == nil {
		ref, okR := d.TLVs[smsbridge.TagSARMsgRefNum]
		tot, okT := d.TLVs[smsbridge.TagSARTotalSegments]
		seq, okS := d.TLVs[smsbridge.TagSARSegmentSeqnum]
		if okR && okT && okS {
			if len(ref) != 2 || len(tot) != 1 || len(seq) != 1 {
				return nil, nil, errors.New("smsflow: malformed sar_* TLVs")
			}
			c := smsbridge.Concat{Ref: binary.BigEndian.Uint16(ref), Total: tot[0], Seq: seq[0], Ref16: true}
			if err := c.Validate(); err != nil {
				return nil, nil, err
			}
			concat = &c
		}
	}
	if concat != nil && concat.Total == 1 {
		concat = nil // a "long" message of one part is a plain one
	}
	return data, concat, nil
}

// moLanes is the number of MO worker goroutines; the messages of one
// phone go through one of them, in order.
const moLanes = 32

// runMO leases stored MO messages and hands them to the MO workers, at
// most MOConcurrency at a time (counting those handed over directly by
// handleMO).
func (f *Flow) runMO(ctx context.Context) {
	leaseLoop(ctx, f, f.mo, f.moWake, "MO", f.st.LeaseMO, func(_ context.Context, m *store.MO) {
		f.moWork.Put(m.Source, false, m)
	})
}

// workMO hands m to the relay on a slot of f.mo and the work of f.run,
// and gives both back.
func (f *Flow) workMO(ctx context.Context, m *store.MO) {
	if f.deliverMO(ctx, m) {
		return // the settler gives both back
	}
	f.finished(f.mo, f.moWake)
}

// deliverMO hands m to the relay. It reports whether m went to the
// settler, which then finishes it.
func (f *Flow) deliverMO(ctx context.Context, m *store.MO) bool {
	log := f.log.With("mo", m.ID)
	wctx := context.WithoutCancel(ctx)
	phone, err := ident.ParsePhone(m.Source, "")
	if err != nil { // stored before validation existed: nothing to do with it
		log.Warn("MO from an unusable address dropped", "err", err)
		_ = f.st.DoneMO(wctx, m.ID)
		return false
	}
	text, err := smsbridge.DecodeShortMessage(m.DataCoding, m.Payload, f.cfg.MOCharset)
	if err != nil {
		log.Warn("MO cannot be decoded; passed on as a notice", "err", err)
		text = "[message in an unsupported encoding]"
	}
	if len(m.Missing) > 0 {
		text += missingMarker(m.Missing, m.Parts)
	}
	if f.relay == nil {
		return false
	}
	// The relay calls settle when it relayed m to XMPP: m is then done
	// once the server confirms (see settle.go).
	var record func(*store.Tx) error
	adopted := false
	settle := func(r func(*store.Tx) error) { record, adopted = r, true }
	err = f.relay.FromSMS(ctx, relay.SMSMessage{ID: m.ID, From: phone, Text: text, Incomplete: len(m.Missing) > 0,
		ReceivedAt: m.ReceivedAt, Settle: settle})
	if err != nil {
		if ctx.Err() != nil {
			return false
		}
		at := time.Now().Add(f.retryDelay(m.Attempts))
		log.Warn("relay could not take MO, will retry", "err", err, "at", at.Format(time.RFC3339))
		if rerr := f.st.RetryMO(wctx, m.ID, at); rerr != nil {
			log.Error("scheduling MO retry", "err", rerr)
		}
		return false
	}
	if adopted {
		f.settles <- settleJob{m: m, record: record}
		return true
	}
	if err := f.st.DoneMO(wctx, m.ID); err != nil {
		log.Error("marking MO done", "err", err)
	}
	return false
}

// missingMarker says which parts of a long SMS never arrived.
func missingMarker(missing []int, parts int) string {
	s := make([]string, len(missing))
	for i, n := range missing {
		s[i] = fmt.Sprint(n)
	}
	return fmt.Sprintf(" [part %s of %d missing]", strings.Join(s, ","), parts)
}

// runExpiry delivers long MO messages whose missing parts never came.
func (f *Flow) runExpiry(ctx context.Context) {
	every := f.cfg.ReassemblyTimeout / 10
	if every < time.Second {
		every = time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ids, err := f.st.ExpireMOParts(ctx, time.Now().Add(-f.cfg.ReassemblyTimeout))
		if err != nil {
			if ctx.Err() == nil {
				f.log.Error("expiring MO parts", "err", err)
			}
			continue
		}
		if len(ids) > 0 {
			f.log.Info("incomplete long MO delivered after timeout", "count", len(ids))
			f.mo.queued()
			kick(f.moWake)
		}
	}
}
