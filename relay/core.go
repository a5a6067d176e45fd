package relay

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/mpimis/mpimis/store"
)

var (
	_ Gateway = (*Core)(nil)
	_ Inbound = (*Core)(nil)
)

// Deps are what the Core works with. Store, XMPP and SMS are required.
type Deps struct {
	// Store holds bindings and the relay state.
	Store *store.Store
	// XMPP sends stanzas from SMS users' identities (component side).
	XMPP XMPP
	// SMS queues MT SMS and counts segments (SMS side).
	SMS SMS
	// Log receives the relay's log records (debug for routine decisions,
	// warn for failures); nil discards them. No record carries a phone
	// number: SMS users are logged by imid.
	Log *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Rand is the source of new imids; nil means crypto/rand.Reader.
	Rand io.Reader
}

// Core is the relay: it implements [Gateway] for the XMPP side and
// [Inbound] for the SMS side. It is safe for concurrent use: MOs of one
// phone are handled one at a time (a striped lock), the store serialises
// writes, and the in-memory limiters have their own locks.
type Core struct {
	cfg     Config
	st      *store.Store
	xmpp    XMPP
	sms     SMS
	log     *slog.Logger
	now     func() time.Time
	rand    io.Reader
	allowed map[string]bool
	admins  map[string]bool

	rate    *rateLimiter
	loops   *loopGuard
	notices *noticeGate
	phones  stripedLock

	pruneMu   sync.Mutex
	prunedDay string
}

// New returns a Core for cfg. It fails with ErrConfig for a missing
// dependency or an invalid setting.
func New(cfg Config, d Deps) (*Core, error) {
	if d.Store == nil || d.XMPP == nil || d.SMS == nil {
		return nil, fmt.Errorf("%w: store, XMPP and SMS are required", ErrConfig)
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	c := &Core{
		cfg: cfg, st: d.Store, xmpp: d.XMPP, sms: d.SMS,
		log: d.Log, now: d.Now, rand: d.Rand,
		allowed: cfg.allowedDomains(),
		admins:  map[string]bool{},
		rate:    newRateLimiter(cfg.SMSPerMinute, time.Minute),
		loops:   newLoopGuard(cfg.LoopRepeats, cfg.LoopWindow),
		notices: newNoticeGate(),
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.rand == nil {
		c.rand = rand.Reader
	}
	for _, a := range cfg.Admins {
		if bare, ok := bareJID(a); ok {
			c.admins[bare] = true
		}
	}
	return c, nil
}

// count bumps a relay counter; a failure is logged, never fatal.
func (c *Core) count(ctx context.Context, name string) {
	if err := c.st.AddCounter(ctx, name, 1); err != nil {
		c.log.Warn("relay: counter", "name", name, "err", err)
	}
}

// record notes a relayed message (counter and sticky correspondents).
func (c *Core) record(ctx context.Context, counter string, stickies ...store.Sticky) {
	if err := c.st.RecordRelay(ctx, counter, stickies...); err != nil {
		c.log.Warn("relay: recording a relayed message", "counter", counter, "err", err)
	}
}

// recordMO notes an MO relayed to XMPP: handed to the MO's Settle, with
// the daily count it still owes, to commit with the MO's end; without
// Settle, as record does.
func (c *Core) recordMO(ctx context.Context, in *mo, counter string, stickies ...store.Sticky) {
	if in.Settle == nil {
		c.record(ctx, counter, stickies...)
		return
	}
	daily := in.daily
	in.daily = "" // taken with the record
	// The record runs later, in the SMS side's settling transaction: not
	// under this MO's context, which a shutdown may have ended by then.
	ctx = context.WithoutCancel(ctx)
	in.Settle(func(tx *store.Tx) error {
		if err := tx.RecordRelay(ctx, counter, stickies...); err != nil {
			return err
		}
		if daily != "" {
			return c.dailyTxFor(ctx, tx, daily, in.now)
		}
		return nil
	})
}

// refusedCounter names the counter of refusals of kind k.
func refusedCounter(k ErrorKind) string { return "refused_" + k.String() }

// Counter names of relayed messages and other events.
const (
	counterXMPPToSMS    = "relayed_xmpp_to_sms"
	counterSMSToXMPP    = "relayed_sms_to_xmpp"
	counterSMSToSMS     = "relayed_sms_to_sms"
	counterRegistered   = "registrations"
	counterUnregistered = "unregistrations"
	counterOptOut       = "optouts"
	counterDelivered    = "reports_delivered"
	counterFailed       = "reports_failed"
)

// moStanzaID is the stable XMPP id of the message relayed from MO id.
func moStanzaID(id int64) string { return fmt.Sprintf("mo-%d", id) }

// isJIDPeer reports whether a peer is an XMPP bare JID rather than an
// imid peer.
func isJIDPeer(p string) bool { return strings.Contains(p, "@") }
