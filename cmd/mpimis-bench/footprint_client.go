package main

import (
	"bufio"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/mpimis/mpimis/component"
)

// guest is a minimal XMPP client session for the footprint bench: an
// anonymous login (SASL ANONYMOUS on Prosody's guest host, no TLS, as a
// browser widget on a page would have) written as raw XML, so that 5,000
// of them cost the bench little. Once it has joined its room it reads and
// discards everything.
type guest struct {
	conn net.Conn
	br   *bufio.Reader
	dec  *xml.Decoder
}

const (
	nsSASL = "urn:ietf:params:xml:ns:xmpp-sasl"
	nsBind = "urn:ietf:params:xml:ns:xmpp-bind"
)

// dialGuest connects to addr and logs in anonymously on host.
func dialGuest(ctx context.Context, addr, host string) (g *guest, err error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	g = &guest{conn: conn, br: bufio.NewReaderSize(conn, 1024)}
	defer func() {
		if err != nil {
			conn.Close()
		}
	}()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	if err := g.open(host); err != nil {
		return nil, err
	}
	if _, err := g.next(); err != nil { // features
		return nil, err
	}
	if err := g.write(fmt.Sprintf("<auth xmlns='%s' mechanism='ANONYMOUS'/>", nsSASL)); err != nil {
		return nil, err
	}
	el, err := g.next()
	if err != nil {
		return nil, err
	}
	if el.Name.Local != "success" {
		return nil, fmt.Errorf("bench: anonymous login refused: <%s>", el.Name.Local)
	}
	if err := g.open(host); err != nil {
		return nil, err
	}
	if _, err := g.next(); err != nil {
		return nil, err
	}
	if err := g.write(fmt.Sprintf("<iq type='set' id='bind'><bind xmlns='%s'/></iq>", nsBind)); err != nil {
		return nil, err
	}
	if el, err = g.next(); err != nil {
		return nil, err
	}
	if el.Name.Local != "iq" || el.Get("type") != "result" {
		return nil, fmt.Errorf("bench: resource binding failed: <%s type=%q>", el.Name.Local, el.Get("type"))
	}
	_ = conn.SetDeadline(time.Time{})
	return g, nil
}

// open sends a stream header and reads the server's, starting a new
// decoder (the stream restarts after SASL).
func (g *guest) open(host string) error {
	if err := g.write(fmt.Sprintf("<?xml version='1.0'?><stream:stream to='%s' version='1.0' "+
		"xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>", host)); err != nil {
		return err
	}
	g.dec = xml.NewDecoder(g.br)
	for {
		tok, err := g.dec.Token()
		if err != nil {
			return fmt.Errorf("bench: stream header: %w", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if se.Name.Local != "stream" {
				return fmt.Errorf("bench: expected a stream header, got <%s>", se.Name.Local)
			}
			return nil
		}
	}
}

func (g *guest) write(s string) error {
	_, err := io.WriteString(g.conn, s)
	return err
}

// next returns the next top-level element of the stream.
func (g *guest) next() (*component.Element, error) {
	for {
		tok, err := g.dec.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return component.DecodeElement(g.dec, t)
		case xml.EndElement:
			return nil, errors.New("bench: the server closed the stream")
		}
	}
}

// join enters room (a bare room JID) as nick, telling it the page it is
// on, and waits for its own presence (status 110). History is declined:
// the bench measures mpimis, not history replay.
func (g *guest) join(ctx context.Context, room, nick, url string) error {
	if dl, ok := ctx.Deadline(); ok {
		_ = g.conn.SetDeadline(dl)
		defer g.conn.SetDeadline(time.Time{})
	}
	self := room + "/" + nick
	err := g.write(fmt.Sprintf("<presence to='%s'><x xmlns='http://jabber.org/protocol/muc'><history maxstanzas='0'/></x>"+
		"<page xmlns='urn:mpimis:page' url='%s' title='Footprint %s'/></presence>", escapeAttr(self), escapeAttr(url), escapeAttr(nick)))
	if err != nil {
		return err
	}
	for {
		el, err := g.next()
		if err != nil {
			return fmt.Errorf("bench: join %s: %w", room, err)
		}
		if el.Name.Local != "presence" || el.Get("from") != self {
			continue
		}
		if el.Get("type") == "error" {
			return fmt.Errorf("bench: join %s refused: %s", room, el)
		}
		return nil
	}
}

// discard reads and drops everything until the connection closes.
func (g *guest) discard() {
	buf := make([]byte, 512)
	for {
		if _, err := g.br.Read(buf); err != nil {
			return
		}
	}
}

// close ends the stream and the connection.
func (g *guest) close() {
	_ = g.conn.SetWriteDeadline(time.Now().Add(time.Second))
	_ = g.write("</stream:stream>")
	_ = g.conn.Close()
}

// guests is a crowd of joined sessions.
type guests struct {
	mu  sync.Mutex
	all []*guest
}

func (gs *guests) add(g *guest) {
	gs.mu.Lock()
	gs.all = append(gs.all, g)
	gs.mu.Unlock()
}

func (gs *guests) closeAll() {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	for _, g := range gs.all {
		g.close()
	}
	gs.all = nil
}

// fpRoomURL is the page of footprint room r.
func fpRoomURL(r int) string { return fmt.Sprintf("https://footprint.example/page/%d", r) }

// escapeAttr makes s safe inside a single-quoted XML attribute.
func escapeAttr(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // escapes ' as &#39; too
	return b.String()
}
