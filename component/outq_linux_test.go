//go:build linux

package component

import (
	"io"
	"net"
	"testing"
	"time"
)

func TestOutQueue(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			accepted <- c
		}
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	peer := <-accepted
	defer peer.Close()
	if n := outQueue(c); n != 0 {
		t.Fatalf("idle connection: outQueue = %d, want 0", n)
	}
	// The peer does not read: once its receive buffer is full, what we
	// write stays unacknowledged.
	chunk := make([]byte, 64<<10)
	_ = c.SetWriteDeadline(time.Now().Add(200 * time.Millisecond))
	for {
		if _, err := c.Write(chunk); err != nil {
			break
		}
	}
	full := outQueue(c)
	if full <= 0 {
		t.Fatalf("peer not reading: outQueue = %d, want > 0", full)
	}
	// The peer reads everything: the queue drains.
	go func() { _, _ = io.Copy(io.Discard, peer) }()
	deadline := time.Now().Add(5 * time.Second)
	for outQueue(c) != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("outQueue still %d after the peer read (was %d)", outQueue(c), full)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := outQueue(&net.UnixConn{}); n != -1 {
		t.Errorf("not a TCP connection in use: outQueue = %d, want -1", n)
	}
}
