package relay

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/store"
)

// mo is one MO SMS being handled.
type mo struct {
	SMSMessage
	b        *store.Binding // nil while the phone is unbound
	now      time.Time
	welcomed bool // the "you are ..." SMS went out while handling this MO
	// daily is the sender key whose daily count this MO still has to
	// take ("" if none): limited checks the cap by reading, and the
	// count commits with the MO's settling transaction when it is relayed
	// to XMPP (recordMO), or on its own afterwards.
	daily string
}

// imid returns the sender's imid, "" while unbound.
func (in *mo) imid() string {
	if in.b == nil {
		return ""
	}
	return in.b.IMID
}

// FromSMS handles one MO SMS: a command, or text to relay (Inbound).
//
// What a phone gets depends on its binding:
//   - unbound: HELP, REG, STOP, START and UNREG are answered; anything
//     else binds the phone first when Config.AutoRegister is set (the
//     "you are ..." SMS goes out first, once: again only if this very MO
//     is redelivered), and is answered "text REG" otherwise;
//   - opted out (STOP): only HELP is answered and START opts back in;
//     UNREG is honoured without an answer; everything else is dropped
//     without a word, as carriers do;
//   - suspended by an administrator: STOP, START and UNREG change the
//     state without an answer; everything else is dropped.
//
// Every MO of a bound phone but STOP and START counts against the sender's
// rate and daily cap; over a limit the MO is dropped and the phone is told
// once per minute (or day). FromSMS returns an error only for a failure
// worth retrying (store, SMS queue, XMPP link): the MO stays queued and
// comes back with the same ID, so the relayed XMPP message keeps its id.
func (c *Core) FromSMS(ctx context.Context, m SMSMessage) error {
	if m.From.IsZero() {
		c.log.Warn("relay: MO without a sender dropped", "mo", m.ID)
		return nil
	}
	unlock := c.phones.lock(m.From.E164())
	defer unlock()

	in := &mo{SMSMessage: m, now: c.now()}
	b, err := c.st.GetBindingByPhone(ctx, m.From.E164())
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return fmt.Errorf("relay: mo %d: %w", m.ID, err)
	default:
		in.b = b
	}
	cmd, perr := ParseSMS(m.Text)
	if in.b != nil {
		suspended, err := c.st.IsSuspended(ctx, in.b.IMID)
		if err != nil {
			return fmt.Errorf("relay: mo %d: %w", m.ID, err)
		}
		if suspended {
			return c.whileSuspended(ctx, in, cmd, perr)
		}
		if in.b.State == store.StateOptOut {
			return c.whileOptedOut(ctx, in, cmd, perr)
		}
		if err := c.rewelcome(ctx, in); err != nil {
			return err
		}
	}
	if perr == nil {
		switch cmd.Verb {
		case VerbStop:
			return c.stop(ctx, in)
		case VerbStart:
			return c.start(ctx, in)
		}
	}
	if perr == nil && needsBinding(cmd.Verb) && in.b == nil {
		if !c.cfg.AutoRegister {
			return c.limited(ctx, in, func() error { return c.reply(ctx, in, txtNotRegistered) })
		}
		if err := c.autoRegister(ctx, in); err != nil {
			return err
		}
	}
	return c.limited(ctx, in, func() error {
		if perr != nil {
			return c.replyParseError(ctx, in, perr)
		}
		return c.dispatch(ctx, in, cmd)
	})
}

// needsBinding reports whether a verb acts on the sender's identity, so
// that an unbound phone must be bound first.
func needsBinding(v Verb) bool {
	switch v {
	case VerbHelp, VerbRegister, VerbUnregister, VerbStop, VerbStart:
		return false
	}
	return true
}

// dispatch runs a parsed command of an active (or unbound) phone.
func (c *Core) dispatch(ctx context.Context, in *mo, cmd Command) error {
	switch cmd.Verb {
	case VerbHelp:
		return c.reply(ctx, in, txtHelp)
	case VerbRegister:
		return c.register(ctx, in, cmd.Nick)
	case VerbUnregister:
		return c.unregister(ctx, in)
	case VerbNick:
		return c.setNick(ctx, in, cmd.Nick)
	case VerbWho:
		return c.who(ctx, in, cmd.Dest)
	case VerbAdd:
		return c.add(ctx, in, cmd.Dest)
	case VerbDel:
		return c.del(ctx, in, cmd.Dest)
	case VerbList:
		return c.list(ctx, in)
	case VerbBlock:
		return c.block(ctx, in, cmd.Dest)
	case VerbUnblock:
		return c.unblock(ctx, in, cmd.Dest)
	case VerbSend:
		return c.sendTo(ctx, in, cmd.Dest, cmd.Text)
	default:
		return c.sticky(ctx, in, cmd.Text)
	}
}

// limited runs fn if the sender is within its limits; otherwise it drops
// the MO and tells the phone once per period. Unbound phones are limited
// per minute only, by a key derived from the number (in memory, never
// printed).
func (c *Core) limited(ctx context.Context, in *mo, fn func() error) error {
	var (
		hit limitHit
		key string
	)
	switch {
	case in.b != nil && in.Settle != nil && c.cfg.SMSPerDay > 0:
		key = peerOf(in.b.IMID)
		var err error
		if hit, err = c.checkLimits(ctx, key, in.now); err != nil {
			return fmt.Errorf("relay: mo %d: %w", in.ID, err)
		}
		if hit == withinLimits {
			in.daily = key
			if err := fn(); err != nil {
				return err
			}
			return c.takeDaily(ctx, in)
		}
	case in.b != nil:
		key = peerOf(in.b.IMID)
		var err error
		if hit, err = c.takeLimits(ctx, key, in.now); err != nil {
			return fmt.Errorf("relay: mo %d: %w", in.ID, err)
		}
	default:
		key = phoneKey(in.From)
		if !c.rate.allow(key, in.now) {
			hit = overMinute
		}
	}
	switch hit {
	case overMinute:
		c.count(ctx, refusedCounter(KindRateLimited))
		c.log.Debug("relay: MO over the rate limit dropped", "mo", in.ID, "imid", in.imid())
		if c.notices.once("minute "+key, in.now, time.Minute) {
			return c.reply(ctx, in, txtRateMinute)
		}
		return nil
	case overDay:
		c.count(ctx, refusedCounter(KindRateLimited))
		c.log.Debug("relay: MO over the daily cap dropped", "mo", in.ID, "imid", in.imid())
		if c.notices.once("day "+key+" "+in.now.UTC().Format(time.DateOnly), in.now, 24*time.Hour) {
			return c.reply(ctx, in, txtRateDay)
		}
		return nil
	}
	return fn()
}

// phoneKey is an in-memory key for an unbound phone: a hash, so that not
// even a debugger's dump of the limiters shows the number.
func phoneKey(p ident.Phone) string {
	h := fnv.New64a()
	h.Write([]byte(p.E164()))
	return fmt.Sprintf("phone:%x", h.Sum64())
}

// replyParseError answers an SMS that ParseSMS refused. The answers never
// repeat the argument: it might be a phone number.
func (c *Core) replyParseError(ctx context.Context, in *mo, perr error) error {
	var ue *UsageError
	switch {
	case errors.Is(perr, ErrEmptyText):
		return c.reply(ctx, in, txtHelp)
	case errors.Is(perr, ErrPhoneDest):
		return c.reply(ctx, in, txtPhoneDest)
	case errors.As(perr, &ue):
		if ue.Err != nil && (ue.Verb == VerbNick || ue.Verb == VerbRegister) {
			return c.reply(ctx, in, txtNickRules)
		}
		if ue.Verb == VerbSend {
			return c.reply(ctx, in, txtNoMessage)
		}
		if errors.Is(perr, ErrBadDest) {
			return c.reply(ctx, in, txtBadDest)
		}
		return c.reply(ctx, in, txtUsage(ue.Usage))
	case errors.Is(perr, ErrBadDest):
		return c.reply(ctx, in, txtBadDest)
	}
	return c.reply(ctx, in, txtHelp)
}

// whileOptedOut handles an MO from an opted-out phone: see FromSMS.
func (c *Core) whileOptedOut(ctx context.Context, in *mo, cmd Command, perr error) error {
	if perr == nil {
		switch cmd.Verb {
		case VerbStart:
			return c.start(ctx, in)
		case VerbStop:
			// Confirmed when it opted out; again only if that confirmation
			// could not be queued, or after the notice period.
			if c.notices.once("stop "+in.b.IMID, in.now, noticePeriod) {
				return c.reply(ctx, in, txtStopped)
			}
		case VerbHelp:
			return c.limited(ctx, in, func() error { return c.reply(ctx, in, txtHelp) })
		case VerbUnregister:
			return c.unbind(ctx, in.b)
		}
	}
	c.log.Debug("relay: MO from an opted-out phone dropped", "mo", in.ID, "imid", in.b.IMID)
	return nil
}

// whileSuspended handles an MO from a suspended phone: see FromSMS.
func (c *Core) whileSuspended(ctx context.Context, in *mo, cmd Command, perr error) error {
	if perr == nil {
		switch cmd.Verb {
		case VerbStop, VerbStart:
			st := store.StateOptOut
			if cmd.Verb == VerbStart {
				st = store.StateActive
			}
			if err := c.st.SetBindingState(ctx, in.b.IMID, st); err != nil {
				return fmt.Errorf("relay: mo %d: %w", in.ID, err)
			}
			return nil
		case VerbUnregister:
			return c.unbind(ctx, in.b)
		}
	}
	c.log.Debug("relay: MO from a suspended phone dropped", "mo", in.ID, "imid", in.b.IMID)
	return nil
}

// reply texts the sender on the gateway's own account.
func (c *Core) reply(ctx context.Context, in *mo, text string) error {
	meta := SMSMeta{Source: c.cfg.GatewayDomain, FromIMID: ident.IMID(in.imid())}
	if err := c.sms.Send(ctx, in.From, text, meta, nil); err != nil {
		return fmt.Errorf("relay: mo %d: reply: %w", in.ID, err)
	}
	return nil
}

// replyFit texts build(v), v shortened if needed to keep one segment.
func (c *Core) replyFit(ctx context.Context, in *mo, build func(string) string, v string) error {
	return c.reply(ctx, in, c.fitOne(build, v))
}
