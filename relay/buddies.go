package relay

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/store"
)

// Per-user bounds, so that one phone cannot grow the store without end.
const (
	maxBuddies     = 100  // listed buddies (ADD)
	maxBlocks      = 200  // BLOCK entries
	maxSubscribers = 1000 // XMPP users subscribed to one SMS user
	// maxListSegments bounds the answer to LIST (within
	// limits.max_segments).
	maxListSegments = 3
	// listStatusRunes bounds a buddy's status text in LIST.
	listStatusRunes = 30
	// listLineRunes bounds one LIST line (a long JID).
	listLineRunes = 80
)

// who is WHO <dest>: dest's presence as far as dest shares it.
func (c *Core) who(ctx context.Context, in *mo, d Dest) error {
	t, ok, err := c.resolve(ctx, d)
	if err != nil {
		return err
	}
	if !ok {
		return c.reply(ctx, in, txtNoSuchUser)
	}
	if t.b != nil {
		state, err := c.userState(ctx, t.b, in.b)
		if err != nil {
			return err
		}
		return c.replyFit(ctx, in, func(v string) string { return whoLine(v, state) }, t.label())
	}
	bd, err := c.st.GetBuddy(ctx, in.b.IMID, t.jid)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("relay: who: %w", err)
	}
	state, status := buddyState(bd)
	return c.reply(ctx, in, c.whoText(t.jid, state, status))
}

// userState is an SMS user's presence as viewer sees it: an SMS user's
// presence is public, except to someone they blocked.
func (c *Core) userState(ctx context.Context, b, viewer *store.Binding) (string, error) {
	blocked, err := c.st.IsBlocked(ctx, b.IMID, peerOf(viewer.IMID))
	if err != nil {
		return "", fmt.Errorf("relay: %w", err)
	}
	if blocked {
		return stateUnknown, nil
	}
	ok, err := c.available(ctx, b)
	if err != nil {
		return "", err
	}
	if ok {
		return stateOnlineSMS, nil
	}
	return stateOffline, nil
}

// whoText fits "dest: state (status)" in one segment, shortening the
// status first and the address only if it must.
func (c *Core) whoText(dest, state, status string) string {
	if status != "" {
		if full := whoLine(dest, withStatus(state, status)); c.segments(full) == 1 {
			return full
		}
		if c.segments(whoLine(dest, withStatus(state, ellipsis))) == 1 {
			return c.fitOne(func(v string) string { return whoLine(dest, withStatus(state, v)) }, status)
		}
	}
	return c.fitOne(func(v string) string { return whoLine(v, state) }, dest)
}

// add is ADD <dest>: an SMS user is listed at once (their presence is
// known); an XMPP user is listed and asked for a presence subscription
// from the SMS user's JID.
func (c *Core) add(ctx context.Context, in *mo, d Dest) error {
	t, ok, err := c.resolveOther(ctx, in, d)
	if !ok {
		return err
	}
	listed, _, err := c.st.CountBuddies(ctx, in.b.IMID)
	if err != nil {
		return fmt.Errorf("relay: add: %w", err)
	}
	var full, already, subscribe bool
	_, err = c.st.UpdateBuddy(ctx, in.b.IMID, t.peer(), in.now, func(bd *store.Buddy, _ bool) bool {
		if !bd.Listed && listed >= maxBuddies {
			full = true
			return false
		}
		already = bd.Listed && (t.b != nil || bd.To == store.SubSubscribed)
		bd.Listed = true
		if t.b == nil && bd.To != store.SubSubscribed {
			bd.To, subscribe = store.SubPending, true
		}
		return true
	})
	if err != nil {
		return fmt.Errorf("relay: add: %w", err)
	}
	switch {
	case full:
		return c.reply(ctx, in, txtListFull)
	case already:
		return c.replyFit(ctx, in, replyListed, t.label())
	case t.b != nil:
		return c.replyFit(ctx, in, replyAdded, t.label())
	}
	if subscribe {
		p := OutPresence{From: ident.IMID(in.b.IMID), To: t.jid, Type: "subscribe", Nick: in.b.Nick}
		if err := c.xmpp.Presence(ctx, p); err != nil {
			return fmt.Errorf("relay: mo %d: subscribe: %w", in.ID, err)
		}
	}
	return c.replyFit(ctx, in, replyAsked, t.jid)
}

// del is DEL <dest>: unlisted, and an XMPP buddy gets unsubscribe. The
// unsubscribe goes out before the row changes, so a failure leaves
// everything to the retry.
func (c *Core) del(ctx context.Context, in *mo, d Dest) error {
	t, ok, err := c.resolve(ctx, d)
	if err != nil {
		return err
	}
	if !ok {
		return c.reply(ctx, in, txtNotListed)
	}
	bd, err := c.st.GetBuddy(ctx, in.b.IMID, t.peer())
	switch {
	case errors.Is(err, store.ErrNotFound) || err == nil && !bd.Listed:
		return c.reply(ctx, in, txtNotListed)
	case err != nil:
		return fmt.Errorf("relay: del: %w", err)
	}
	if t.b == nil && bd.To != store.SubNone {
		p := OutPresence{From: ident.IMID(in.b.IMID), To: t.jid, Type: "unsubscribe"}
		if err := c.xmpp.Presence(ctx, p); err != nil {
			return fmt.Errorf("relay: mo %d: unsubscribe: %w", in.ID, err)
		}
	}
	_, err = c.st.UpdateBuddy(ctx, in.b.IMID, t.peer(), in.now, func(bd *store.Buddy, _ bool) bool {
		bd.Listed, bd.To, bd.Presence, bd.Show, bd.Status = false, store.SubNone, store.PresenceUnknown, "", ""
		return true
	})
	if err != nil {
		return fmt.Errorf("relay: del: %w", err)
	}
	return c.replyFit(ctx, in, replyRemoved, t.label())
}

// list is LIST: every listed buddy with its state, in up to
// maxListSegments segments (and within limits.max_segments).
func (c *Core) list(ctx context.Context, in *mo) error {
	bs, err := c.st.ListBuddies(ctx, in.b.IMID)
	if err != nil {
		return fmt.Errorf("relay: list: %w", err)
	}
	var lines []string
	for _, bd := range bs {
		if id, ok := store.PeerIMID(bd.Peer); ok {
			b, err := c.st.GetBindingByIMID(ctx, id)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return fmt.Errorf("relay: list: %w", err)
			}
			state, err := c.userState(ctx, b, in.b)
			if err != nil {
				return err
			}
			lines = append(lines, truncRunes(whoLine(display(b), state), listLineRunes))
			continue
		}
		state, status := buddyState(bd)
		line := whoLine(bd.Peer, withStatus(state, truncRunes(status, listStatusRunes)))
		lines = append(lines, truncRunes(line, listLineRunes))
	}
	if len(lines) == 0 {
		return c.reply(ctx, in, txtListEmpty)
	}
	return c.reply(ctx, in, c.listText(lines))
}

// listText joins the LIST lines that fit, ending with "+N more" when some
// do not.
func (c *Core) listText(lines []string) string {
	limit := maxListSegments
	if c.cfg.MaxSegments > 0 {
		limit = min(limit, c.cfg.MaxSegments)
	}
	body := listHeader
	for i, l := range lines {
		next := body + "\n" + l
		if rest := len(lines) - i - 1; rest > 0 {
			if c.segments(next+"\n"+listMore(rest)) > limit {
				return body + "\n" + listMore(len(lines)-i)
			}
		} else if c.segments(next) > limit {
			return body + "\n" + listMore(1)
		}
		body = next
	}
	return body
}

// block is BLOCK <dest>.
func (c *Core) block(ctx context.Context, in *mo, d Dest) error {
	t, ok, err := c.resolveOther(ctx, in, d)
	if !ok {
		return err
	}
	already, err := c.st.IsBlocked(ctx, in.b.IMID, t.peer())
	if err != nil {
		return fmt.Errorf("relay: block: %w", err)
	}
	if !already {
		n, err := c.st.CountBlocks(ctx, in.b.IMID)
		if err != nil {
			return fmt.Errorf("relay: block: %w", err)
		}
		if n >= maxBlocks {
			return c.reply(ctx, in, txtBlocksFull)
		}
		if _, err := c.st.Block(ctx, in.b.IMID, t.peer(), in.now); err != nil {
			return fmt.Errorf("relay: block: %w", err)
		}
	}
	dest := t.label()
	if t.b != nil {
		dest = t.b.IMID // so that "UNBLOCK <dest>" in the reply works as typed
	}
	return c.replyFit(ctx, in, replyBlocked, dest)
}

// unblock is UNBLOCK <dest>.
func (c *Core) unblock(ctx context.Context, in *mo, d Dest) error {
	t, ok, err := c.resolve(ctx, d)
	if err != nil {
		return err
	}
	if !ok {
		return c.reply(ctx, in, txtNotBlocked)
	}
	removed, err := c.st.Unblock(ctx, in.b.IMID, t.peer())
	if err != nil {
		return fmt.Errorf("relay: unblock: %w", err)
	}
	if !removed {
		return c.reply(ctx, in, txtNotBlocked)
	}
	return c.replyFit(ctx, in, replyUnblocked, t.label())
}

// presenceFields normalises an XMPP user's show and status for storage.
func presenceFields(show, status string) (string, string) {
	switch show {
	case "away", "chat", "dnd", "xa":
	default:
		show = ""
	}
	return show, truncRunes(strings.Join(strings.Fields(status), " "), 200)
}

// resolveOther resolves a command's destination that must be another
// user; when it is unknown or the sender themself, it answers the SMS
// and reports !ok with the reply's error.
func (c *Core) resolveOther(ctx context.Context, in *mo, d Dest) (target, bool, error) {
	t, ok, err := c.resolve(ctx, d)
	switch {
	case err != nil:
		return t, false, err
	case !ok:
		return t, false, c.reply(ctx, in, txtNoSuchUser)
	case t.b != nil && t.b.IMID == in.b.IMID:
		return t, false, c.reply(ctx, in, txtSelf)
	}
	return t, true, nil
}
