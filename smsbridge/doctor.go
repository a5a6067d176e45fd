package smsbridge

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"

	"github.com/fiorix/go-smpp/smpp/pdu"
)

// BindError is a bind_transceiver the SMSC refused, explained for the
// operator (see [CheckBind]). It unwraps to [ErrBindRefused] (and to
// [ErrGenericNack] when the SMSC answered with generic_nack).
type BindError struct {
	// Addr is the SMSC's address.
	Addr string
	// Status is the command_status of the refusal.
	Status uint32
	// Nack is set when the SMSC answered with generic_nack rather than
	// bind_transceiver_resp.
	Nack bool
}

// Error explains the refusal with [StatusText] and a hint for the common
// causes; it never contains the password.
func (e *BindError) Error() string {
	msg := "smsbridge: the SMSC refused the bind: " + StatusText(e.Status)
	if e.Nack {
		msg = "smsbridge: the SMSC answered the bind with generic_nack: " + StatusText(e.Status)
	}
	switch e.Status {
	case StatusInvPassword:
		msg += ": smpp.password (or MPIMIS_SMPP_PASSWORD) is not what the SMSC expects"
	case StatusInvSystemID:
		msg += ": the SMSC does not know smpp.system_id"
	case 0x05: // ESME_RALYBND
		msg += ": is mpimis already running? (this SMSC allows one bind per system_id)"
	case StatusBindFail:
		msg += ": check smpp.system_id, smpp.system_type, bind_ton/bind_npi and the SMSC's allowed addresses"
	}
	return msg
}

// Unwrap returns the sentinels the refusal matches.
func (e *BindError) Unwrap() []error {
	if e.Nack {
		return []error{ErrBindRefused, ErrGenericNack}
	}
	return []error{ErrBindRefused}
}

// CheckBind dials the SMSC at cfg.Addr, binds as a transceiver with cfg's
// credentials, unbinds (waiting briefly for unbind_resp) and closes: a
// one-off check for `mpimis doctor`. It returns nil if the SMSC accepted
// the bind. Only the dial and bind fields of cfg matter; ResponseTimeout
// bounds the dial and each response (default 10s), and ctx the whole check.
//
// A refused bind is a *[BindError] naming the status in plain words
// ("the SMSC refused the bind: invalid password (ESME_RINVPASWD
// 0x0000000E)"); a port nobody listens on, a timeout and a dropped
// connection get their own sentences. Any deliver_sm the SMSC pushes
// during the check is answered ESME_RSYSERR, so the SMSC keeps it for the
// real session.
func CheckBind(ctx context.Context, cfg SessionConfig) error {
	if cfg.Addr == "" {
		return fmt.Errorf("%w: Addr is empty", ErrBadConfig)
	}
	cfg.setDefaults()
	body, err := bindBody(&cfg)
	if err != nil {
		return err
	}
	s := NewSession(cfg, nil)
	d := net.Dialer{Timeout: cfg.ResponseTimeout}
	nc, err := d.DialContext(ctx, "tcp", cfg.Addr)
	if err != nil {
		return bindDialError(cfg.Addr, err)
	}
	c := newConn(s, nc)
	c.start()
	defer func() {
		c.shutdown()
		s.handlers.Wait()
	}()

	res, err := c.request(ctx, pdu.BindTransceiverID, pdu.BindTransceiverRespID, body, cfg.ResponseTimeout)
	switch {
	case errors.Is(err, ErrResponseTimeout) || errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("smsbridge: the SMSC at %s did not answer bind_transceiver in time: "+
			"is it an SMPP port?: %w", cfg.Addr, err)
	case errors.Is(err, ErrDisconnected):
		return fmt.Errorf("smsbridge: the SMSC at %s closed the connection instead of answering the bind "+
			"(some SMSCs do this for unknown addresses or credentials): %w", cfg.Addr, err)
	case err != nil:
		return fmt.Errorf("smsbridge: bind_transceiver to %s: %w", cfg.Addr, err)
	case res.id == pdu.GenericNACKID:
		return &BindError{Addr: cfg.Addr, Status: res.status, Nack: true}
	case res.status != StatusOK:
		return &BindError{Addr: cfg.Addr, Status: res.status}
	}
	s.unbind(c)
	return nil
}

// bindDialError explains why the TCP connection to the SMSC failed.
func bindDialError(addr string, err error) error {
	var dnsErr *net.DNSError
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return &plainError{err: err, msg: fmt.Sprintf("smsbridge: nothing listens on %s: is the SMSC reachable, and is smpp.addr right?", addr)}
	case errors.As(err, &dnsErr):
		return &plainError{err: err, msg: fmt.Sprintf("smsbridge: cannot resolve the host of %s (%s)", addr, dnsErr.Err)}
	case errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return &plainError{err: err, msg: fmt.Sprintf("smsbridge: no answer from %s in time: is the SMSC reachable (address, firewall, VPN)?", addr)}
	}
	return fmt.Errorf("smsbridge: cannot connect to %s: %w", addr, err)
}

// plainError replaces a wrapped error's technical text with a plain
// explanation.
type plainError struct {
	msg string
	err error
}

func (e *plainError) Error() string { return e.msg }
func (e *plainError) Unwrap() error { return e.err }
