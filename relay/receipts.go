package relay

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// Report hands back the final fate of an MT SMS (Inbound). For a message
// from an XMPP user (Meta.ReplyTo set): delivered -> a XEP-0184 receipt
// from the SMS user's JID, only if the sender asked for one; failed -> a
// message error (KindUnavailable) with the reason. Messages from SMS users
// and the gateway's own replies have no ReplyTo: nothing is ever texted
// about receipts. A non-nil error means the XMPP side could not take the
// answer; the caller may retry.
func (c *Core) Report(ctx context.Context, r DeliveryReport) error {
	if r.Delivered {
		c.count(ctx, counterDelivered)
	} else {
		c.count(ctx, counterFailed)
	}
	m := r.Meta
	if m.ReplyTo == "" {
		return nil
	}
	if r.Delivered {
		if !m.WantReceipt || m.OriginID == "" {
			return nil
		}
		if err := c.xmpp.Receipt(ctx, m.FromIMID, m.ReplyTo, m.OriginID); err != nil {
			return fmt.Errorf("relay: receipt: %w", err)
		}
		return nil
	}
	text := "SMS not delivered."
	if reason := scrubDigits(strings.TrimSpace(r.Reason)); reason != "" {
		text = "SMS not delivered: " + truncRunes(reason, 100)
	}
	e := &Error{Kind: KindUnavailable, Text: text}
	if err := c.xmpp.MessageError(ctx, m.FromIMID, m.ReplyTo, m.OriginID, e); err != nil {
		return fmt.Errorf("relay: delivery error: %w", err)
	}
	return nil
}

// longDigits matches what scrubDigits masks (runs of five digits or
// more) and what it keeps (hexadecimal status codes such as 0x0000000b).
var longDigits = regexp.MustCompile(`0[xX][0-9a-fA-F]+|[0-9]{5,}`)

// scrubDigits masks every run of more than four digits: a failure reason
// comes from the SMSC or the SMPP session and should hold none, but if one
// ever quoted an address it must not reach XMPP. Hexadecimal codes stay.
func scrubDigits(s string) string {
	return longDigits.ReplaceAllStringFunc(s, func(m string) string {
		if len(m) > 1 && (m[1] == 'x' || m[1] == 'X') {
			return m
		}
		return strings.Repeat("#", len(m))
	})
}
