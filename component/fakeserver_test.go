package component

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net"
	"sync"
	"testing"
)

// fakeServer speaks the server side of XEP-0114 over loopback TCP: enough
// to test the link without a real XMPP server. If routeSelf is set,
// stanzas the component addresses to its own domain come back to it, as a
// real server routes them.
type fakeServer struct {
	t         *testing.T
	ln        net.Listener
	secret    string
	routeSelf bool
	conns     chan *fakeConn
}

type fakeConn struct {
	c    net.Conn
	dec  *xml.Decoder
	wmu  sync.Mutex
	recv chan *Element // stanzas not routed back
}

func newFakeServer(t *testing.T, secret string, routeSelf bool) *fakeServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &fakeServer{t: t, ln: ln, secret: secret, routeSelf: routeSelf, conns: make(chan *fakeConn, 16)}
	go s.accept()
	t.Cleanup(func() { ln.Close() })
	return s
}

func (s *fakeServer) addr() string { return s.ln.Addr().String() }

func (s *fakeServer) accept() {
	for n := 0; ; n++ {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		go s.serve(c, fmt.Sprintf("stream-%d", n))
	}
}

func (s *fakeServer) serve(c net.Conn, id string) {
	fc := &fakeConn{c: c, dec: xml.NewDecoder(c), recv: make(chan *Element, 64)}
	var domain string
	for { // stream header
		tok, err := fc.dec.Token()
		if err != nil {
			c.Close()
			return
		}
		if st, ok := tok.(xml.StartElement); ok && st.Name.Local == "stream" {
			for _, a := range st.Attr {
				if a.Name.Local == "to" {
					domain = a.Value
				}
			}
			break
		}
	}
	fmt.Fprintf(c, `<?xml version='1.0'?><stream:stream xmlns:stream='%s' xmlns='%s' id='%s' from='%s'>`, NSStreams, NSComponent, id, domain)
	var hs struct {
		Text string `xml:",chardata"`
	}
	for {
		tok, err := fc.dec.Token()
		if err != nil {
			c.Close()
			return
		}
		if st, ok := tok.(xml.StartElement); ok {
			if err := fc.dec.DecodeElement(&hs, &st); err != nil {
				c.Close()
				return
			}
			break
		}
	}
	sum := sha1.Sum([]byte(id + s.secret))
	if hs.Text != hex.EncodeToString(sum[:]) {
		fmt.Fprintf(c, `<stream:error><not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>`)
		c.Close()
		return
	}
	fmt.Fprint(c, `<handshake/>`)
	s.conns <- fc
	defer close(fc.recv)
	for {
		tok, err := fc.dec.Token()
		if err != nil {
			return
		}
		switch t := tok.(type) {
		case xml.EndElement: // </stream:stream>
			fc.wmu.Lock()
			fmt.Fprint(c, `</stream:stream>`)
			fc.wmu.Unlock()
			c.Close()
			return
		case xml.StartElement:
			el, err := DecodeElement(fc.dec, t)
			if err != nil {
				return
			}
			if s.routeSelf && el.Get("to") == domain {
				fc.send(el)
				continue
			}
			fc.recv <- el
		}
	}
}

// send writes a stanza to the component.
func (fc *fakeConn) send(el *Element) {
	fc.wmu.Lock()
	defer fc.wmu.Unlock()
	enc := xml.NewEncoder(fc.c)
	_ = encodeTokens(enc, el, NSComponent)
	_ = enc.Flush()
}
