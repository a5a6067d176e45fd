package relay

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/store"
)

// FromXMPP relays an XMPP user's message to an SMS user (Gateway). The
// checks, in order, each with the refusal an XMPP sender sees:
//
//	sender's domain not allowed (Config.AllowedDomains)  KindForbidden
//	empty body                                           KindBadRequest
//	unknown or retired imid                              KindNotFound
//	SMS user opted out or suspended                      KindUnavailable
//	SMS user blocked the sender                          KindForbidden
//	"<sender>: <body>" over limits.max_segments          KindTooLong
//	message loop (Config.LoopRepeats)                    KindRateLimited
//	per-minute rate or daily cap of the sender           KindRateLimited
//
// Then the SMS "<sender bare JID>: <body>" is queued with the meta that
// brings its delivery report back (Report), and the sender becomes the SMS
// user's sticky correspondent. Nothing is ever queued for a refused
// message.
func (c *Core) FromXMPP(ctx context.Context, m XMPPMessage) error {
	err := c.fromXMPP(ctx, m)
	var e *Error
	if errors.As(err, &e) {
		c.count(ctx, refusedCounter(e.Kind))
		// m.To is logged only once it is known to be an imid: an XMPP user
		// may well have written to <phone number>@gateway.
		to := "?"
		if e.Kind != KindNotFound && e.Kind != KindBadRequest && e.Kind != KindForbidden {
			to = string(m.To)
		}
		c.log.Debug("relay: XMPP message refused", "imid", to, "kind", e.Kind.String(), "err", e.Err)
	}
	return err
}

func (c *Core) fromXMPP(ctx context.Context, m XMPPMessage) error {
	now := c.now()
	from, ok := bareJID(m.From)
	if !ok {
		return refusal(KindBadRequest, "Bad sender address.")
	}
	if !c.allowed[jidDomain(from)] {
		return refusal(KindForbidden, "Your server may not send SMS through this gateway.")
	}
	if strings.TrimSpace(m.Body) == "" {
		return refusal(KindBadRequest, "Empty message.")
	}
	b, err := c.st.GetBindingByIMID(ctx, string(m.To))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return refusal(KindNotFound, "No such SMS user.")
	case err != nil:
		return internalError(err)
	}
	ok, err = c.available(ctx, b)
	if err != nil {
		return internalError(err)
	}
	if !ok {
		return refusal(KindUnavailable, "The SMS user does not receive messages.")
	}
	blocked, err := c.st.IsBlocked(ctx, b.IMID, from)
	if err != nil {
		return internalError(err)
	}
	if blocked {
		return refusal(KindForbidden, "The SMS user does not accept your messages.")
	}
	body := from + ": " + m.Body
	if max := c.cfg.MaxSegments; max > 0 {
		if n := c.segments(body); n > max {
			return refusal(KindTooLong, fmt.Sprintf("Message too long: %d SMS, at most %d.", n, max))
		}
	}
	if !c.loops.pass(from, peerOf(b.IMID), m.Body, now) {
		return refusal(KindRateLimited, "Repeated message refused: this looks like a message loop.")
	}
	if !c.rate.allow(from, now) {
		return refusal(KindRateLimited, fmt.Sprintf("Too many messages: at most %d per minute.", c.cfg.SMSPerMinute))
	}
	phone, err := ident.ParsePhone(b.Phone, "")
	if err != nil {
		return internalError(fmt.Errorf("relay: stored phone number of %s unusable: %w", b.IMID, err))
	}
	id := m.ID
	if id == "" {
		id = m.OriginID
	}
	meta := SMSMeta{Source: from, ReplyTo: m.From, OriginID: id, WantReceipt: m.WantReceipt, FromIMID: m.To}
	// The daily count, the counter and the sticky correspondent commit
	// with the queued message, in one transaction.
	c.pruneDays(ctx, now.UTC().Format(time.DateOnly))
	err = c.sms.Send(ctx, phone, body, meta, func(tx *store.Tx) error {
		if err := c.takeDailyTx(ctx, tx, from, now); err != nil {
			return err
		}
		return tx.RecordRelay(ctx, counterXMPPToSMS, store.Sticky{Owner: b.IMID, Peer: from, At: now})
	})
	switch {
	case errors.Is(err, errOverDay):
		return refusal(KindRateLimited, fmt.Sprintf("Daily limit of %d messages reached.", c.cfg.SMSPerDay))
	case err != nil:
		return internalError(err)
	}
	c.log.Debug("relay: XMPP to SMS", "jid", from, "imid", b.IMID)
	return nil
}
