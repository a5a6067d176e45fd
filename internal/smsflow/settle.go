package smsflow

import (
	"context"
	"time"

	"github.com/mpimis/mpimis/internal/batch"
	"github.com/mpimis/mpimis/store"
)

// Settling MOs relayed to XMPP. XEP-0114 has no acknowledgements: an MO
// is marked done only once the XMPP server has confirmed it took the
// relayed message (a round trip through the link, Flusher). Waiting for
// that on the MO worker would hold each phone's next message for a round
// trip through a possibly busy server; instead the worker hands the MO
// here and goes on, and the settler confirms many MOs with one round trip
// and marks them done, with what the relay recorded about them, in one
// transaction. Until then the MO keeps its worker slot and its lease: if
// the process dies, the lease runs out and the MO is relayed again with
// the same stanza id.

// Flusher is what the flow needs from the XMPP side to settle MOs.
type Flusher interface {
	// Flush returns once the XMPP server has taken everything sent before.
	Flush(ctx context.Context) error
}

// SetFlusher sets the XMPP side that confirms relayed MOs (before Run).
// Without one, MOs are settled without confirmation.
func (f *Flow) SetFlusher(x Flusher) { f.flusher = x }

// settleJob is an MO waiting for confirmation.
type settleJob struct {
	m      *store.MO
	record func(*store.Tx) error // what the relay records with the MO's end
}

// settleTimeout bounds a confirmation round trip and its transaction.
const settleTimeout = 30 * time.Second

// runSettler settles queued jobs until the channel is closed.
func (f *Flow) runSettler() {
	batch.Run(f.settles, cap(f.settles), f.settle)
}

// settle confirms a batch and marks its MOs done, or gives them back for
// a retry; either way their slots and work are released.
func (f *Flow) settle(jobs []settleJob) {
	defer func() {
		for range jobs {
			f.finished(f.mo, f.moWake)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), settleTimeout)
	defer cancel()
	var err error
	if f.flusher != nil {
		err = f.flusher.Flush(ctx)
	}
	if err == nil {
		err = f.st.WriteTx(ctx, func(tx *store.Tx) error {
			for _, j := range jobs {
				if j.record != nil {
					if err := j.record(tx); err != nil {
						return err
					}
				}
				if err := tx.DoneMO(ctx, j.m.ID); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err == nil {
		return
	}
	for _, j := range jobs {
		at := time.Now().Add(f.retryDelay(j.m.Attempts))
		f.log.Warn("relayed MO not confirmed by the XMPP server, will relay again", "mo", j.m.ID, "err", err,
			"at", at.Format(time.RFC3339))
		if rerr := f.st.RetryMO(ctx, j.m.ID, at); rerr != nil {
			f.log.Error("scheduling MO retry", "mo", j.m.ID, "err", rerr)
		}
	}
}
