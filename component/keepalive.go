package component

import (
	"context"
	"fmt"
	"strings"
	"time"
)

const keepalivePrefix = "mpimis-ka-"

// keepalive proves the link end to end every Keepalive interval: it sends
// a XEP-0199 ping from the component's domain to itself, which the server
// routes back down the same link; the read loop answers it, and the answer
// travels the same way once more. Any answer — even an error from a server
// that refuses the loop — proves the link carries traffic both ways. No
// answer within KeepaliveTimeout means the link is dead: keepalive returns
// an error and the link is redialled.
func (l *Link) keepalive(ctx context.Context) error {
	t := time.NewTicker(l.cfg.Keepalive)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if err := l.ping(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
}

// ping performs one keepalive round trip.
func (l *Link) ping(ctx context.Context) error {
	start := time.Now()
	if err := l.roundTrip(ctx); err != nil {
		return fmt.Errorf("component: keepalive: %w", err)
	}
	l.log.Debug("keepalive", "rtt", time.Since(start))
	l.setStatus(func(s *LinkStatus) { s.Keepalives++ })
	return nil
}

// roundTrip sends a ping from the link's domain to itself through the
// server and waits up to KeepaliveTimeout for it to come back.
func (l *Link) roundTrip(ctx context.Context) error {
	pctx, cancel := context.WithTimeout(ctx, l.cfg.KeepaliveTimeout)
	defer cancel()
	d := l.Domain()
	iq := NewElement(NSComponent, KindIQ, "type", TypeGet,
		"id", fmt.Sprintf("%s%s-%d", keepalivePrefix, d, l.kaSeq.Add(1)),
		"from", d, "to", d).Add(NewElement(NSPing, "ping"))
	if _, err := l.SendIQ(pctx, iq); err != nil {
		return fmt.Errorf("no answer within %s: %w", l.cfg.KeepaliveTimeout, err)
	}
	return nil
}

// answerKeepalive answers, on the read loop, the keepalive pings of this
// process (sent by a link from its domain to itself; with ejabberd it may
// arrive on a sibling link), so a busy handler cannot make a healthy link
// look dead. Only the server can set a from of our own domain.
func (l *Link) answerKeepalive(st *Element) bool {
	if st.Name.Local != KindIQ || st.Get("type") != TypeGet ||
		!strings.HasPrefix(st.Get("id"), keepalivePrefix) || st.Get("from") == "" || st.Get("from") != st.Get("to") {
		return false
	}
	if p := Payload(st); p == nil || p.Name.Space != NSPing {
		return false
	}
	go l.Send(context.Background(), ResultFor(st))
	return true
}
