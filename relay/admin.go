package relay

import (
	"context"
	"errors"
	"strings"

	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/store"
)

// IsAdmin reports whether a JID (bare or full) is in Config.Admins
// (Gateway).
func (c *Core) IsAdmin(jid string) bool {
	bare, ok := bareJID(jid)
	return ok && c.admins[bare]
}

// FindBinding looks a binding up by imid, nick, @nick or gateway JID,
// never by phone number (KindBadRequest), for administrators (Gateway).
func (c *Core) FindBinding(ctx context.Context, query string) (BindingInfo, error) {
	b, err := c.lookup(ctx, query)
	if err != nil {
		return BindingInfo{}, err
	}
	info := BindingInfo{IMID: ident.IMID(b.IMID), Nick: b.Nick, State: string(b.State), CreatedAt: b.CreatedAt}
	suspended, err := c.st.IsSuspended(ctx, b.IMID)
	if err != nil {
		return BindingInfo{}, internalError(err)
	}
	if suspended {
		info.State = "suspended"
	}
	if info.Buddies, _, err = c.st.CountBuddies(ctx, b.IMID); err != nil {
		return BindingInfo{}, internalError(err)
	}
	if info.Blocks, err = c.st.CountBlocks(ctx, b.IMID); err != nil {
		return BindingInfo{}, internalError(err)
	}
	return info, nil
}

// Unbind retires a binding as UNREG would, without an SMS (Gateway).
func (c *Core) Unbind(ctx context.Context, imid ident.IMID) error {
	b, err := c.liveBinding(ctx, imid)
	if err != nil {
		return err
	}
	if err := c.unbind(ctx, b); err != nil {
		return internalError(err)
	}
	return nil
}

// Suspend stops all SMS to and from a binding until Resume; its XMPP
// subscribers see it go offline (Gateway).
func (c *Core) Suspend(ctx context.Context, imid ident.IMID) error {
	b, err := c.liveBinding(ctx, imid)
	if err != nil {
		return err
	}
	if err := c.st.Suspend(ctx, b.IMID, c.now()); err != nil {
		return adminStoreError(err)
	}
	c.log.Info("relay: binding suspended", "imid", b.IMID)
	c.broadcast(ctx, b, "unavailable")
	return nil
}

// Resume lifts a suspension (Gateway).
func (c *Core) Resume(ctx context.Context, imid ident.IMID) error {
	b, err := c.liveBinding(ctx, imid)
	if err != nil {
		return err
	}
	if err := c.st.Resume(ctx, b.IMID); err != nil {
		return adminStoreError(err)
	}
	c.log.Info("relay: binding resumed", "imid", b.IMID)
	if b.State == store.StateActive {
		c.broadcast(ctx, b, "")
	}
	return nil
}

// Counters returns the admin statistics (Gateway): bindings_<state> for
// active, optout, retired and suspended; relayed_<direction>; refused_<kind>
// (ErrorKind.String); registrations, unregistrations, optouts;
// reports_delivered and reports_failed. Event counters are stored, so
// they count since the database was created.
func (c *Core) Counters(ctx context.Context) (map[string]int64, error) {
	m, err := c.st.RelayCounters(ctx)
	if err != nil {
		return nil, internalError(err)
	}
	states, err := c.st.CountBindings(ctx)
	if err != nil {
		return nil, internalError(err)
	}
	for st, n := range states {
		m["bindings_"+string(st)] = int64(n)
	}
	susp, err := c.st.CountSuspended(ctx)
	if err != nil {
		return nil, internalError(err)
	}
	m["bindings_suspended"] = int64(susp)
	return m, nil
}

// Resolve implements XEP-0100 jabber:iq:gateway (Gateway): an imid, a nick
// (with or without '@') or an SMS user's JID to the imid. Anything that
// looks like a phone number is refused with KindBadRequest and never
// looked up.
func (c *Core) Resolve(ctx context.Context, prompt string) (ident.IMID, error) {
	b, err := c.lookup(ctx, prompt)
	if err != nil {
		return "", err
	}
	return ident.IMID(b.IMID), nil
}

func (c *Core) liveBinding(ctx context.Context, imid ident.IMID) (*store.Binding, error) {
	b, err := c.st.GetBindingByIMID(ctx, string(imid))
	if err != nil {
		return nil, adminStoreError(err)
	}
	return b, nil
}

func adminStoreError(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return refusal(KindNotFound, "No such SMS user.")
	}
	return internalError(err)
}

// lookup finds a live binding by imid, nick, @nick or JID on the gateway
// domain; see Resolve.
func (c *Core) lookup(ctx context.Context, query string) (*store.Binding, error) {
	q := strings.TrimSpace(query)
	if phoneLike(q) {
		return nil, refusal(KindBadRequest, "Phone numbers are never looked up; give an ID or a nick.")
	}
	if at := strings.IndexByte(q, '@'); at > 0 {
		bare, ok := bareJID(q)
		id, isUser := c.gatewayIMID(bare)
		if !ok || !isUser {
			return nil, refusal(KindBadRequest, "Not an SMS user's address.")
		}
		return c.liveBinding(ctx, id)
	}
	q = strings.TrimPrefix(q, "@")
	if isDigits(q) {
		id, err := ident.ParseIMID(q)
		if err != nil {
			return nil, refusal(KindBadRequest, "Not an ID or a nick.")
		}
		return c.liveBinding(ctx, id)
	}
	nick, err := ident.ParseNick(q)
	if err != nil {
		return nil, refusal(KindBadRequest, "Not an ID or a nick.")
	}
	b, err := c.st.GetBindingByNick(ctx, string(nick))
	if err != nil {
		return nil, adminStoreError(err)
	}
	return b, nil
}

// phoneLike reports whether s looks like a phone number rather than an
// imid: a leading '+' or "00", digits broken up by the separators people
// type (" -.()/"), a leading 0 (national form), or more digits than any
// imid. An imid-shaped run of digits is not phone-like: it is looked up as
// an imid, never as a number.
func phoneLike(s string) bool {
	s = strings.TrimPrefix(s, "@")
	if strings.HasPrefix(s, "+") || strings.HasPrefix(s, "00") {
		return true
	}
	digits, seps := 0, 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" -.()/", r):
			seps++
		default:
			return false
		}
	}
	switch {
	case digits == 0:
		return false
	case seps > 0 && digits >= ident.MinIMIDDigits:
		return true
	case seps == 0 && (s[0] == '0' || digits > ident.MaxIMIDDigits):
		return true
	}
	return false
}
