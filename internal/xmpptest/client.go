// Package xmpptest is a small XMPP client for end-to-end tests: it logs in
// to a real server (STARTTLS without certificate checks, SCRAM or PLAIN),
// sends stanzas built as component.Element trees and lets a test await the
// stanza it expects.
package xmpptest

import (
	"context"
	"crypto/tls"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"mellium.im/sasl"
	"mellium.im/xmpp"
	"mellium.im/xmpp/jid"

	"github.com/mpimis/mpimis/component"
)

// Client is a logged-in XMPP client session.
type Client struct {
	JID  jid.JID // full JID after resource binding
	sess *xmpp.Session
	conn net.Conn

	mu      sync.Mutex
	inbox   []*component.Element
	notify  chan struct{}
	readErr error
	done    chan struct{}
}

// Dial connects to addr (host:port) and logs in as user@domain.
func Dial(ctx context.Context, addr, user, domain, password string) (*Client, error) {
	origin, err := jid.New(user, domain, "")
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	sess, err := xmpp.NewClientSession(ctx, origin, conn,
		xmpp.StartTLS(&tls.Config{ServerName: domain, InsecureSkipVerify: true}),
		xmpp.SASL("", password, sasl.ScramSha1, sasl.Plain),
		xmpp.BindResource(),
	)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("xmpptest: login %s: %w", origin, err)
	}
	_ = conn.SetDeadline(time.Time{})
	c := &Client{JID: sess.LocalAddr(), sess: sess, conn: conn, notify: make(chan struct{}, 1), done: make(chan struct{})}
	go c.readLoop()
	return c, nil
}

func (c *Client) readLoop() {
	defer close(c.done)
	r := c.sess.TokenReader()
	defer r.Close()
	for {
		tok, err := r.Token()
		if err != nil {
			c.setErr(err)
			return
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			if end, ok := tok.(xml.EndElement); ok && end.Name.Local == "stream" {
				c.setErr(io.EOF)
				return
			}
			continue
		}
		el, err := component.DecodeElement(r, start)
		if err != nil {
			c.setErr(err)
			return
		}
		c.mu.Lock()
		c.inbox = append(c.inbox, el)
		c.mu.Unlock()
		select {
		case c.notify <- struct{}{}:
		default:
		}
	}
}

func (c *Client) setErr(err error) {
	c.mu.Lock()
	c.readErr = err
	c.mu.Unlock()
	select {
	case c.notify <- struct{}{}:
	default:
	}
}

// Send writes a stanza. Top-level elements in the component namespace are
// written without a namespace, so they take the client stream's.
func (c *Client) Send(ctx context.Context, st *component.Element) error {
	return c.sess.Send(ctx, st.TokenReader())
}

// Expect waits for the first received stanza (not yet consumed) that match
// accepts, removes it from the inbox and returns it.
func (c *Client) Expect(ctx context.Context, match func(*component.Element) bool) (*component.Element, error) {
	for {
		c.mu.Lock()
		for i, el := range c.inbox {
			if match(el) {
				c.inbox = append(c.inbox[:i], c.inbox[i+1:]...)
				c.mu.Unlock()
				return el, nil
			}
		}
		rerr := c.readErr
		c.mu.Unlock()
		if rerr != nil {
			return nil, fmt.Errorf("xmpptest: stream ended: %w", rerr)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("xmpptest: expected stanza never came: %w", ctx.Err())
		case <-c.notify:
		}
	}
}

// IQ sends an iq (an id is set if missing) and waits for its answer.
func (c *Client) IQ(ctx context.Context, iq *component.Element) (*component.Element, error) {
	if iq.Get("id") == "" {
		iq.SetAttr("id", component.NewID("t-"))
	}
	id := iq.Get("id")
	if err := c.Send(ctx, iq); err != nil {
		return nil, err
	}
	return c.Expect(ctx, func(el *component.Element) bool {
		return el.Name.Local == "iq" && el.Get("id") == id && (el.Get("type") == "result" || el.Get("type") == "error")
	})
}

// Close ends the session.
func (c *Client) Close() error {
	err := c.sess.Close()
	select {
	case <-c.done:
	case <-time.After(2 * time.Second):
	}
	return errors.Join(err, c.conn.Close())
}

// NewIQ builds an iq of type typ to the given JID with one payload.
func NewIQ(typ, to string, payload *component.Element) *component.Element {
	return component.NewElement(component.NSComponent, "iq", "type", typ, "to", to).Add(payload)
}
