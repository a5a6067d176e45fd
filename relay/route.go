package relay

import (
	"context"
	"errors"
	"fmt"

	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/store"
)

// target is where an SMS user's message goes or what a command is about:
// an SMS user (b) or an XMPP bare JID (jid).
type target struct {
	b   *store.Binding
	jid string
}

// peer is the target's store form.
func (t target) peer() string {
	if t.b != nil {
		return peerOf(t.b.IMID)
	}
	return t.jid
}

// label is how replies name the target: "45678901 (bob)" or the JID.
func (t target) label() string {
	if t.b != nil {
		return display(t.b)
	}
	return t.jid
}

// resolve finds a destination. ok is false when there is no such SMS user
// (an unknown or retired imid or nick): replies must then not repeat the
// destination, which might be a number.
func (c *Core) resolve(ctx context.Context, d Dest) (target, bool, error) {
	switch d.Kind {
	case DestIMID:
		return c.userTarget(c.st.GetBindingByIMID(ctx, string(d.IMID)))
	case DestNick:
		return c.userTarget(c.st.GetBindingByNick(ctx, string(d.Nick)))
	case DestJID:
		return c.jidTarget(ctx, d.JID)
	}
	return target{}, false, nil
}

// resolvePeer turns a stored peer back into a target.
func (c *Core) resolvePeer(ctx context.Context, peer string) (target, bool, error) {
	if id, ok := store.PeerIMID(peer); ok {
		return c.userTarget(c.st.GetBindingByIMID(ctx, id))
	}
	return c.jidTarget(ctx, peer)
}

// jidTarget is an XMPP address; one on the gateway domain is an SMS user.
func (c *Core) jidTarget(ctx context.Context, j string) (target, bool, error) {
	bare, ok := bareJID(j)
	if !ok {
		return target{}, false, nil
	}
	if jidDomain(bare) != c.cfg.GatewayDomain {
		return target{jid: bare}, true, nil
	}
	id, ok := c.gatewayIMID(bare)
	if !ok {
		return target{}, false, nil
	}
	return c.userTarget(c.st.GetBindingByIMID(ctx, string(id)))
}

func (c *Core) userTarget(b *store.Binding, err error) (target, bool, error) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return target{}, false, nil
	case err != nil:
		return target{}, false, fmt.Errorf("relay: look up: %w", err)
	}
	return target{b: b}, true, nil
}

// sendTo is "<dest> <text>".
func (c *Core) sendTo(ctx context.Context, in *mo, d Dest, text string) error {
	t, ok, err := c.resolve(ctx, d)
	if err != nil {
		return err
	}
	if !ok {
		c.count(ctx, refusedCounter(KindNotFound))
		return c.reply(ctx, in, txtNoSuchUser)
	}
	return c.relay(ctx, in, t, text)
}

// sticky relays text without an address to the sender's last
// correspondent, if they had one within Config.StickyWindow.
func (c *Core) sticky(ctx context.Context, in *mo, text string) error {
	whom := func() error {
		if in.welcomed {
			return nil // the welcome already says how to send
		}
		return c.reply(ctx, in, txtWhom)
	}
	if c.cfg.StickyWindow <= 0 {
		return whom()
	}
	st, err := c.st.GetSticky(ctx, in.b.IMID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return whom()
	case err != nil:
		return fmt.Errorf("relay: mo %d: %w", in.ID, err)
	}
	if in.now.Sub(st.At) > c.cfg.StickyWindow {
		return whom()
	}
	t, ok, err := c.resolvePeer(ctx, st.Peer)
	if err != nil {
		return err
	}
	if !ok {
		return whom()
	}
	return c.relay(ctx, in, t, text)
}

// relay sends an SMS user's text to a target.
func (c *Core) relay(ctx context.Context, in *mo, t target, text string) error {
	if t.b != nil {
		return c.smsToSMS(ctx, in, t.b, text)
	}
	return c.smsToXMPP(ctx, in, t.jid, text)
}

// smsToXMPP relays to an XMPP user; the message id is derived from the MO
// id, so a redelivered MO produces the same stanza id.
func (c *Core) smsToXMPP(ctx context.Context, in *mo, jid, text string) error {
	from := peerOf(in.b.IMID)
	if !c.loops.pass(from, jid, text, in.now) {
		return c.loopRefused(ctx, in, from, jid)
	}
	err := c.xmpp.Message(ctx, OutMessage{
		From: ident.IMID(in.b.IMID), Nick: in.b.Nick, To: jid, ID: moStanzaID(in.ID), Body: text,
	})
	if err != nil {
		return fmt.Errorf("relay: mo %d to XMPP: %w", in.ID, err)
	}
	c.recordMO(ctx, in, counterSMSToXMPP, store.Sticky{Owner: in.b.IMID, Peer: jid, At: in.now})
	c.log.Debug("relay: SMS to XMPP", "mo", in.ID, "imid", in.b.IMID, "jid", jid)
	return nil
}

// smsToSMS relays to another SMS user, shown as "<imid> (<nick>): text".
func (c *Core) smsToSMS(ctx context.Context, in *mo, dst *store.Binding, text string) error {
	if dst.IMID == in.b.IMID {
		return c.reply(ctx, in, txtSelf)
	}
	ok, err := c.available(ctx, dst)
	if err != nil {
		return err
	}
	if !ok {
		c.count(ctx, refusedCounter(KindUnavailable))
		return c.reply(ctx, in, txtUnavailable)
	}
	from := peerOf(in.b.IMID)
	blocked, err := c.st.IsBlocked(ctx, dst.IMID, from)
	if err != nil {
		return fmt.Errorf("relay: mo %d: %w", in.ID, err)
	}
	if blocked {
		c.count(ctx, refusedCounter(KindForbidden))
		return c.reply(ctx, in, txtRefused)
	}
	body := display(in.b) + ": " + text
	if c.cfg.MaxSegments > 0 && c.segments(body) > c.cfg.MaxSegments {
		c.count(ctx, refusedCounter(KindTooLong))
		return c.reply(ctx, in, txtTooLong(c.cfg.MaxSegments))
	}
	to := peerOf(dst.IMID)
	if !c.loops.pass(from, to, text, in.now) {
		return c.loopRefused(ctx, in, from, to)
	}
	phone, err := ident.ParsePhone(dst.Phone, "")
	if err != nil {
		c.log.Warn("relay: stored phone number unusable", "imid", dst.IMID, "err", err)
		return c.reply(ctx, in, txtUnavailable)
	}
	meta := SMSMeta{Source: in.b.IMID, FromIMID: ident.IMID(dst.IMID)}
	if err := c.sms.Send(ctx, phone, body, meta, nil); err != nil {
		return fmt.Errorf("relay: mo %d to SMS: %w", in.ID, err)
	}
	c.record(ctx, counterSMSToSMS,
		store.Sticky{Owner: in.b.IMID, Peer: to, At: in.now},
		store.Sticky{Owner: dst.IMID, Peer: from, At: in.now})
	c.log.Debug("relay: SMS to SMS", "mo", in.ID, "imid", in.b.IMID, "to", dst.IMID)
	return nil
}

// loopRefused drops a message that the loop rule stopped and tells the
// sender once per loop window.
func (c *Core) loopRefused(ctx context.Context, in *mo, from, to string) error {
	c.count(ctx, refusedCounter(KindRateLimited))
	c.log.Debug("relay: message loop stopped", "mo", in.ID, "imid", in.b.IMID)
	if c.notices.once("loop "+from+" "+to, in.now, c.cfg.LoopWindow) {
		return c.reply(ctx, in, txtLoop)
	}
	return nil
}

// available reports whether an SMS user can receive: active (opted in)
// and not suspended.
func (c *Core) available(ctx context.Context, b *store.Binding) (bool, error) {
	if b.State != store.StateActive {
		return false, nil
	}
	suspended, err := c.st.IsSuspended(ctx, b.IMID)
	if err != nil {
		return false, fmt.Errorf("relay: %w", err)
	}
	return !suspended, nil
}
