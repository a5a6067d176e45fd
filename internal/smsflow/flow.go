package smsflow

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/internal/lanes"
	"github.com/mpimis/mpimis/internal/watch"
	"github.com/mpimis/mpimis/relay"
	"github.com/mpimis/mpimis/smsbridge"
	"github.com/mpimis/mpimis/store"
)

// Config is what the flow needs from the configuration.
type Config struct {
	SourceAddr         string
	SourceTON          byte
	SourceNPI          byte
	DestTON            byte
	DestNPI            byte
	DeliveryReceipts   bool
	LongMode           smsbridge.LongMode
	MaxSegments        int
	MOCharset          smsbridge.MOCharset
	Concurrency        int           // MT messages submitted at once (default 10: the SMPP window)
	MOConcurrency      int           // MO messages in hand at once, relayed in order per phone (default 256)
	Lease              time.Duration // how long a worker owns a leased message (default 2m)
	ReassemblyTimeout  time.Duration // a long MO missing parts is delivered after this (default 10m)
	RetryMin, RetryMax time.Duration // transient failure backoff (default 2s .. 5m)
	Retention          time.Duration // finished messages are pruned after this (default 7 days)
	JanitorEvery       time.Duration // how often to prune (default 1h)
	Logger             *slog.Logger
	// Observer, if not nil, is told how submits and delivery reports went
	// (for metrics); see Observer.
	Observer Observer
}

func (c *Config) setDefaults() {
	if c.Concurrency <= 0 {
		c.Concurrency = 10
	}
	if c.MOConcurrency <= 0 {
		c.MOConcurrency = 256
	}
	if c.Lease <= 0 {
		c.Lease = 2 * time.Minute
	}
	if c.ReassemblyTimeout <= 0 {
		c.ReassemblyTimeout = 10 * time.Minute
	}
	if c.RetryMin <= 0 {
		c.RetryMin = 2 * time.Second
	}
	if c.RetryMax <= 0 {
		c.RetryMax = 5 * time.Minute
	}
	if c.Retention <= 0 {
		c.Retention = DefaultRetention
	}
	if c.JanitorEvery <= 0 {
		c.JanitorEvery = defaultJanitorTick
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Submitter is the part of the SMPP session the flow submits through.
type Submitter interface {
	Submit(ctx context.Context, m *smsbridge.Submit) (string, error)
}

// Flow connects the session, the store and the relay. Create it with New,
// give it the relay with SetRelay, pass it to the session as its
// MOHandler and to the relay as its SMS, then Run it.
type Flow struct {
	cfg   Config
	log   *slog.Logger
	st    *store.Store
	sub   Submitter
	relay relay.Inbound

	mtWake, moWake chan struct{}

	run     runState
	mt, mo  *queueGate
	moWork  *lanes.Lanes[*store.MO] // while running
	flusher Flusher
	settles chan settleJob

	// inflight counts submits whose SMSC id is not recorded yet; recorded
	// counts recordings, so a delivery report that overtakes the record of
	// its own submit can wait for it (see handleDLR).
	inflight atomic.Int64
	recorded *watch.Box[uint64]

	obs      Observer     // nil: nothing is observed
	accepted *acceptTimes // when parts were accepted, for obs
}

var (
	_ relay.SMS           = (*Flow)(nil)
	_ smsbridge.MOHandler = (*Flow)(nil)
)

// New returns a flow over st submitting through sub.
func New(cfg Config, st *store.Store, sub Submitter) *Flow {
	cfg.setDefaults()
	return &Flow{cfg: cfg, log: cfg.Logger, st: st, sub: sub,
		mtWake: make(chan struct{}, 1), moWake: make(chan struct{}, 1),
		mt: newQueueGate(cfg.Concurrency), mo: newQueueGate(cfg.MOConcurrency),
		settles:  make(chan settleJob, cfg.MOConcurrency),
		recorded: watch.New[uint64](0),
		obs:      cfg.Observer, accepted: newAcceptTimes(maxTrackedParts)}
}

// SetRelay sets where MO messages and delivery outcomes go; call it before
// Run.
func (f *Flow) SetRelay(r relay.Inbound) { f.relay = r }

// SetSubmitter sets the session to submit through (before Run).
func (f *Flow) SetSubmitter(s Submitter) { f.sub = s }

func kick(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// Segments implements relay.SMS.
func (f *Flow) Segments(body string) (int, error) {
	return smsbridge.SegmentCount(body, f.cfg.LongMode)
}

// Send implements relay.SMS: the message is in the MT queue when it
// returns (and, when a worker is free, already on its way).
func (f *Flow) Send(ctx context.Context, to ident.Phone, body string, meta relay.SMSMeta, with func(*store.Tx) error) error {
	var b [2]byte
	_, _ = rand.Read(b[:])
	m := &store.MT{
		Dest:        to.E164(),
		Source:      meta.Source,
		Text:        body,
		OriginID:    meta.OriginID,
		ReplyTo:     meta.ReplyTo,
		FromIMID:    string(meta.FromIMID),
		WantReceipt: meta.WantReceipt,
		Ref:         binary.BigEndian.Uint16(b[:]),
	}
	return f.admit(f.mt, f.mtWake, func(until time.Time) error {
		_, err := f.st.EnqueueMTWith(ctx, m, until, with)
		return err
	}, func(wctx context.Context) { go f.workMT(wctx, m) })
}

// Run runs the MT worker, the MO worker and the reassembly expiry until
// ctx ends, then waits for them and for the messages in hand. It first
// releases the leases a previous run left (the flow must be the only one
// on its store).
func (f *Flow) Run(ctx context.Context) error {
	// What is still leased was held by a process that died: take it
	// again now rather than when its lease runs out.
	if n, err := f.st.ReleaseLeases(ctx); err != nil {
		f.log.Error("releasing the leases of a previous run", "err", err)
	} else if n > 0 {
		f.log.Info("messages of a previous run taken again", "count", n)
	}
	f.moWork = lanes.New(moLanes, f.cfg.MOConcurrency, func(m *store.MO) { f.workMO(ctx, m) })
	settlerDone := make(chan struct{})
	go func() { defer close(settlerDone); f.runSettler() }()
	f.run.start(ctx)
	var wg sync.WaitGroup
	for _, fn := range []func(context.Context){f.runMT, f.runMO, f.runExpiry, f.runJanitor} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(ctx)
		}()
	}
	wg.Wait()
	f.run.stop()
	f.moWork.Close()
	close(f.settles)
	<-settlerDone
	return nil
}

// meta rebuilds the relay's metadata of a queued MT.
func meta(m *store.MT) relay.SMSMeta {
	return relay.SMSMeta{Source: m.Source, ReplyTo: m.ReplyTo, OriginID: m.OriginID,
		WantReceipt: m.WantReceipt, FromIMID: ident.IMID(m.FromIMID)}
}

// retryDelay grows with the attempts: RetryMin * 2^(attempts-1), capped.
func (f *Flow) retryDelay(attempts int) time.Duration {
	d := f.cfg.RetryMin
	for i := 1; i < attempts && d < f.cfg.RetryMax; i++ {
		d *= 2
	}
	if d > f.cfg.RetryMax {
		d = f.cfg.RetryMax
	}
	return d
}

// sleep waits for d, a kick on wake, or the end of ctx.
func sleep(ctx context.Context, d time.Duration, wake <-chan struct{}) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-wake:
	case <-t.C:
	}
}
