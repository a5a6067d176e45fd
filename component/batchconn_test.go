package component

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"testing"
	"time"
)

func TestBatchConnKeepsOrderAndBatches(t *testing.T) {
	a, b := net.Pipe()
	bc := newBatchConn(a)
	defer bc.Close()
	var want bytes.Buffer
	for i := range 2000 {
		fmt.Fprintf(&want, "<presence id='%d'/>", i)
	}
	got := make(chan []byte, 1)
	reads := make(chan int, 1)
	go func() {
		var buf bytes.Buffer
		n := 0
		p := make([]byte, 1<<20)
		for buf.Len() < want.Len() {
			k, err := b.Read(p)
			if err != nil {
				break
			}
			n++
			buf.Write(p[:k])
		}
		reads <- n
		got <- buf.Bytes()
	}()
	for i := range 2000 {
		if _, err := fmt.Fprintf(bc, "<presence id='%d'/>", i); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case g := <-got:
		if !bytes.Equal(g, want.Bytes()) {
			t.Fatalf("bytes differ: got %d, want %d", len(g), want.Len())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("not everything arrived")
	}
	if n := <-reads; n >= 2000 {
		t.Errorf("%d reads for 2000 writes: nothing was batched", n)
	}
}

func TestBatchConnFailsAfterPeerCloses(t *testing.T) {
	a, b := net.Pipe()
	bc := newBatchConn(a)
	defer bc.Close()
	b.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := bc.Write([]byte("<presence/>")); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("writes still succeed long after the peer closed")
		}
		time.Sleep(time.Millisecond)
	}
	if _, err := bc.Write([]byte("x")); err == nil {
		t.Error("a write after the failure succeeded")
	}
	if err := bc.Close(); err != nil && err != io.ErrClosedPipe {
		t.Errorf("close: %v", err)
	}
}
