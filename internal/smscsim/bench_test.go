package smscsim

import (
	"bufio"
	"encoding/binary"
	"io"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"
)

// benchESME is a minimal raw ESME: pre-encoded submit_sm with only the
// sequence number patched, a window of outstanding submits, one writer and
// one reader goroutine. It allocates nothing per PDU, so the benchmark
// measures the simulator.
type benchESME struct {
	conn net.Conn
	r    *bufio.Reader
	wmu  sync.Mutex
	w    *bufio.Writer
}

func dialBench(b *testing.B, addr string) *benchESME {
	b.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = conn.Close() })
	e := &benchESME{conn: conn, r: bufio.NewReaderSize(conn, 64<<10), w: bufio.NewWriterSize(conn, 64<<10)}
	_, _ = e.w.Write(frame(0x09, 1, []byte("bench\x00pw\x00\x00\x34\x00\x00\x00")))
	if err := e.w.Flush(); err != nil {
		b.Fatal(err)
	}
	var hdr [16]byte
	if _, err := io.ReadFull(e.r, hdr[:]); err != nil {
		b.Fatal(err)
	}
	body := make([]byte, binary.BigEndian.Uint32(hdr[:4])-16)
	if _, err := io.ReadFull(e.r, body); err != nil || binary.BigEndian.Uint32(hdr[8:12]) != 0 {
		b.Fatalf("bind: %v status % X", err, hdr[8:12])
	}
	return e
}

// run sends n submit_sm with at most window outstanding and returns when
// all are answered. With regDel set it also answers the receipts, and
// waits for all n of them.
func (e *benchESME) run(b *testing.B, n, window int, regDel byte) {
	tmpl := frame(0x04, 0, submitBody(0, 0, []byte("Hello from the benchmark, window 100"))) // registered_delivery at a fixed offset
	tmpl[16+len("\x00\x01\x0112345\x00\x01\x014915112345678\x00")+5] = regDel
	slots := make(chan struct{}, window)
	errc := make(chan error, 2)
	go func() {
		buf := make([]byte, len(tmpl))
		copy(buf, tmpl)
		for i := 1; i <= n; i++ {
			select {
			case slots <- struct{}{}:
			default:
				e.wmu.Lock()
				err := e.w.Flush()
				e.wmu.Unlock()
				if err != nil {
					errc <- err
					return
				}
				slots <- struct{}{}
			}
			binary.BigEndian.PutUint32(buf[12:16], uint32(i))
			e.wmu.Lock()
			_, err := e.w.Write(buf)
			e.wmu.Unlock()
			if err != nil {
				errc <- err
				return
			}
		}
		e.wmu.Lock()
		errc <- e.w.Flush()
		e.wmu.Unlock()
	}()
	var hdr [16]byte
	body := make([]byte, 0, 512)
	resp := make([]byte, 16)
	resps, receipts := 0, 0
	wantReceipts := 0
	if regDel != 0 {
		wantReceipts = n
	}
	for resps < n || receipts < wantReceipts {
		if _, err := io.ReadFull(e.r, hdr[:]); err != nil {
			b.Fatal(err)
		}
		l := int(binary.BigEndian.Uint32(hdr[:4])) - 16
		body = body[:l]
		if _, err := io.ReadFull(e.r, body); err != nil {
			b.Fatal(err)
		}
		switch binary.BigEndian.Uint32(hdr[4:8]) {
		case 0x80000004:
			if binary.BigEndian.Uint32(hdr[8:12]) != 0 {
				b.Fatalf("submit_sm_resp status % X", hdr[8:12])
			}
			resps++
			<-slots
		case 0x00000005:
			receipts++
			copy(resp, hdr[:])
			binary.BigEndian.PutUint32(resp[0:4], 16)
			binary.BigEndian.PutUint32(resp[4:8], 0x80000005)
			e.wmu.Lock()
			_, _ = e.w.Write(resp)
			if receipts%window == 0 || receipts == n {
				_ = e.w.Flush()
			}
			e.wmu.Unlock()
		}
	}
	if err := <-errc; err != nil {
		b.Fatal(err)
	}
}

func benchmarkSubmit(b *testing.B, regDel byte) {
	s, err := Start(Config{Logger: slog.New(slog.DiscardHandler), EnquireLinkInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	e := dialBench(b, s.Addr())
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	e.run(b, b.N, 100, regDel)
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "submits/s")
}

// BenchmarkSubmitWindow100 measures submit_sm answered per second on one
// session with 100 outstanding, the simulator recording every submit.
func BenchmarkSubmitWindow100(b *testing.B) { benchmarkSubmit(b, 0) }

// BenchmarkSubmitWithDLRWindow100 adds a delivery receipt per submit, which
// the client answers.
func BenchmarkSubmitWithDLRWindow100(b *testing.B) { benchmarkSubmit(b, 1) }
