package xmpptest

import (
	"context"
	"fmt"
	"time"

	"github.com/mpimis/mpimis/component"
)

// Abort closes the client's TCP connection without ending the stream, as
// a crashed client or a lost network would: the server notices on its
// own.
func (c *Client) Abort() error {
	err := c.conn.Close()
	select {
	case <-c.done:
	case <-time.After(2 * time.Second):
	}
	return err
}

// Discard removes every received stanza that match accepts and returns
// how many it removed. Load tests use it to keep inboxes small.
func (c *Client) Discard(match func(*component.Element) bool) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	kept := c.inbox[:0]
	n := 0
	for _, el := range c.inbox {
		if match(el) {
			n++
			continue
		}
		kept = append(kept, el)
	}
	clear(c.inbox[len(kept):])
	c.inbox = kept
	return n
}

// WaitCount waits until n stanzas that match accepts have been received,
// consuming them, and drops everything else received meanwhile (for load
// tests, where only counts matter).
func (c *Client) WaitCount(ctx context.Context, match func(*component.Element) bool, n int) error {
	got := 0
	for {
		c.mu.Lock()
		for _, el := range c.inbox {
			if match(el) {
				got++
			}
		}
		clear(c.inbox)
		c.inbox = c.inbox[:0]
		rerr := c.readErr
		c.mu.Unlock()
		if got >= n {
			return nil
		}
		if rerr != nil {
			return fmt.Errorf("xmpptest: stream ended after %d of %d stanzas: %w", got, n, rerr)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("xmpptest: %d of %d stanzas came: %w", got, n, ctx.Err())
		case <-c.notify:
		}
	}
}
