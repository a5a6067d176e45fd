package component

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"
)

// scriptedServer accepts one XEP-0114 connection and behaves as mode says:
// "accept" answers any handshake and records whether the component ends its
// stream; "error:<cond>" answers the handshake with that stream error;
// "eof" closes the connection after its stream header; "silent" sends a
// header and never answers the handshake.
type scriptedServer struct {
	ln          net.Listener
	endedStream chan bool // accept mode: true if </stream:stream> came before EOF
}

func newScriptedServer(t *testing.T, mode string) *scriptedServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &scriptedServer{ln: ln, endedStream: make(chan bool, 1)}
	t.Cleanup(func() { ln.Close() })
	go s.serve(mode)
	return s
}

func (s *scriptedServer) serve(mode string) {
	c, err := s.ln.Accept()
	if err != nil {
		return
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	dec := xml.NewDecoder(c)
	for {
		tok, err := dec.Token()
		if err != nil {
			return
		}
		if st, ok := tok.(xml.StartElement); ok && st.Name.Local == "stream" {
			break
		}
	}
	if mode == "eof" {
		return
	}
	fmt.Fprintf(c, `<?xml version='1.0'?><stream:stream xmlns:stream='%s' xmlns='%s' id='s1' from='x'>`, NSStreams, NSComponent)
	if mode == "silent" { // read until the component gives up
		for {
			if _, err := dec.Token(); err != nil {
				return
			}
		}
	}
	for { // the <handshake/> element
		tok, err := dec.Token()
		if err != nil {
			return
		}
		if _, ok := tok.(xml.StartElement); ok {
			_ = dec.Skip()
			break
		}
	}
	if cond, ok := strings.CutPrefix(mode, "error:"); ok {
		fmt.Fprintf(c, `<stream:error><%s xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>`, cond)
		return
	}
	fmt.Fprint(c, `<handshake/>`)
	for {
		tok, err := dec.Token()
		if err != nil {
			s.endedStream <- false
			return
		}
		if end, ok := tok.(xml.EndElement); ok && end.Name.Local == "stream" {
			fmt.Fprint(c, `</stream:stream>`)
			s.endedStream <- true
			return
		}
	}
}

func (s *scriptedServer) addr() string { return s.ln.Addr().String() }

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestCheckHandshake(t *testing.T) {
	cases := []struct {
		name      string
		addr      func(t *testing.T) string
		domain    string
		secret    string
		timeout   time.Duration
		condition string   // HandshakeError condition expected, "" for none
		want      []string // substrings of the error; nil means success
	}{
		{name: "right secret", addr: func(t *testing.T) string { return newFakeServer(t, "s3cret", false).addr() },
			domain: "sms.example.org", secret: "s3cret"},
		{name: "wrong secret", addr: func(t *testing.T) string { return newFakeServer(t, "s3cret", false).addr() },
			domain: "sms.example.org", secret: "wrong", condition: "not-authorized",
			want: []string{"the server refused the secret for sms.example.org (not-authorized)", "component_secret", "xmpp.secret differ"}},
		{name: "unknown domain", addr: func(t *testing.T) string { return newScriptedServer(t, "error:host-unknown").addr() },
			domain: "sms.example.org", secret: "s", condition: "host-unknown",
			want: []string{"has no Component section for sms.example.org (host-unknown)"}},
		{name: "conflict", addr: func(t *testing.T) string { return newScriptedServer(t, "error:conflict").addr() },
			domain: "sms.example.org", secret: "s", condition: "conflict",
			want: []string{"another component is already connected as sms.example.org", "is mpimis already running?"}},
		{name: "client port", addr: func(t *testing.T) string { return newScriptedServer(t, "error:invalid-namespace").addr() },
			domain: "sms.example.org", secret: "s", condition: "invalid-namespace",
			want: []string{"not the client port"}},
		{name: "other stream error", addr: func(t *testing.T) string { return newScriptedServer(t, "error:policy-violation").addr() },
			domain: "sms.example.org", secret: "s", condition: "policy-violation",
			want: []string{"stream error policy-violation"}},
		{name: "closed port", addr: closedPort, domain: "sms.example.org", secret: "s",
			want: []string{"nothing listens on 127.0.0.1:", "is the XMPP server running"}},
		{name: "connection closed", addr: func(t *testing.T) string { return newScriptedServer(t, "eof").addr() },
			domain: "sms.example.org", secret: "s",
			want: []string{"closed the connection during the handshake for sms.example.org"}},
		{name: "no answer", addr: func(t *testing.T) string { return newScriptedServer(t, "silent").addr() },
			domain: "sms.example.org", secret: "s", timeout: 300 * time.Millisecond,
			want: []string{"did not finish the handshake for sms.example.org in time"}},
		{name: "not a domain", addr: closedPort, domain: "user@sms.example.org", secret: "s",
			want: []string{"is not a domain JID"}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			timeout := c.timeout
			if timeout == 0 {
				timeout = 5 * time.Second
			}
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			err := CheckHandshake(ctx, c.addr(t), c.domain, c.secret)
			if c.want == nil {
				if err != nil {
					t.Fatalf("case %d: %v", i, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("case %d: accepted, want an error with %q", i, c.want)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("case %d: error %q lacks %q", i, err, w)
				}
			}
			if strings.Contains(err.Error(), c.secret) && c.secret != "s" {
				t.Errorf("case %d: error %q shows the secret", i, err)
			}
			var he *HandshakeError
			if got := errors.As(err, &he); got != (c.condition != "") || (got && he.Condition != c.condition) {
				t.Errorf("case %d: HandshakeError %v (%+v), want condition %q", i, got, he, c.condition)
			}
		})
	}
}

// TestCheckHandshakeEndsStream: an accepted check ends its stream with
// </stream:stream> rather than dropping the connection.
func TestCheckHandshakeEndsStream(t *testing.T) {
	s := newScriptedServer(t, "accept")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := CheckHandshake(ctx, s.addr(), "sms.example.org", "s"); err != nil {
		t.Fatal(err)
	}
	select {
	case ended := <-s.endedStream:
		if !ended {
			t.Error("the connection was dropped without </stream:stream>")
		}
	case <-ctx.Done():
		t.Fatal("the server never saw the end of the stream")
	}
}

func TestDialError(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"refused", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, "nothing listens on h:1"},
		{"dns", &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "h"}}, "cannot resolve the host of h:1 (no such host)"},
		{"timeout", context.DeadlineExceeded, "no answer from h:1 in time"},
		{"other", errors.New("boom"), "cannot connect to h:1: boom"},
	}
	for i, c := range cases {
		err := DialError("h:1", c.err)
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("case %d (%s): %q lacks %q", i, c.name, err, c.want)
		}
		if !errors.Is(err, c.err) {
			t.Errorf("case %d (%s): does not wrap the cause", i, c.name)
		}
	}
}
