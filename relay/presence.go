package relay

import (
	"context"
	"errors"
	"fmt"

	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/store"
)

// statusViaSMS is the status text of an available SMS user.
const statusViaSMS = "via SMS"

// Presence handles a presence stanza from an XMPP user to an SMS user
// (Gateway):
//
//	probe         -> the SMS user's current presence to the prober's bare JID
//	subscribe     -> "subscribed" and the current presence (refused with
//	                 "unsubscribed" for an unknown imid or a JID the SMS user
//	                 blocked); the subscriber then gets presence changes
//	unsubscribe   -> "unavailable"; no more presence changes
//	subscribed    -> the SMS user's ADD was approved
//	unsubscribed  -> refused or revoked: presence unknown again
//	"" / unavailable from a buddy the SMS user subscribed to -> tracked for
//	                 WHO and LIST; from anyone else ignored
//
// An SMS user is available ("via SMS") while bound, opted in and not
// suspended. Presence is answered for every domain: the allow-list limits
// who may text, not who may see.
func (c *Core) Presence(ctx context.Context, p InPresence) error {
	from, ok := bareJID(p.From)
	if !ok {
		return refusal(KindBadRequest, "Bad sender address.")
	}
	b, err := c.st.GetBindingByIMID(ctx, string(p.To))
	if errors.Is(err, store.ErrNotFound) {
		switch p.Type {
		case "probe":
			return c.xmppPresence(ctx, OutPresence{From: p.To, To: from, Type: "unavailable"})
		case "subscribe":
			return c.xmppPresence(ctx, OutPresence{From: p.To, To: from, Type: "unsubscribed"})
		}
		return nil
	}
	if err != nil {
		return internalError(err)
	}
	switch p.Type {
	case "probe":
		return c.presenceTo(ctx, b, from)
	case "subscribe":
		return c.subscribed(ctx, b, from)
	case "unsubscribe":
		if err := c.updateBuddy(ctx, b.IMID, from, func(bd *store.Buddy, exists bool) bool {
			if !exists || !bd.From {
				return false
			}
			bd.From = false
			return true
		}); err != nil {
			return err
		}
		return c.xmppPresence(ctx, OutPresence{From: ident.IMID(b.IMID), To: from, Type: "unavailable"})
	case "subscribed", "unsubscribed", "", "unavailable":
		return c.updateBuddy(ctx, b.IMID, from, func(bd *store.Buddy, exists bool) bool {
			if !exists || !bd.Listed {
				return false // not a buddy: nothing to track
			}
			trackPresence(bd, p)
			return true
		})
	}
	return nil
}

// trackPresence applies a buddy's presence or subscription answer.
func trackPresence(bd *store.Buddy, p InPresence) {
	switch p.Type {
	case "subscribed":
		bd.To = store.SubSubscribed
	case "unsubscribed":
		bd.To, bd.Presence, bd.Show, bd.Status = store.SubNone, store.PresenceUnknown, "", ""
	case "":
		bd.To, bd.Presence = store.SubSubscribed, store.PresenceAvailable
		bd.Show, bd.Status = presenceFields(p.Show, p.Status)
	case "unavailable":
		bd.To, bd.Presence = store.SubSubscribed, store.PresenceUnavailable
		bd.Show, bd.Status = presenceFields("", p.Status)
	}
}

// subscribed approves a subscription to an SMS user's presence.
func (c *Core) subscribed(ctx context.Context, b *store.Binding, from string) error {
	id := ident.IMID(b.IMID)
	blocked, err := c.st.IsBlocked(ctx, b.IMID, from)
	if err != nil {
		return internalError(err)
	}
	if blocked {
		return c.xmppPresence(ctx, OutPresence{From: id, To: from, Type: "unsubscribed"})
	}
	_, subs, err := c.st.CountBuddies(ctx, b.IMID)
	if err != nil {
		return internalError(err)
	}
	if err := c.updateBuddy(ctx, b.IMID, from, func(bd *store.Buddy, _ bool) bool {
		if bd.From || subs >= maxSubscribers {
			return false // approved all the same; changes just are not pushed
		}
		bd.From = true
		return true
	}); err != nil {
		return err
	}
	if err := c.xmppPresence(ctx, OutPresence{From: id, To: from, Type: "subscribed", Nick: b.Nick}); err != nil {
		return err
	}
	return c.presenceTo(ctx, b, from)
}

// presenceTo sends b's current presence to one bare JID.
func (c *Core) presenceTo(ctx context.Context, b *store.Binding, to string) error {
	p, err := c.currentPresence(ctx, b)
	if err != nil {
		return internalError(err)
	}
	p.To = to
	return c.xmppPresence(ctx, p)
}

// currentPresence is b's presence, without a recipient.
func (c *Core) currentPresence(ctx context.Context, b *store.Binding) (OutPresence, error) {
	ok, err := c.available(ctx, b)
	if err != nil {
		return OutPresence{}, err
	}
	p := OutPresence{From: ident.IMID(b.IMID), Nick: b.Nick, Type: "unavailable"}
	if ok {
		p.Type, p.Status = "", statusViaSMS
	}
	return p, nil
}

// broadcast sends b's presence of type typ ("" or "unavailable") to the
// XMPP users subscribed to it, best effort: presence is not queued, and a
// subscriber that misses a change learns the state at its next probe.
func (c *Core) broadcast(ctx context.Context, b *store.Binding, typ string) {
	subs, err := c.st.Subscribers(ctx, b.IMID)
	if err != nil {
		c.log.Warn("relay: presence broadcast", "imid", b.IMID, "err", err)
		return
	}
	p := OutPresence{From: ident.IMID(b.IMID), Type: typ, Nick: b.Nick}
	if typ == "" {
		p.Status = statusViaSMS
	}
	for _, s := range subs {
		if isJIDPeer(s) {
			p.To = s
			c.sendPresence(ctx, p)
		}
	}
}

// sendPresence sends a presence whose loss is tolerable, logging failures.
func (c *Core) sendPresence(ctx context.Context, p OutPresence) {
	if err := c.xmpp.Presence(ctx, p); err != nil {
		c.log.Warn("relay: presence not sent", "imid", p.From, "jid", p.To, "type", p.Type, "err", err)
	}
}

// xmppPresence sends an answer to a presence stanza; a failure goes back
// to the XMPP side.
func (c *Core) xmppPresence(ctx context.Context, p OutPresence) error {
	if err := c.xmpp.Presence(ctx, p); err != nil {
		return fmt.Errorf("relay: presence: %w", err)
	}
	return nil
}

// updateBuddy is store.UpdateBuddy for the XMPP side: a binding retired
// meanwhile is ignored, other failures become KindInternal.
func (c *Core) updateBuddy(ctx context.Context, owner, peer string, fn func(*store.Buddy, bool) bool) error {
	_, err := c.st.UpdateBuddy(ctx, owner, peer, c.now(), fn)
	switch {
	case err == nil, errors.Is(err, store.ErrNotFound):
		return nil
	}
	return internalError(err)
}

// Profile returns what XMPP users may know of an SMS user (Gateway): the
// imid, the nick and whether they are available. KindNotFound for an
// unknown or retired imid.
func (c *Core) Profile(ctx context.Context, imid ident.IMID) (Profile, error) {
	b, err := c.st.GetBindingByIMID(ctx, string(imid))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return Profile{}, refusal(KindNotFound, "No such SMS user.")
	case err != nil:
		return Profile{}, internalError(err)
	}
	ok, err := c.available(ctx, b)
	if err != nil {
		return Profile{}, internalError(err)
	}
	return Profile{IMID: imid, Nick: b.Nick, Available: ok}, nil
}
