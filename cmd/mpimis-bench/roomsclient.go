package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// rclient is the rooms mode's XMPP client: plain TCP (loopback, SASL
// PLAIN, which the bench's Prosody allows without TLS), raw XML writes and
// the scanner for reading, so that thousands of sessions receiving a
// million presences cost the bench little next to the servers it
// measures. The same client is used against Prosody's MUC and ours.
type rclient struct {
	idx  int
	nick string
	jid  string // full JID after binding
	conn net.Conn

	wmu sync.Mutex // serialises writes

	handler atomic.Pointer[stanzaHandler] // called on the read loop for every stanza
	self    chan selfPresence             // presences about this client itself (status 110)
	recv    *atomic.Int64                 // stanzas received by all clients

	// view is what this client believes the occupants of each room are,
	// kept while tracking is on.
	mu       sync.Mutex
	tracking bool
	view     map[string]map[string]bool // room bare JID -> nicks
}

// stanzaHandler sees every stanza a client receives, with its arrival
// time; el is only valid during the call.
type stanzaHandler func(c *rclient, el []byte, at time.Time)

// selfPresence is a presence from a room about this client's own
// occupant (it carries status 110).
type selfPresence struct {
	from        string // room/nick
	unavailable bool
	at          time.Time
}

// dialRooms logs user@userHost in on addr, binds a resource and sends
// initial presence, then starts the read loop.
func dialRooms(ctx context.Context, addr, user, pw string, idx int, recv *atomic.Int64) (*rclient, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	c := &rclient{idx: idx, nick: user, conn: conn, self: make(chan selfPresence, 64), recv: recv}
	sc := newStanzaScanner(conn)
	if err := c.login(sc, user, pw); err != nil {
		conn.Close()
		return nil, fmt.Errorf("bench: login %s: %w", user, err)
	}
	_ = conn.SetDeadline(time.Time{})
	go c.readLoop(sc)
	if err := c.send("<presence/>"); err != nil {
		conn.Close()
		return nil, err
	}
	return c, nil
}

func streamHeader() string {
	return "<?xml version='1.0'?><stream:stream to='" + userHost +
		"' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"
}

// login runs the stream negotiation: SASL PLAIN, stream restart, bind.
func (c *rclient) login(sc *stanzaScanner, user, pw string) error {
	expect := func(name string) ([]byte, error) {
		el, err := sc.next()
		if err != nil {
			return nil, err
		}
		if n := elName(el); n != name {
			return nil, fmt.Errorf("got <%s>, want <%s>: %.200s", n, name, el)
		}
		return el, nil
	}
	if err := c.send(streamHeader()); err != nil {
		return err
	}
	if _, err := expect("stream:features"); err != nil {
		return err
	}
	cred := base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + pw))
	if err := c.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + cred + "</auth>"); err != nil {
		return err
	}
	if _, err := expect("success"); err != nil {
		return err
	}
	if err := c.send(streamHeader()); err != nil {
		return err
	}
	if _, err := expect("stream:features"); err != nil {
		return err
	}
	if err := c.send("<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>bench</resource></bind></iq>"); err != nil {
		return err
	}
	el, err := expect("iq")
	if err != nil {
		return err
	}
	if t, _ := elAttr(el, "type"); t != "result" {
		return fmt.Errorf("bind failed: %.200s", el)
	}
	c.jid = elChildText(el, "jid")
	if c.jid == "" {
		return fmt.Errorf("bind result without a JID: %.200s", el)
	}
	return nil
}

// send writes raw XML.
func (c *rclient) send(s string) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.conn.SetWriteDeadline(time.Now().Add(30 * time.Second))
	if _, err := c.conn.Write([]byte(s)); err != nil {
		return fmt.Errorf("bench: client %d: %w", c.idx, err)
	}
	return nil
}

// join asks to enter room as this client's nick, without history.
func (c *rclient) join(room string) error {
	return c.send("<presence to='" + escapeXML(room+"/"+c.nick) + "'><x xmlns='http://jabber.org/protocol/muc'><history maxstanzas='0'/></x></presence>")
}

// leave leaves room.
func (c *rclient) leave(room string) error {
	return c.send("<presence type='unavailable' to='" + escapeXML(room+"/"+c.nick) + "'/>")
}

// groupchat sends body to room.
func (c *rclient) groupchat(room, body string) error {
	return c.send("<message type='groupchat' to='" + escapeXML(room) + "'><body>" + escapeXML(body) + "</body></message>")
}

// waitSelf waits for this client's own presence from room (available or
// unavailable, as asked); other self presences are dropped.
func (c *rclient) waitSelf(ctx context.Context, room string, unavailable bool) (time.Time, error) {
	want := room + "/" + c.nick
	for {
		select {
		case p := <-c.self:
			if p.from == want && p.unavailable == unavailable {
				return p.at, nil
			}
		case <-ctx.Done():
			what := "join"
			if unavailable {
				what = "leave"
			}
			return time.Time{}, fmt.Errorf("bench: client %d: no self-presence for its %s of %s: %w", c.idx, what, room, ctx.Err())
		}
	}
}

// setTracking turns the occupant view on (cleared) or off.
func (c *rclient) setTracking(on bool) {
	c.mu.Lock()
	c.tracking = on
	c.view = make(map[string]map[string]bool)
	c.mu.Unlock()
}

// occupants returns this client's view of room's occupants.
func (c *rclient) occupants(room string) map[string]bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]bool, len(c.view[room]))
	for n := range c.view[room] {
		out[n] = true
	}
	return out
}

func (c *rclient) readLoop(sc *stanzaScanner) {
	for {
		el, err := sc.next()
		if err != nil {
			return
		}
		at := time.Now()
		c.recv.Add(1)
		if h := c.handler.Load(); h != nil {
			(*h)(c, el, at)
		}
		if len(el) < 9 || string(el[:9]) != "<presence" {
			continue
		}
		from, _ := elAttr(el, "from")
		typ, _ := elAttr(el, "type")
		if typ != "" && typ != "unavailable" {
			continue
		}
		self := hasStatus(el, "110")
		if self {
			select {
			case c.self <- selfPresence{from: from, unavailable: typ == "unavailable", at: at}:
			default: // nobody waits for it
			}
		}
		c.mu.Lock()
		if c.tracking {
			room, nick, ok := strings.Cut(from, "/")
			if ok {
				switch {
				case self && typ == "unavailable":
					delete(c.view, room)
				case typ == "unavailable":
					delete(c.view[room], nick)
				default:
					if c.view[room] == nil {
						c.view[room] = make(map[string]bool)
					}
					c.view[room][nick] = true
				}
			}
		}
		c.mu.Unlock()
	}
}

// close ends the session.
func (c *rclient) close() {
	_ = c.send("</stream:stream>")
	_ = c.conn.Close()
}
