package smsbridge

import (
	"context"
	"errors"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
)

// TestCheckBindAccepted: an accepted check unbinds and closes the
// connection.
func TestCheckBindAccepted(t *testing.T) {
	f := newFakeSMSC(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := CheckBind(ctx, testConfig(f)); err != nil {
		t.Fatal(err)
	}
	fc := f.nextConn(t, time.Second)
	fc.expect(t, pdu.UnbindID, time.Second)
	fc.expectClosed(t, 2*time.Second)
}

func TestCheckBindRefused(t *testing.T) {
	cases := []struct {
		name   string
		status uint32
		want   []string
	}{
		{"wrong password", StatusInvPassword, []string{"the SMSC refused the bind: invalid password (ESME_RINVPASWD", "smpp.password"}},
		{"unknown system id", StatusInvSystemID, []string{"invalid system id (ESME_RINVSYSID", "smpp.system_id"}},
		{"already bound", 0x05, []string{"already bound (ESME_RALYBND", "is mpimis already running?"}},
		{"bind failed", StatusBindFail, []string{"bind failed (ESME_RBINDFAIL"}},
		{"unlisted status", 0x400, []string{"the SMSC refused the bind: unknown status (0x00000400)"}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFakeSMSC(t)
			f.bindStatus.Store(c.status)
			cfg := testConfig(f)
			err := CheckBind(context.Background(), cfg)
			if err == nil {
				t.Fatalf("case %d: accepted", i)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("case %d: %q lacks %q", i, err, w)
				}
			}
			if strings.Contains(err.Error(), cfg.Password) {
				t.Errorf("case %d: %q shows the password", i, err)
			}
			var be *BindError
			if !errors.As(err, &be) || be.Status != c.status || !errors.Is(err, ErrBindRefused) {
				t.Errorf("case %d: %v is not a BindError with status %#x wrapping ErrBindRefused", i, err, c.status)
			}
		})
	}
}

// scriptedSMSC accepts one connection and either closes it at once
// ("close") or reads and never answers ("silent").
func scriptedSMSC(t *testing.T, mode string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		if mode == "silent" {
			buf := make([]byte, 512)
			for {
				if _, err := c.Read(buf); err != nil {
					return
				}
			}
		}
	}()
	return ln.Addr().String()
}

func TestCheckBindUnreachable(t *testing.T) {
	closed := func(t *testing.T) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		a := ln.Addr().String()
		ln.Close()
		return a
	}
	cases := []struct {
		name string
		addr func(t *testing.T) string
		want string
		is   error
	}{
		{"closed port", closed, "nothing listens on 127.0.0.1:", syscall.ECONNREFUSED},
		{"closed at once", func(t *testing.T) string { return scriptedSMSC(t, "close") }, "closed the connection instead of answering the bind", ErrDisconnected},
		{"never answers", func(t *testing.T) string { return scriptedSMSC(t, "silent") }, "did not answer bind_transceiver in time", ErrResponseTimeout},
		{"empty address", func(*testing.T) string { return "" }, "Addr is empty", ErrBadConfig},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := SessionConfig{Addr: c.addr(t), SystemID: "smsgw", Password: "pw", ResponseTimeout: 300 * time.Millisecond}
			err := CheckBind(context.Background(), cfg)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("case %d: %v, want %q", i, err, c.want)
			}
			if !errors.Is(err, c.is) {
				t.Errorf("case %d: %v does not wrap %v", i, err, c.is)
			}
		})
	}
}

func TestBindDialError(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"dns", &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "smsc"}}, "cannot resolve the host of smsc:2775 (no such host)"},
		{"timeout", context.DeadlineExceeded, "no answer from smsc:2775 in time"},
		{"other", errors.New("boom"), "cannot connect to smsc:2775: boom"},
	}
	for i, c := range cases {
		err := bindDialError("smsc:2775", c.err)
		if !strings.Contains(err.Error(), c.want) || !errors.Is(err, c.err) {
			t.Errorf("case %d (%s): %v, want %q wrapping the cause", i, c.name, err, c.want)
		}
	}
}
