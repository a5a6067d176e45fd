package component

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"mellium.im/xmpp"
	mcomp "mellium.im/xmpp/component"
	"mellium.im/xmpp/jid"
	"mellium.im/xmpp/stream"

	"github.com/mpimis/mpimis/internal/backoff"
	"github.com/mpimis/mpimis/internal/watch"
)

// LinkConfig configures one component connection.
type LinkConfig struct {
	Addr   string // the XMPP server's component port, host:port
	Domain string // the component's domain, e.g. sms.example.org
	Secret string

	Keepalive        time.Duration // interval of keepalive round trips (default 30s)
	KeepaliveTimeout time.Duration // answer deadline before the link is declared dead (default 10s)
	ReconnectMin     time.Duration // first reconnect wait (default 500ms)
	ReconnectMax     time.Duration // longest reconnect wait (default 30s)
	DialTimeout      time.Duration // TCP connect plus handshake (default 10s)
	WriteTimeout     time.Duration // per stanza (default 10s)
	InboxSize        int           // stanzas buffered between read loop and handler (default 1024)
	// Lanes is the number of concurrent dispatch lanes for stanzas the
	// handler lets run concurrently (see Laner); default 32, negative for
	// none (every stanza in arrival order).
	Lanes int
	// BatchWrites gathers the stanzas sent while a write is under way
	// into the next write (see batchConn), for services that send in
	// bursts, such as a room's broadcasts.
	BatchWrites bool
	// Tracker matches iq answers to SendIQ calls; links of one process
	// share one (nil: the link gets its own).
	Tracker *Tracker

	Logger *slog.Logger
}

func (c *LinkConfig) setDefaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.Keepalive, 30*time.Second)
	def(&c.KeepaliveTimeout, 10*time.Second)
	def(&c.ReconnectMin, 500*time.Millisecond)
	def(&c.ReconnectMax, 30*time.Second)
	def(&c.DialTimeout, 10*time.Second)
	def(&c.WriteTimeout, 10*time.Second)
	if c.InboxSize <= 0 {
		c.InboxSize = 1024
	}
	if c.Lanes == 0 {
		c.Lanes = defaultLanes
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Tracker == nil {
		c.Tracker = NewTracker()
	}
}

// Sender sends stanzas on a link. Its methods are safe for concurrent use.
type Sender interface {
	// Domain is the component's domain; outgoing stanzas need an explicit
	// from inside it.
	Domain() string
	// Send writes one stanza. It returns ErrNotConnected while the link is
	// down: callers keep what matters and retry.
	Send(ctx context.Context, st *Element) error
	// SendIQ sends an iq get or set and waits for its result or error
	// stanza (an error stanza is returned as the element, not as err).
	SendIQ(ctx context.Context, iq *Element) (*Element, error)
}

// Handler processes stanzas received on a link.
type Handler interface {
	// HandleStanza is called on the link's dispatch goroutine, one stanza
	// at a time in arrival order (unless the handler is a Laner that lets
	// a stanza run concurrently with those of other keys). It must not block for long: slow work is
	// queued elsewhere. It may call any Sender method except waiting on
	// SendIQ (the answer would queue behind the handler itself).
	HandleStanza(ctx context.Context, s Sender, st *Element)
}

// Link is one XEP-0114 component connection that keeps itself connected.
type Link struct {
	cfg    LinkConfig
	h      Handler
	log    *slog.Logger
	domain jid.JID
	status *watch.Box[LinkStatus]
	inbox  chan *Element

	mu   sync.Mutex // guards sess and conn
	sess *xmpp.Session
	conn net.Conn

	pendMu  sync.Mutex
	pending map[string]bool // ids of SendIQ calls made through this link

	kaSeq   atomic.Uint64
	flushes flushRounds
}

var _ Sender = (*Link)(nil)

// NewLink returns a link; call Run to connect.
func NewLink(cfg LinkConfig, h Handler) (*Link, error) {
	cfg.setDefaults()
	d, err := jid.Parse(cfg.Domain)
	if err != nil || d.Localpart() != "" || d.Resourcepart() != "" {
		return nil, fmt.Errorf("component: %q is not a domain JID", cfg.Domain)
	}
	return &Link{
		cfg:     cfg,
		h:       h,
		log:     cfg.Logger.With("link", d.String()),
		domain:  d,
		status:  watch.New(LinkStatus{Domain: d.String(), State: StateDown, Since: time.Now()}),
		inbox:   make(chan *Element, cfg.InboxSize),
		pending: make(map[string]bool),
	}, nil
}

// Domain implements Sender.
func (l *Link) Domain() string { return l.domain.String() }

// Status returns a snapshot of the link's state.
func (l *Link) Status() LinkStatus { return l.status.Get() }

// Changed returns a channel that is closed at the next status change.
func (l *Link) Changed() <-chan struct{} { return l.status.Changed() }

// setStatus updates the status; Since moves when the state does.
func (l *Link) setStatus(f func(*LinkStatus)) {
	l.status.Update(func(s *LinkStatus) {
		old := s.State
		f(s)
		if s.State != old {
			s.Since = time.Now()
		}
	})
}

// Run connects and keeps the link connected until ctx is cancelled, then
// closes the stream cleanly and returns. Stanzas already received are
// handed to the handler before Run returns.
func (l *Link) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		l.handleAll(ctx)
	}()
	bo := backoff.Backoff{Min: l.cfg.ReconnectMin, Max: l.cfg.ReconnectMax}
	for ctx.Err() == nil {
		l.setStatus(func(s *LinkStatus) { s.State = StateConnecting })
		up, err := l.connectOnce(ctx)
		l.setStatus(func(s *LinkStatus) {
			s.State = StateDown
			if err != nil {
				s.LastError = err.Error()
			}
		})
		if ctx.Err() != nil {
			break
		}
		if up {
			bo.Reset()
		}
		wait := bo.Next()
		l.log.Warn("component link down, redialling", "err", err, "in", wait.Round(time.Millisecond))
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
	close(l.inbox)
	wg.Wait()
	return nil
}

// connectOnce dials, handshakes and serves until the connection ends. up
// reports whether the handshake succeeded.
func (l *Link) connectOnce(ctx context.Context) (up bool, err error) {
	dctx, cancel := context.WithTimeout(ctx, l.cfg.DialTimeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(dctx, "tcp", l.cfg.Addr)
	if err != nil {
		return false, fmt.Errorf("component: dial %s: %w", l.cfg.Addr, err)
	}
	if l.cfg.BatchWrites {
		conn = newBatchConn(conn)
	}
	defer conn.Close()
	// The handshake is bounded by a deadline on the connection, which a
	// shutdown moves to the past. mellium gets a context that never ends:
	// its own watcher would clear our deadline.
	deadline, _ := dctx.Deadline()
	_ = conn.SetDeadline(deadline)
	stopWatch := context.AfterFunc(dctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	sess, err := mcomp.NewSession(context.Background(), l.domain, []byte(l.cfg.Secret), conn)
	if !stopWatch() && err == nil {
		err = dctx.Err() // the deadline struck just as the handshake ended
	}
	if err != nil {
		return false, handshakeError(l.cfg.Addr, err)
	}
	_ = conn.SetDeadline(time.Time{})

	l.mu.Lock()
	l.sess, l.conn = sess, conn
	l.mu.Unlock()
	l.setStatus(func(s *LinkStatus) {
		s.State = StateUp
		s.LastError = ""
		s.Connects++
	})
	l.log.Info("component link up", "server", l.cfg.Addr)

	sctx, stop := context.WithCancel(ctx)
	readDone := make(chan error, 1)
	kaDone := make(chan error, 1)
	go func() { readDone <- l.readLoop(sctx, sess) }()
	go func() { kaDone <- l.keepalive(sctx) }()

	readFinished := false
	select {
	case err = <-readDone:
		readFinished = true
	case err = <-kaDone:
		if err != nil {
			l.setStatus(func(s *LinkStatus) { s.Stalls++ })
		}
	case <-ctx.Done():
		// Graceful close: end our stream and give the server a moment to
		// end its own; the read loop sees that end.
		_ = conn.SetWriteDeadline(time.Now().Add(2 * time.Second))
		_ = sess.Close()
		select {
		case <-readDone:
			readFinished = true
		case <-time.After(2 * time.Second):
		}
	}
	stop()
	l.mu.Lock()
	l.sess, l.conn = nil, nil
	l.mu.Unlock()
	_ = conn.Close()
	if !readFinished {
		<-readDone // the closed conn ends it; it must not outlive the inbox
	}
	l.failPending()
	return true, err
}

func handshakeError(addr string, err error) error {
	var se stream.Error
	if errors.As(err, &se) {
		switch se.Err {
		case "not-authorized":
			return fmt.Errorf("component: %s refused the handshake (not-authorized): the secret does not match the server's component_secret", addr)
		case "host-unknown", "improper-addressing":
			return fmt.Errorf("component: %s does not know this component domain (%s): add a Component section for it", addr, se.Err)
		case "conflict":
			return fmt.Errorf("component: %s already has a component connected for this domain (conflict)", addr)
		}
		return fmt.Errorf("component: %s sent stream error %s during handshake", addr, se.Err)
	}
	return fmt.Errorf("component: handshake with %s: %w", addr, err)
}

// Send implements Sender. The write is bounded by WriteTimeout, set as a
// deadline on the connection; ctx only stops a send that has not started.
// (mellium turns a context that ends into a past write deadline from a
// goroutine of its own, which can land on a later, concurrent write and
// break the stream; so mellium only ever gets a context that never ends.)
func (l *Link) Send(ctx context.Context, st *Element) error {
	l.mu.Lock()
	sess, conn := l.sess, l.conn
	l.mu.Unlock()
	if sess == nil {
		return ErrNotConnected
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	_ = conn.SetWriteDeadline(time.Now().Add(l.cfg.WriteTimeout))
	if err := sess.Send(context.Background(), st.TokenReader()); err != nil {
		return fmt.Errorf("component: send <%s>: %w", st.Name.Local, err)
	}
	return nil
}

// SendIQ implements Sender. An iq without an id gets one. The answer may
// arrive on any link sharing this link's Tracker.
func (l *Link) SendIQ(ctx context.Context, iq *Element) (*Element, error) {
	id := iq.Get("id")
	if id == "" {
		id = NewID("iq-")
		iq.SetAttr("id", id)
	}
	ch, done := l.cfg.Tracker.wait(id)
	defer done()
	l.pendMu.Lock()
	l.pending[id] = true
	l.pendMu.Unlock()
	defer func() {
		l.pendMu.Lock()
		delete(l.pending, id)
		l.pendMu.Unlock()
	}()
	if err := l.Send(ctx, iq); err != nil {
		return nil, err
	}
	select {
	case r := <-ch:
		if r == nil {
			return nil, ErrNotConnected
		}
		return r, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %w", ErrIQTimeout, ctx.Err())
	}
}

// failPending ends the SendIQ calls made through this link when it goes
// down: their answers can no longer come.
func (l *Link) failPending() {
	l.pendMu.Lock()
	ids := make([]string, 0, len(l.pending))
	for id := range l.pending {
		ids = append(ids, id)
	}
	l.pendMu.Unlock()
	l.cfg.Tracker.fail(ids)
}

// readLoop reads stanzas until the stream ends. It only decodes, answers
// keepalive round trips and enqueues; handlers run on dispatch.
func (l *Link) readLoop(ctx context.Context, sess *xmpp.Session) error {
	r := sess.TokenReader()
	defer r.Close()
	for {
		tok, err := r.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return errors.New("component: server closed the stream")
			}
			var se stream.Error
			if errors.As(err, &se) {
				return fmt.Errorf("component: server sent stream error %s", se.Err)
			}
			return fmt.Errorf("component: read: %w", err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if t.Name.Space == NSStreams || t.Name.Local == "stream" {
				return errors.New("component: server closed the stream")
			}
			continue
		case xml.StartElement:
			if t.Name.Space == NSStreams {
				el, _ := DecodeElement(r, t)
				if t.Name.Local == "error" && el != nil && len(el.Children) > 0 {
					return fmt.Errorf("component: server sent stream error %s", el.Children[0].Name.Local)
				}
				return fmt.Errorf("component: unexpected stream element <%s>", t.Name.Local)
			}
			st, err := DecodeElement(r, t)
			if errors.Is(err, ErrTooLarge) {
				l.log.Warn("stanza too large, refused", "kind", t.Name.Local)
				if reply := ErrorReply(st, &StanzaError{Type: ErrTypeModify, Condition: CondPolicyViolation, Text: "stanza too large"}); reply != nil {
					go l.Send(context.Background(), reply)
				}
				continue
			}
			if err != nil {
				return err
			}
			if !IsStanza(st) {
				l.log.Debug("ignoring non-stanza element", "name", t.Name.Local)
				continue
			}
			if l.cfg.Tracker.deliver(st) || l.answerKeepalive(st) {
				continue
			}
			select {
			case l.inbox <- st:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
}

// handleOne runs the handler for one received stanza; a panicking handler
// is logged and answered with internal-server-error, and the link goes on.
func (l *Link) handleOne(ctx context.Context, st *Element) {
	defer func() {
		if p := recover(); p != nil {
			l.log.Error("handler panic", "panic", p, "stack", string(debug.Stack()))
			if r := ErrorReply(st, &StanzaError{Type: ErrTypeWait, Condition: CondInternalServerError}); r != nil {
				_ = l.Send(ctx, r)
			}
		}
	}()
	l.h.HandleStanza(ctx, l, st)
}
