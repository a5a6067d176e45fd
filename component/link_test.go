package component

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

const testDomain = "sms.example.org"

func startLink(t *testing.T, srv *fakeServer, secret string, h Handler, tweak func(*LinkConfig)) *Link {
	t.Helper()
	cfg := LinkConfig{Addr: srv.addr(), Domain: testDomain, Secret: secret,
		ReconnectMin: 10 * time.Millisecond, ReconnectMax: 50 * time.Millisecond}
	if tweak != nil {
		tweak(&cfg)
	}
	l, err := NewLink(cfg, h)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { l.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return l
}

// waitStatus waits until cond holds for the link's status.
func waitStatus(t *testing.T, l *Link, what string, cond func(LinkStatus) bool) LinkStatus {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		ch := l.Changed()
		if s := l.Status(); cond(s) {
			return s
		}
		select {
		case <-ch:
		case <-ctx.Done():
			t.Fatalf("link never reached %s; status %+v", what, l.Status())
		}
	}
}

func nextConn(t *testing.T, srv *fakeServer) *fakeConn {
	t.Helper()
	select {
	case fc := <-srv.conns:
		return fc
	case <-time.After(10 * time.Second):
		t.Fatal("component never completed a handshake")
		return nil
	}
}

func recv(t *testing.T, fc *fakeConn) *Element {
	t.Helper()
	select {
	case el, ok := <-fc.recv:
		if !ok {
			t.Fatal("connection closed")
		}
		return el
	case <-time.After(10 * time.Second):
		t.Fatal("no stanza from the component")
		return nil
	}
}

func iqFrom(id, to string, payload *Element) *Element {
	return NewElement(NSComponent, KindIQ, "type", TypeGet, "id", id, "from", "alice@example.org/phone", "to", to).Add(payload)
}

func TestServiceAnswers(t *testing.T) {
	srv := newFakeServer(t, "s3cret", false)
	startLink(t, srv, "s3cret", NewGatewayService("1.2.3", nil), nil)
	fc := nextConn(t, srv)

	cases := []struct {
		name  string
		in    *Element
		check func(t *testing.T, out *Element)
	}{
		{"disco#info", iqFrom("1", testDomain, NewElement(NSDiscoInfo, "query")), func(t *testing.T, out *Element) {
			q := out.Child(NSDiscoInfo, "query")
			if out.Get("type") != TypeResult || q == nil {
				t.Fatalf("not a disco result: %s", out)
			}
			id := q.Child(NSDiscoInfo, "identity")
			if id == nil || id.Get("category") != "gateway" || id.Get("type") != "sms" {
				t.Errorf("identity = %v", id)
			}
			var feats []string
			for _, c := range q.Children {
				if c.Name.Local == "feature" {
					feats = append(feats, c.Get("var"))
				}
			}
			for _, want := range []string{NSPing, NSVersion, NSDiscoInfo, NSDiscoItem} {
				if !strings.Contains(strings.Join(feats, " "), want) {
					t.Errorf("feature %s missing from %v", want, feats)
				}
			}
		}},
		{"disco#items", iqFrom("2", testDomain, NewElement(NSDiscoItem, "query")), func(t *testing.T, out *Element) {
			if out.Get("type") != TypeResult || out.Child(NSDiscoItem, "query") == nil {
				t.Fatalf("bad items answer: %s", out)
			}
		}},
		{"disco#info of unknown node", iqFrom("3", testDomain, NewElement(NSDiscoInfo, "query", "node", "x")), func(t *testing.T, out *Element) {
			if se := ParseStanzaError(out); se == nil || se.Condition != CondItemNotFound {
				t.Fatalf("want item-not-found, got %s", out)
			}
		}},
		{"ping", iqFrom("4", testDomain, NewElement(NSPing, "ping")), func(t *testing.T, out *Element) {
			if out.Get("type") != TypeResult || out.Get("from") != testDomain || out.Get("to") != "alice@example.org/phone" {
				t.Fatalf("bad ping answer: %s", out)
			}
		}},
		{"version", iqFrom("5", testDomain, NewElement(NSVersion, "query")), func(t *testing.T, out *Element) {
			q := out.Child(NSVersion, "query")
			if q == nil || q.ChildText(NSVersion, "name") != "mpimis" || q.ChildText(NSVersion, "version") != "1.2.3" {
				t.Fatalf("bad version answer: %s", out)
			}
		}},
		{"unknown payload", iqFrom("6", testDomain, NewElement("urn:example:nope", "query")), func(t *testing.T, out *Element) {
			if se := ParseStanzaError(out); se == nil || se.Condition != CondServiceUnavailable || se.Type != ErrTypeCancel {
				t.Fatalf("want service-unavailable, got %s", out)
			}
		}},
		{"iq with two payloads", iqFrom("7", testDomain, NewElement(NSPing, "ping")).Add(NewElement(NSPing, "ping")), func(t *testing.T, out *Element) {
			if se := ParseStanzaError(out); se == nil || se.Condition != CondBadRequest {
				t.Fatalf("want bad-request, got %s", out)
			}
		}},
		{"message with body", NewElement(NSComponent, KindMessage, "id", "8", "type", "chat", "from", "alice@example.org/phone", "to", "123@"+testDomain).Add(NewElement(NSComponent, "body").WithText("hi")), func(t *testing.T, out *Element) {
			if out.Name.Local != KindMessage || out.Get("id") != "8" {
				t.Fatalf("want a message error for id 8, got %s", out)
			}
			if se := ParseStanzaError(out); se == nil || se.Condition != CondServiceUnavailable {
				t.Fatalf("want service-unavailable, got %s", out)
			}
		}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fc.send(c.in)
			out := recv(t, fc)
			if out.Get("id") != c.in.Get("id") {
				t.Fatalf("case %d: answer to id %q, want %q: %s", i, out.Get("id"), c.in.Get("id"), out)
			}
			c.check(t, out)
		})
	}

	// Stanzas that must not be answered: an error message, a bodyless
	// message, an iq result. The ping after them must be the next answer.
	fc.send(NewElement(NSComponent, KindMessage, "type", TypeError, "id", "e1", "from", "a@b", "to", testDomain))
	fc.send(NewElement(NSComponent, KindMessage, "type", "chat", "id", "e2", "from", "a@b", "to", "1@"+testDomain).Add(NewElement("http://jabber.org/protocol/chatstates", "composing")))
	fc.send(NewElement(NSComponent, KindIQ, "type", TypeResult, "id", "e3", "from", "a@b", "to", testDomain))
	fc.send(iqFrom("after", testDomain, NewElement(NSPing, "ping")))
	if out := recv(t, fc); out.Get("id") != "after" {
		t.Fatalf("an unanswerable stanza was answered: %s", out)
	}
}

func TestWrongSecretIsReported(t *testing.T) {
	srv := newFakeServer(t, "right", false)
	l := startLink(t, srv, "wrong", NewGatewayService("", nil), nil)
	st := waitStatus(t, l, "a handshake error", func(s LinkStatus) bool { return s.LastError != "" })
	if !strings.Contains(st.LastError, "not-authorized") || !strings.Contains(st.LastError, "secret") {
		t.Fatalf("error does not explain the refused handshake: %q", st.LastError)
	}
	if strings.Contains(st.LastError, "wrong") || strings.Contains(st.LastError, "right") {
		t.Fatalf("error leaks a secret: %q", st.LastError)
	}
	if st.Connects != 0 {
		t.Fatalf("connects = %d", st.Connects)
	}
}

func TestReconnectsAfterServerCloses(t *testing.T) {
	srv := newFakeServer(t, "s", false)
	l := startLink(t, srv, "s", NewGatewayService("", nil), nil)
	fc := nextConn(t, srv)
	fc.c.Close()
	fc2 := nextConn(t, srv)
	waitStatus(t, l, "second connect", func(s LinkStatus) bool { return s.Connects == 2 && s.State == StateUp })
	fc2.send(iqFrom("p", testDomain, NewElement(NSPing, "ping")))
	if out := recv(t, fc2); out.Get("type") != TypeResult {
		t.Fatalf("no ping answer on the new connection: %s", out)
	}
}

func TestKeepaliveDetectsDeadLink(t *testing.T) {
	srv := newFakeServer(t, "s", false) // swallows the keepalive: link looks dead
	l := startLink(t, srv, "s", NewGatewayService("", nil), func(c *LinkConfig) {
		c.Keepalive = 50 * time.Millisecond
		c.KeepaliveTimeout = 50 * time.Millisecond
	})
	nextConn(t, srv)
	st := waitStatus(t, l, "a stall and a redial", func(s LinkStatus) bool { return s.Stalls >= 1 && s.Connects >= 2 })
	if !strings.Contains(st.LastError, "keepalive") && st.State != StateUp {
		t.Fatalf("last error %q does not name the keepalive", st.LastError)
	}
}

// blockingHandler blocks on every message until released.
type blockingHandler struct {
	release chan struct{}
	once    sync.Once
	entered chan struct{}
}

func (h *blockingHandler) HandleStanza(ctx context.Context, s Sender, st *Element) {
	if st.Name.Local == KindMessage {
		h.once.Do(func() { close(h.entered) })
		<-h.release
	}
}

func TestBusyHandlerDoesNotStallLink(t *testing.T) {
	srv := newFakeServer(t, "s", true) // routes keepalives back
	h := &blockingHandler{release: make(chan struct{}), entered: make(chan struct{})}
	defer close(h.release)
	l := startLink(t, srv, "s", h, func(c *LinkConfig) {
		c.Keepalive = 20 * time.Millisecond
		c.KeepaliveTimeout = 200 * time.Millisecond
	})
	fc := nextConn(t, srv)
	fc.send(NewElement(NSComponent, KindMessage, "from", "a@b", "to", testDomain))
	<-h.entered
	// With the handler stuck, keep the link busy for many keepalive rounds;
	// the read loop must answer every round itself.
	deadline := time.Now().Add(400 * time.Millisecond)
	for time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond) // let keepalive rounds happen; nothing to await
	}
	if st := l.Status(); st.Stalls != 0 || st.Connects != 1 {
		t.Fatalf("busy handler made the link look dead: %+v", st)
	}
}

// TestConcurrentSendsSurvive: many goroutines sending at once, each with a
// context that is cancelled right after its send, never break the stream
// (mellium must not be given contexts that end: it turns their end into a
// past write deadline that can hit a concurrent write).
func TestConcurrentSendsSurvive(t *testing.T) {
	srv := newFakeServer(t, "s", false)
	l := startLink(t, srv, "s", NewGatewayService("", nil), nil)
	fc := nextConn(t, srv)
	waitStatus(t, l, "up", func(s LinkStatus) bool { return s.State == StateUp })
	const senders, each = 8, 200
	var wg sync.WaitGroup
	errs := make(chan error, senders*each)
	for g := 0; g < senders; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				err := l.Send(ctx, NewElement(NSComponent, KindMessage, "from", testDomain, "to", "a@b", "id", "x").Add(NewElement(NSComponent, "body").WithText("hi")))
				cancel()
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	got := 0
	for got < senders*each {
		select {
		case _, ok := <-fc.recv:
			if !ok {
				t.Fatalf("server connection closed after %d stanzas; status %+v", got, l.Status())
			}
			got++
		case <-time.After(10 * time.Second):
			var first error
			select {
			case first = <-errs:
			default:
			}
			t.Fatalf("only %d of %d stanzas arrived; first send error %v; status %+v", got, senders*each, first, l.Status())
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("send failed: %v", err)
	}
	if st := l.Status(); st.Connects != 1 {
		t.Fatalf("link reconnected: %+v", st)
	}
}

// TestSilentServerDoesNotHangHandshake: a server that accepts the TCP
// connection but never answers the stream header cannot hold the link:
// the handshake deadline ends each attempt and the link keeps redialling.
func TestSilentServerDoesNotHangHandshake(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- c // held open, never answered
		}
	}()
	defer func() {
		for {
			select {
			case c := <-accepted:
				c.Close()
			default:
				return
			}
		}
	}()
	l, err := NewLink(LinkConfig{Addr: ln.Addr().String(), Domain: testDomain, Secret: "s",
		DialTimeout: 200 * time.Millisecond, ReconnectMin: 10 * time.Millisecond, ReconnectMax: 20 * time.Millisecond}, NewGatewayService("", nil))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { l.Run(ctx); close(done) }()
	for i := 0; i < 3; i++ { // three attempts, each ended by the deadline
		select {
		case <-accepted:
		case <-time.After(5 * time.Second):
			t.Fatalf("attempt %d never came: the handshake hangs (%+v)", i, l.Status())
		}
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	if st := l.Status(); st.Connects != 0 || st.LastError == "" {
		t.Fatalf("status %+v", st)
	}
}
