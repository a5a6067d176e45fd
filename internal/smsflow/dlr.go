package smsflow

import (
	"context"
	"errors"
	"time"

	"github.com/mpimis/mpimis/relay"
	"github.com/mpimis/mpimis/smsbridge"
	"github.com/mpimis/mpimis/store"
)

// handleDLR matches a delivery report to its MT part. Reports are always
// acknowledged unless the store fails (then the SMSC retries): an unknown
// or malformed report cannot become useful by being sent again.
func (f *Flow) handleDLR(ctx context.Context, d *smsbridge.Deliver) uint32 {
	dlr, err := parseDLR(d)
	if err != nil {
		f.log.Warn("unreadable delivery report acknowledged and dropped", "err", err)
		return smsbridge.StatusOK
	}
	out, err := f.recordDLR(ctx, dlr)
	switch {
	case errors.Is(err, store.ErrNotFound):
		f.log.Debug("delivery report for an unknown message", "stat", dlr.Stat)
		return smsbridge.StatusOK
	case err != nil:
		f.log.Error("recording delivery report", "err", err)
		return smsbridge.StatusSysErr
	}
	if out.FirstTime && dlr.Final() {
		f.observeReport(out.MT.ID, out.Seq, dlr.Stat)
	}
	switch {
	case out.AllDelivered:
		f.report(ctx, relay.DeliveryReport{Meta: meta(&out.MT), Delivered: true})
	case out.Failed:
		f.report(ctx, relay.DeliveryReport{Meta: meta(&out.MT), Reason: "not delivered (" + dlr.Stat + ")"})
	}
	return smsbridge.StatusOK
}

// dlrOvertakeWait is how long a report that matches no part waits for the
// submits in flight to be recorded: a fast SMSC's report can arrive
// before the submit_sm_resp it follows has been written to the store.
const dlrOvertakeWait = 2 * time.Second

// recordDLR records the report, waiting (briefly) for in-flight submits
// to be recorded when it matches nothing yet.
func (f *Flow) recordDLR(ctx context.Context, dlr *smsbridge.DLR) (*store.DLROutcome, error) {
	deadline := time.Now().Add(dlrOvertakeWait)
	cands := smsbridge.MessageIDCandidates(dlr.ID)
	for {
		ch := f.recorded.Changed()
		out, err := f.st.RecordDLR(ctx, cands, dlr.Stat, dlr.Final())
		if !errors.Is(err, store.ErrNotFound) || f.inflight.Load() <= 0 || !time.Now().Before(deadline) {
			return out, err
		}
		t := time.NewTimer(time.Until(deadline))
		select {
		case <-ch:
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return out, err
		}
		t.Stop()
	}
}

// parseDLR reads a report from its TLVs when present, else from the
// Appendix B text.
func parseDLR(d *smsbridge.Deliver) (*smsbridge.DLR, error) {
	rid, okID := d.TLVs[smsbridge.TagReceiptedMessageID]
	st, okSt := d.TLVs[smsbridge.TagMessageState]
	if okID && okSt && len(st) == 1 {
		return smsbridge.DLRFromTLVs(rid, st[0], d.ShortMessage)
	}
	return smsbridge.ParseDLRText(d.ShortMessage)
}
