package relay

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/store"
)

const (
	// imidDraws bounds the random draws for one unused imid.
	imidDraws = 16
	// bindTries bounds the attempts to store a binding when another
	// writer takes the drawn imid in between.
	bindTries = 4
	// noticePeriod spaces answers that change nothing (START while
	// active, STOP from an unbound phone), so that an auto-responder
	// cannot keep the gateway answering.
	noticePeriod = time.Hour
)

// newIMID draws imids until one has never been issued (retired ones
// included), so an imid is never reused.
func (c *Core) newIMID(ctx context.Context) (ident.IMID, error) {
	for range imidDraws {
		id, err := ident.NewIMID(c.rand, c.cfg.IMIDDigits)
		if err != nil {
			return "", fmt.Errorf("relay: new imid: %w", err)
		}
		taken, err := c.st.IMIDExists(ctx, string(id))
		if err != nil {
			return "", fmt.Errorf("relay: new imid: %w", err)
		}
		if !taken {
			return id, nil
		}
	}
	return "", ErrNoIMID
}

// bind creates a binding for phone under a fresh imid. With moID > 0 the
// binding remembers the MO that created it (auto-registration). It
// returns store.ErrNickTaken (wrapped) if nick is in use.
func (c *Core) bind(ctx context.Context, phone ident.Phone, nick ident.Nick, moID int64) (*store.Binding, error) {
	for range bindTries {
		id, err := c.newIMID(ctx)
		if err != nil {
			return nil, err
		}
		b := &store.Binding{IMID: string(id), Phone: phone.E164(), Nick: string(nick)}
		if moID > 0 {
			err = c.st.CreateBindingFromMO(ctx, b, moID)
		} else {
			err = c.st.CreateBinding(ctx, b)
		}
		switch {
		case err == nil:
			c.count(ctx, counterRegistered)
			c.log.Info("relay: phone bound", "imid", b.IMID)
			return b, nil
		case errors.Is(err, store.ErrIMIDTaken):
			continue
		case errors.Is(err, store.ErrPhoneBound):
			// Bound meanwhile by another process sharing the store.
			return c.st.GetBindingByPhone(ctx, phone.E164())
		default:
			return nil, fmt.Errorf("relay: bind: %w", err)
		}
	}
	return nil, ErrNoIMID
}

// autoRegister binds an unbound phone on first use and tells it its JID.
func (c *Core) autoRegister(ctx context.Context, in *mo) error {
	b, err := c.bind(ctx, in.From, "", in.ID)
	if err != nil {
		return fmt.Errorf("relay: mo %d: %w", in.ID, err)
	}
	in.b = b
	return c.welcome(ctx, in)
}

// rewelcome sends the welcome again when the MO that bound the phone is
// handed over again (a crash before it was done): the first attempt may
// have died before the welcome was queued.
func (c *Core) rewelcome(ctx context.Context, in *mo) error {
	if in.ID <= 0 {
		return nil
	}
	first, err := c.st.RegisteringMO(ctx, in.b.IMID)
	if err != nil {
		return fmt.Errorf("relay: mo %d: %w", in.ID, err)
	}
	if first != in.ID {
		return nil
	}
	return c.welcome(ctx, in)
}

func (c *Core) welcome(ctx context.Context, in *mo) error {
	if err := c.replyFit(ctx, in, replyWelcome, c.jidOf(in.b.IMID)); err != nil {
		return err
	}
	in.welcomed = true
	return nil
}

// register is REG [nick].
func (c *Core) register(ctx context.Context, in *mo, nick ident.Nick) error {
	if in.b != nil {
		return c.replyFit(ctx, in, replyAlready, c.jidOf(in.b.IMID))
	}
	b, err := c.bind(ctx, in.From, nick, 0)
	taken := errors.Is(err, store.ErrNickTaken)
	if taken {
		b, err = c.bind(ctx, in.From, "", 0)
	}
	if err != nil {
		return fmt.Errorf("relay: mo %d: %w", in.ID, err)
	}
	in.b = b
	if taken {
		return c.replyFit(ctx, in, replyRegisteredNickTaken, c.jidOf(b.IMID))
	}
	return c.replyFit(ctx, in, replyRegistered, c.jidOf(b.IMID))
}

// unregister is UNREG.
func (c *Core) unregister(ctx context.Context, in *mo) error {
	if in.b == nil {
		return c.reply(ctx, in, txtNotRegistered)
	}
	if err := c.unbind(ctx, in.b); err != nil {
		return err
	}
	in.b = nil
	return c.reply(ctx, in, txtUnregistered)
}

// unbind retires b and everything tied to it; its XMPP contacts get
// unavailable (subscribers) and unsubscribe (buddies it subscribed to),
// best effort.
func (c *Core) unbind(ctx context.Context, b *store.Binding) error {
	subs, err := c.st.Subscribers(ctx, b.IMID)
	if err != nil {
		return fmt.Errorf("relay: unbind: %w", err)
	}
	buddies, err := c.st.ListBuddies(ctx, b.IMID)
	if err != nil {
		return fmt.Errorf("relay: unbind: %w", err)
	}
	if err := c.st.UnbindAll(ctx, b.IMID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil // already gone (a redelivered UNREG)
		}
		return fmt.Errorf("relay: unbind: %w", err)
	}
	c.count(ctx, counterUnregistered)
	c.log.Info("relay: binding retired", "imid", b.IMID)
	id := ident.IMID(b.IMID)
	for _, p := range subs {
		if isJIDPeer(p) {
			c.sendPresence(ctx, OutPresence{From: id, To: p, Type: "unavailable"})
		}
	}
	for _, bd := range buddies {
		if isJIDPeer(bd.Peer) && bd.To != store.SubNone {
			c.sendPresence(ctx, OutPresence{From: id, To: bd.Peer, Type: "unsubscribe"})
		}
	}
	return nil
}

// stop is STOP and its synonyms: the binding is opted out, then the
// confirmation is queued (so that no message relayed after the
// confirmation can reach the phone) and its XMPP subscribers see it go
// offline. If the confirmation cannot be queued, the MO comes back and
// whileOptedOut confirms a STOP again (once per notice period).
func (c *Core) stop(ctx context.Context, in *mo) error {
	if in.b == nil {
		// Nothing to opt out of; confirm, but not to a loop.
		if c.notices.once("stop "+phoneKey(in.From), in.now, noticePeriod) {
			return c.reply(ctx, in, txtStopped)
		}
		return nil
	}
	if err := c.st.SetBindingState(ctx, in.b.IMID, store.StateOptOut); err != nil {
		return fmt.Errorf("relay: mo %d: opt out: %w", in.ID, err)
	}
	in.b.State = store.StateOptOut
	c.count(ctx, counterOptOut)
	c.log.Info("relay: phone opted out", "imid", in.b.IMID)
	c.broadcast(ctx, in.b, "unavailable")
	if err := c.reply(ctx, in, txtStopped); err != nil {
		return err
	}
	c.notices.once("stop "+in.b.IMID, in.now, noticePeriod) // confirmed: see whileOptedOut
	return nil
}

// start is START/UNSTOP.
func (c *Core) start(ctx context.Context, in *mo) error {
	switch {
	case in.b == nil:
		if c.notices.once("start "+phoneKey(in.From), in.now, noticePeriod) {
			return c.reply(ctx, in, txtNotRegistered)
		}
		return nil
	case in.b.State == store.StateActive:
		if c.notices.once("start "+in.b.IMID, in.now, noticePeriod) {
			return c.reply(ctx, in, txtStarted)
		}
		return nil
	}
	if err := c.st.SetBindingState(ctx, in.b.IMID, store.StateActive); err != nil {
		return fmt.Errorf("relay: mo %d: opt in: %w", in.ID, err)
	}
	in.b.State = store.StateActive
	c.log.Info("relay: phone opted back in", "imid", in.b.IMID)
	if err := c.reply(ctx, in, txtStarted); err != nil {
		return err
	}
	c.broadcast(ctx, in.b, "")
	return nil
}

// setNick is NICK <nick>.
func (c *Core) setNick(ctx context.Context, in *mo, nick ident.Nick) error {
	err := c.st.SetNick(ctx, in.b.IMID, string(nick))
	switch {
	case errors.Is(err, store.ErrNickTaken):
		return c.reply(ctx, in, txtNickTaken)
	case err != nil:
		return fmt.Errorf("relay: mo %d: nick: %w", in.ID, err)
	}
	changed := in.b.Nick != string(nick)
	in.b.Nick = string(nick)
	if err := c.replyFit(ctx, in, replyNick, string(nick)); err != nil {
		return err
	}
	if changed {
		c.broadcast(ctx, in.b, "")
	}
	return nil
}
