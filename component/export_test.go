package component

import (
	"net"
	"testing"
	"time"
)

// FakeServer gives the external tests of this package (package
// component_test, which may import rooms and relay) the XEP-0114 test
// server of fakeserver_test.go. It routes the stanzas a component sends
// to its own domain back to it, as a real server does.
type FakeServer struct{ s *fakeServer }

// FakeConn is one handshaken component stream of a FakeServer.
type FakeConn struct{ c *fakeConn }

// NewFakeServer starts a fake server on loopback; it stops with tb, which
// may be a *testing.F (the server only uses tb here).
func NewFakeServer(tb testing.TB, secret string) *FakeServer {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &fakeServer{ln: ln, secret: secret, routeSelf: true, conns: make(chan *fakeConn, 16)}
	go s.accept()
	tb.Cleanup(func() { ln.Close() })
	return &FakeServer{s}
}

// Addr is the server's component port.
func (f *FakeServer) Addr() string { return f.s.addr() }

// NextConn waits for the next component to complete its handshake.
func (f *FakeServer) NextConn(tb testing.TB, timeout time.Duration) *FakeConn {
	tb.Helper()
	select {
	case c := <-f.s.conns:
		return &FakeConn{c}
	case <-time.After(timeout):
		tb.Fatalf("no component handshake within %s", timeout)
		return nil
	}
}

// Send writes a stanza to the component, as the server routes one.
func (c *FakeConn) Send(el *Element) { c.c.send(el) }

// Received yields what the component sent (other than to its own domain);
// it is closed when the stream ends.
func (c *FakeConn) Received() <-chan *Element { return c.c.recv }
