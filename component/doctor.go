package component

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"time"

	mcomp "mellium.im/xmpp/component"
	"mellium.im/xmpp/jid"
	"mellium.im/xmpp/stream"
)

// checkCloseWait bounds the wait for the server's </stream:stream> after a
// successful check handshake.
const checkCloseWait = 2 * time.Second

// HandshakeError is a XEP-0114 handshake the XMPP server refused with a
// stream error, explained in plain words for the operator (see
// [CheckHandshake]).
type HandshakeError struct {
	// Addr is the server's component port, Domain the component domain
	// that tried to authenticate.
	Addr, Domain string
	// Condition is the stream error condition the server sent, such as
	// "not-authorized", "host-unknown" or "conflict".
	Condition string
}

// Error explains the refusal and what to change; it never contains the
// secret.
func (e *HandshakeError) Error() string {
	switch e.Condition {
	case "not-authorized":
		return fmt.Sprintf("component: the server refused the secret for %s (not-authorized): "+
			"component_secret in the server config and xmpp.secret differ "+
			"(ejabberd also answers so when its ejabberd_service listener has no hosts entry for %s)", e.Domain, e.Domain)
	case "host-unknown", "improper-addressing":
		return fmt.Sprintf("component: the server at %s has no Component section for %s (%s): "+
			"add one (Prosody: Component %q with component_secret; ejabberd: a hosts entry of the ejabberd_service listener)",
			e.Addr, e.Domain, e.Condition, e.Domain)
	case "conflict":
		return fmt.Sprintf("component: another component is already connected as %s (conflict): is mpimis already running?", e.Domain)
	case "invalid-namespace", "bad-namespace-prefix", "unsupported-stanza-type":
		return fmt.Sprintf("component: %s does not speak the component protocol (%s): "+
			"is it the component port, not the client port (5222)?", e.Addr, e.Condition)
	}
	return fmt.Sprintf("component: the server at %s refused the handshake for %s with stream error %s", e.Addr, e.Domain, e.Condition)
}

// CheckHandshake dials the XMPP server's component port addr, performs a
// real XEP-0114 handshake as domain with secret, then ends the stream
// cleanly and waits briefly for the server to end its own: a one-off check
// for `mpimis doctor`. It returns nil if the server accepted the secret.
//
// Failures are explained in plain words: a refused handshake is a
// *[HandshakeError] (wrong secret, unknown domain, another component
// already connected as domain); a port nobody listens on, a timeout or a
// connection closed during the handshake get their own sentences. ctx
// bounds the whole check; without a deadline it is given 10 seconds.
func CheckHandshake(ctx context.Context, addr, domain, secret string) error {
	d, err := jid.Parse(domain)
	if err != nil || d.Localpart() != "" || d.Resourcepart() != "" {
		return fmt.Errorf("component: %q is not a domain JID", domain)
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
	}
	var dialer net.Dialer
	conn, err := dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return DialError(addr, err)
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	// mellium's own context watcher sets a past deadline and at once clears
	// it again, so a read it meant to interrupt can miss the wake-up and
	// block forever (and our deadline is cleared with it). So it gets a
	// context that never ends, and ctx acts on the connection here.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	sess, err := mcomp.NewSession(context.WithoutCancel(ctx), d, []byte(secret), conn)
	if err != nil {
		var se stream.Error
		switch {
		case errors.As(err, &se):
			return &HandshakeError{Addr: addr, Domain: d.String(), Condition: se.Err}
		case isTimeout(err) || ctx.Err() != nil:
			return &explained{err: err, msg: fmt.Sprintf("component: %s did not finish the handshake for %s in time: "+
				"is it the component port of an XMPP server?", addr, d)}
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET):
			return &explained{err: err, msg: fmt.Sprintf("component: %s closed the connection during the handshake for %s: "+
				"is it the component port of an XMPP server?", addr, d)}
		}
		return fmt.Errorf("component: handshake with %s for %s: %w", addr, d, err)
	}

	// End our stream and read until the server ends its own, so that the
	// server logs an orderly disconnect rather than a dropped connection.
	wait := time.Now().Add(checkCloseWait)
	if wait.Before(deadline) {
		_ = conn.SetDeadline(wait)
	}
	r := sess.TokenReader()
	defer r.Close()
	if sess.Close() != nil {
		return nil // accepted; the orderly close is a courtesy
	}
	for {
		tok, err := r.Token()
		if err != nil {
			return nil
		}
		if end, ok := tok.(xml.EndElement); ok && (end.Name.Space == NSStreams || end.Name.Local == "stream") {
			return nil
		}
	}
}

// DialError explains in plain words why a TCP connection to the XMPP
// server's component port addr failed: nothing listening, a timeout (a
// firewall or a wrong address), or a host name that does not resolve. The
// result wraps err.
func DialError(addr string, err error) error {
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return &explained{err: err, msg: fmt.Sprintf("component: nothing listens on %s: is the XMPP server running, "+
			"and is its component port set there (Prosody: component_ports; ejabberd: an ejabberd_service listener)?", addr)}
	case errors.As(err, &dnsErr):
		return &explained{err: err, msg: fmt.Sprintf("component: cannot resolve the host of %s (%s)", addr, dnsErr.Err)}
	case isTimeout(err):
		return &explained{err: err, msg: fmt.Sprintf("component: no answer from %s in time: is the address right, or is a firewall in the way?", addr)}
	}
	return fmt.Errorf("component: cannot connect to %s: %w", addr, err)
}

// explained is an error whose message replaces the wrapped error's
// technical text with a plain explanation.
type explained struct {
	msg string
	err error
}

func (e *explained) Error() string { return e.msg }
func (e *explained) Unwrap() error { return e.err }

// isTimeout reports whether err is a network or context timeout.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout())
}
