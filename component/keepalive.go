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

// ping performs one keepalive round trip. A server that is still reading
// what this link sent before the ping (a room's broadcast can queue many
// seconds of work in front of it) is slow, not dead: while the link's
// unacknowledged output keeps shrinking, the wait is extended by another
// KeepaliveTimeout.
func (l *Link) ping(ctx context.Context) error {
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	iq := l.pingIQ()
	start := time.Now()
	answered := make(chan error, 1)
	go func() {
		_, err := l.SendIQ(pctx, iq)
		answered <- err
	}()
	queued := l.unacked()
	timer := time.NewTimer(l.cfg.KeepaliveTimeout)
	defer timer.Stop()
	for {
		select {
		case err := <-answered:
			if err != nil {
				return fmt.Errorf("component: keepalive: %w", err)
			}
			l.log.Debug("keepalive", "rtt", time.Since(start))
			l.setStatus(func(s *LinkStatus) { s.Keepalives++ })
			return nil
		case <-timer.C:
			if now := l.unacked(); queued > 0 && now >= 0 && now < queued {
				l.log.Debug("keepalive late; the server is still reading our output", "unacked", now, "waited", time.Since(start))
				queued = now
				timer.Reset(l.cfg.KeepaliveTimeout)
				continue
			}
			cancel()
			<-answered
			return fmt.Errorf("component: keepalive: no answer within %s", time.Since(start).Round(time.Millisecond))
		}
	}
}

// pingIQ is a ping from the link's domain to itself, which the server
// routes back down the link and the read loop answers.
func (l *Link) pingIQ() *Element {
	d := l.Domain()
	return NewElement(NSComponent, KindIQ, "type", TypeGet,
		"id", fmt.Sprintf("%s%s-%d", keepalivePrefix, d, l.kaSeq.Add(1)),
		"from", d, "to", d).Add(NewElement(NSPing, "ping"))
}

// roundTrip sends a ping through the server to the link's domain and
// waits up to KeepaliveTimeout for it to come back (Flush).
func (l *Link) roundTrip(ctx context.Context) error {
	pctx, cancel := context.WithTimeout(ctx, l.cfg.KeepaliveTimeout)
	defer cancel()
	if _, err := l.SendIQ(pctx, l.pingIQ()); err != nil {
		return fmt.Errorf("no answer within %s: %w", l.cfg.KeepaliveTimeout, err)
	}
	return nil
}

// unacked returns the bytes written on the current connection that the
// server has not acknowledged yet (-1: unknown or not connected).
func (l *Link) unacked() int {
	l.mu.Lock()
	conn := l.conn
	l.mu.Unlock()
	if conn == nil {
		return -1
	}
	n := outQueue(conn)
	if b, ok := conn.(*batchConn); ok && n >= 0 {
		n += b.buffered()
	}
	return n
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
