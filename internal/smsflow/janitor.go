package smsflow

import (
	"context"
	"time"
)

// Retention defaults: finished messages are kept a week (a delivery
// report later than that is not expected), daily send counts two days.
const (
	DefaultRetention   = 7 * 24 * time.Hour
	defaultJanitorTick = time.Hour
)

// runJanitor prunes, every JanitorEvery, the MT and MO messages finished
// longer ago than Retention and the per-day send counters of days before
// yesterday, so the store does not grow for ever.
func (f *Flow) runJanitor(ctx context.Context) {
	t := time.NewTicker(f.cfg.JanitorEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		f.prune(ctx, time.Now())
	}
}

// prune runs one janitor pass at now.
func (f *Flow) prune(ctx context.Context, now time.Time) {
	before := now.Add(-f.cfg.Retention)
	mt, err := f.st.PruneMT(ctx, before)
	if err != nil && ctx.Err() == nil {
		f.log.Error("pruning MT messages", "err", err)
	}
	mo, err := f.st.PruneMO(ctx, before)
	if err != nil && ctx.Err() == nil {
		f.log.Error("pruning MO messages", "err", err)
	}
	days, err := f.st.PruneSent(ctx, now.UTC().AddDate(0, 0, -1).Format("2006-01-02"))
	if err != nil && ctx.Err() == nil {
		f.log.Error("pruning daily send counts", "err", err)
	}
	if mt+mo+days > 0 {
		f.log.Info("pruned finished messages", "mt", mt, "mo", mo, "daily_counts", days)
	}
}
