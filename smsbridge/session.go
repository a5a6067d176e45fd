package smsbridge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"

	"github.com/mpimis/mpimis/internal/backoff"
	"github.com/mpimis/mpimis/internal/watch"
)

// SessionConfig configures a Session. Zero durations and sizes take the
// defaults named on each field.
type SessionConfig struct {
	// Addr is the SMSC's host:port.
	Addr string
	// SystemID, Password and SystemType go into bind_transceiver. The
	// password is never logged or reported.
	SystemID, Password, SystemType string
	// BindTON and BindNPI are the addr_ton and addr_npi of the bind.
	BindTON, BindNPI byte
	// Window is the maximum number of outstanding submit_sm (default 10);
	// Submit waits, never fails, when it is full.
	Window int
	// TPS caps submit_sm per second (0: no cap). It is never applied to
	// responses or enquire_link.
	TPS int
	// EnquireLink is the interval of our enquire_link (default 30s); no
	// answer within ResponseTimeout means the link is dead and is redialled.
	EnquireLink time.Duration
	// ResponseTimeout bounds the wait for the response to every request we
	// send, and the dial (default 10s).
	ResponseTimeout time.Duration
	// WriteTimeout is the write deadline of each PDU (default 10s).
	WriteTimeout time.Duration
	// ReconnectMin and ReconnectMax bound the jittered exponential redial
	// backoff (defaults 1s and 1m).
	ReconnectMin, ReconnectMax time.Duration
	// MOWorkers bounds the deliver_sm handled at once (default 32). A
	// deliver_sm arriving when all are busy is answered ESME_RMSGQFUL at
	// once, so that the reader never blocks and the SMSC retries later.
	MOWorkers int
	// Logger receives the session's logs (default: discarded). Addresses are
	// never logged.
	Logger *slog.Logger
}

func (c *SessionConfig) setDefaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if c.Window <= 0 {
		c.Window = 10
	}
	if c.MOWorkers <= 0 {
		c.MOWorkers = 32
	}
	def(&c.EnquireLink, 30*time.Second)
	def(&c.ResponseTimeout, 10*time.Second)
	def(&c.WriteTimeout, 10*time.Second)
	def(&c.ReconnectMin, time.Second)
	def(&c.ReconnectMax, time.Minute)
	if c.ReconnectMax < c.ReconnectMin {
		c.ReconnectMax = c.ReconnectMin
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Session is the ESME side of one SMPP 3.4 transceiver bind over TCP. Run
// keeps it bound; Submit sends submit_sm; deliver_sm go to the MOHandler.
// Its methods are safe for concurrent use.
type Session struct {
	cfg     SessionConfig
	h       MOHandler
	log     *slog.Logger
	status  *watch.Box[BindStatus]
	win     *window
	tps     *throttle
	seq     seqCounter
	moSlots chan struct{}

	handlers sync.WaitGroup // MOHandler calls in flight

	mu      sync.Mutex
	cur     *conn         // bound connection, nil when not bound
	curCh   chan struct{} // closed when cur changes
	started bool
	closed  bool // Run has returned
	runCtx  context.Context
}

// NewSession returns a session; call Run to bind. h may be nil, in which
// case every deliver_sm is answered ESME_RSYSERR so that the SMSC keeps it.
func NewSession(cfg SessionConfig, h MOHandler) *Session {
	cfg.setDefaults()
	return &Session{
		cfg:     cfg,
		h:       h,
		log:     cfg.Logger.With("smsc", cfg.Addr),
		status:  watch.New(BindStatus{State: BindDown, Since: time.Now()}),
		win:     newWindow(cfg.Window),
		tps:     newThrottle(cfg.TPS, 1),
		moSlots: make(chan struct{}, cfg.MOWorkers),
		curCh:   make(chan struct{}),
	}
}

// Status returns a snapshot of the bind state.
func (s *Session) Status() BindStatus {
	st := s.status.Get()
	st.WindowInUse = s.win.inUse()
	return st
}

// Changed returns a channel closed at the next status change.
func (s *Session) Changed() <-chan struct{} { return s.status.Changed() }

// setStatus updates the bind status; Since moves when the state does.
func (s *Session) setStatus(f func(*BindStatus)) {
	s.status.Update(func(st *BindStatus) {
		old := st.State
		f(st)
		if st.State != old {
			st.Since = time.Now()
		}
	})
}

// Run binds (bind_transceiver) and keeps the session bound, redialling with
// backoff, until ctx is done; it then unbinds, waiting briefly for
// unbind_resp, closes the connection, waits for MOHandler calls in flight
// and returns nil. It returns an error at once if the configuration is
// unusable or Run was called before. Run may be called only once.
func (s *Session) Run(ctx context.Context) error {
	if s.cfg.Addr == "" {
		return fmt.Errorf("%w: Addr is empty", ErrBadConfig)
	}
	body, err := bindBody(&s.cfg)
	if err != nil {
		return err
	}
	s.mu.Lock()
	if s.started {
		s.mu.Unlock()
		return ErrAlreadyRunning
	}
	s.started, s.runCtx = true, ctx
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.closed = true
		close(s.curCh)
		s.curCh = make(chan struct{})
		s.mu.Unlock()
		s.handlers.Wait()
	}()

	bo := backoff.Backoff{Min: s.cfg.ReconnectMin, Max: s.cfg.ReconnectMax}
	for ctx.Err() == nil {
		s.setStatus(func(st *BindStatus) { st.State = BindBinding })
		bound, err := s.connectOnce(ctx, body)
		stalled := errors.Is(err, ErrStalled)
		s.setStatus(func(st *BindStatus) {
			st.State = BindDown
			if err != nil && ctx.Err() == nil {
				st.LastError = err.Error()
			}
			if stalled {
				st.Stalls++
			}
		})
		if ctx.Err() != nil {
			break
		}
		if bound {
			bo.Reset()
		}
		wait := bo.Next()
		s.log.Warn("SMPP link down, redialling", "err", err, "in", wait.Round(time.Millisecond))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
	}
	return nil
}

// setCur publishes the bound connection (nil: not bound) to Submit.
func (s *Session) setCur(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == c {
		return
	}
	s.cur = c
	close(s.curCh)
	s.curCh = make(chan struct{})
}

// waitBound returns the bound connection, waiting for one.
func (s *Session) waitBound(ctx context.Context) (*conn, error) {
	for {
		s.mu.Lock()
		c, ch, closed := s.cur, s.curCh, s.closed
		s.mu.Unlock()
		if closed {
			return nil, ErrSessionClosed
		}
		if c != nil && !c.isClosed() {
			return c, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, fmt.Errorf("smsbridge: waiting for the bind: %w", ctx.Err())
		}
	}
}

// connectOnce dials, binds and serves one connection until it ends or ctx
// is done. bound reports whether the bind succeeded.
func (s *Session) connectOnce(ctx context.Context, bindBody []byte) (bound bool, err error) {
	d := net.Dialer{Timeout: s.cfg.ResponseTimeout}
	nc, err := d.DialContext(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return false, fmt.Errorf("smsbridge: dial %s: %w", s.cfg.Addr, err)
	}
	c := newConn(s, nc)
	c.start()
	defer c.shutdown()

	res, err := c.request(ctx, pdu.BindTransceiverID, pdu.BindTransceiverRespID, bindBody, s.cfg.ResponseTimeout)
	switch {
	case err != nil:
		return false, fmt.Errorf("smsbridge: bind_transceiver: %w", err)
	case res.id == pdu.GenericNACKID:
		return false, fmt.Errorf("%w: %w: %s", ErrBindRefused, ErrGenericNack, StatusText(res.status))
	case res.status != StatusOK:
		return false, fmt.Errorf("%w: %s", ErrBindRefused, StatusText(res.status))
	}
	s.setCur(c)
	defer s.setCur(nil)
	s.setStatus(func(st *BindStatus) {
		st.State = BindBound
		st.LastError = ""
		st.Binds++
	})
	s.log.Info("SMPP bound", "smsc_system_id", decodeMessageID(res.body))
	return true, s.serve(ctx, c)
}

// serve keeps a bound connection alive with enquire_link until it ends
// (its error) or ctx is done (unbind, nil).
func (s *Session) serve(ctx context.Context, c *conn) error {
	tick := time.NewTicker(s.cfg.EnquireLink)
	defer tick.Stop()
	for {
		select {
		case <-c.closed:
			return c.err()
		case <-ctx.Done():
			s.setCur(nil)
			s.unbind(c)
			return nil
		case <-tick.C:
			_, err := c.request(ctx, pdu.EnquireLinkID, pdu.EnquireLinkRespID, nil, s.cfg.ResponseTimeout)
			if errors.Is(err, ErrResponseTimeout) {
				err = fmt.Errorf("%w: no enquire_link_resp within %s", ErrStalled, s.cfg.ResponseTimeout)
				c.close(err)
				return err
			}
		}
	}
}

// unbind sends unbind and waits briefly for unbind_resp.
func (s *Session) unbind(c *conn) {
	wait := min(s.cfg.ResponseTimeout, 2*time.Second)
	if _, err := c.request(context.Background(), pdu.UnbindID, pdu.UnbindRespID, nil, wait); err != nil {
		s.log.Debug("no unbind_resp", "err", err)
		return
	}
	s.log.Info("SMPP unbound")
}
