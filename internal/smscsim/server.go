package smscsim

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Server is a running SMSC simulator. Its methods are safe for concurrent
// use.
type Server struct {
	cfg Config
	log *slog.Logger
	ln  net.Listener
	ids *idGen
	rec *store
	ctl controls
	st  counters

	mu       sync.Mutex
	closed   bool
	sessions map[*session]struct{}
	nextSess uint64
	binds    int
	bindBell notifier
	dlrQueue map[string][]*dlrJob // receipts waiting for a receiving bind, by system_id
	timers   map[*time.Timer]struct{}

	tasks sync.WaitGroup // receipt and unbind goroutines, delayed responses
	wg    sync.WaitGroup // accept loop and session goroutines

	moRef atomic.Uint32
}

// counters are the Stats values kept atomically.
type counters struct {
	bindsRefused, submits, accepted, rejected, dropped  atomic.Uint64
	delivers, deliverResps, dlrsPlanned, dlrsSent       atomic.Uint64
	enquireSent, enquireResps, enquireRecv, genericNack atomic.Uint64
}

// Stats are counters since Start.
type Stats struct {
	Conns        int    `json:"conns"`         // open TCP sessions
	Bound        int    `json:"bound"`         // bound sessions
	Binds        int    `json:"binds"`         // successful binds
	BindsRefused uint64 `json:"binds_refused"` // refused binds
	Submits      uint64 `json:"submits"`       // submit_sm received
	Accepted     uint64 `json:"accepted"`      // answered with status 0
	Rejected     uint64 `json:"rejected"`      // answered with another status
	Dropped      uint64 `json:"dropped"`       // response swallowed
	Delivers     uint64 `json:"delivers"`      // deliver_sm sent (MO and receipts)
	DeliverResps uint64 `json:"deliver_resps"` // deliver_sm_resp (or generic_nack) received
	DLRsPlanned  uint64 `json:"dlrs_planned"`  // receipts decided on (counted before the submit_sm_resp is sent)
	DLRsSent     uint64 `json:"dlrs_sent"`     // receipts answered by the ESME
	DLRsQueued   int    `json:"dlrs_queued"`   // receipts waiting for a receiving bind
	EnquireSent  uint64 `json:"enquire_sent"`  // enquire_link sent by the simulator
	EnquireResps uint64 `json:"enquire_resps"` // enquire_link_resp received for them
	EnquireRecv  uint64 `json:"enquire_recv"`  // enquire_link received and answered
	GenericNacks uint64 `json:"generic_nacks"` // generic_nack sent
}

// Start listens on cfg.Addr and serves SMPP sessions until Close.
func Start(cfg Config) (*Server, error) {
	cfg, idf, dlf, mode, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("smscsim: listen: %w", err)
	}
	s := &Server{
		cfg:      cfg,
		log:      cfg.Logger,
		ln:       ln,
		ids:      newIDGen(cfg.FirstID, idf, dlf),
		rec:      newStore(cfg.MaxKept),
		sessions: make(map[*session]struct{}),
		dlrQueue: make(map[string][]*dlrJob),
		timers:   make(map[*time.Timer]struct{}),
	}
	s.ctl.dlr = mode
	s.moRef.Store(uint32(time.Now().UnixNano()))
	s.wg.Add(1)
	go s.acceptLoop()
	s.log.Info("smscsim: listening", "addr", ln.Addr().String())
	return s, nil
}

// Addr returns the address the server listens on, e.g. "127.0.0.1:40123".
func (s *Server) Addr() string { return s.ln.Addr().String() }

func (s *Server) acceptLoop() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			s.log.Warn("smscsim: accept", "err", err)
			// Out of file descriptors and the like: give the system a
			// moment instead of spinning.
			t := time.NewTimer(10 * time.Millisecond)
			<-t.C
			continue
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			_ = conn.Close()
			return
		}
		s.nextSess++
		sess := newSession(s, conn, s.nextSess)
		s.sessions[sess] = struct{}{}
		s.wg.Add(2)
		s.mu.Unlock()
		s.log.Debug("smscsim: connection", "session", sess.num, "remote", conn.RemoteAddr().String())
		go sess.readLoop()
		go sess.writeLoop()
	}
}

// Close stops listening, closes every session and waits for the
// simulator's goroutines. Waiters get ErrClosed. Close is idempotent.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	sessions := s.sessionList()
	s.bindBell.ring()
	for t := range s.timers {
		if t.Stop() {
			s.tasks.Done() // it will not run
		}
	}
	clear(s.timers)
	s.mu.Unlock()
	err := s.ln.Close()
	for _, sess := range sessions {
		sess.close()
	}
	s.rec.close()
	s.tasks.Wait()
	s.wg.Wait()
	if err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("smscsim: close: %w", err)
	}
	return nil
}

// sessionList returns the sessions ordered by number; s.mu must be held.
func (s *Server) sessionList() []*session {
	out := make([]*session, 0, len(s.sessions))
	for sess := range s.sessions {
		out = append(out, sess)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].num < out[j].num })
	return out
}

func (s *Server) removeSession(sess *session) {
	s.mu.Lock()
	delete(s.sessions, sess)
	s.mu.Unlock()
}

// startTask registers a goroutine or timer callback that Close must wait
// for; it returns false once the server is closed.
func (s *Server) startTask() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.tasks.Add(1)
	return true
}

// after runs f after d as a task Close waits for; Close cancels it if it
// has not started. It does nothing once the server is closed.
func (s *Server) after(d time.Duration, f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.tasks.Add(1)
	var t *time.Timer
	t = time.AfterFunc(d, func() {
		defer s.tasks.Done()
		s.mu.Lock()
		delete(s.timers, t) // t is set: the callback cannot take s.mu before after returns
		s.mu.Unlock()
		f()
	})
	s.timers[t] = struct{}{}
}

// DisconnectAll closes every session's TCP connection abruptly (with a
// reset where the platform allows), without unbind.
func (s *Server) DisconnectAll() {
	s.mu.Lock()
	sessions := s.sessionList()
	s.mu.Unlock()
	for _, sess := range sessions {
		if tc, ok := sess.conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
		sess.close()
	}
}

// Unbind sends unbind on every bound session. A session closes when its
// unbind_resp arrives, or after RespTimeout without one. Unbind does not
// wait.
func (s *Server) Unbind() {
	s.mu.Lock()
	var targets []*session
	for _, sess := range s.sessionList() {
		if sess.kind != unbound && !sess.unbinding {
			sess.unbinding = true
			targets = append(targets, sess)
		}
	}
	s.mu.Unlock()
	for _, sess := range targets {
		if !s.startTask() {
			return
		}
		go func() {
			defer s.tasks.Done()
			sess.unbind(s.cfg.RespTimeout)
		}()
	}
}

// Sessions returns the number of sessions currently bound (and not being
// unbound by the simulator).
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for sess := range s.sessions {
		if sess.kind != unbound && !sess.unbinding {
			n++
		}
	}
	return n
}

// Binds returns the number of successful binds since Start, so that a test
// can see a reconnection.
func (s *Server) Binds() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.binds
}

// WaitBinds waits until at least n binds have succeeded since Start. It
// returns ctx's error when ctx ends first, ErrClosed when the server
// closes first.
func (s *Server) WaitBinds(ctx context.Context, n int) error {
	for {
		s.mu.Lock()
		if s.binds >= n {
			s.mu.Unlock()
			return nil
		}
		if s.closed {
			s.mu.Unlock()
			return ErrClosed
		}
		ch := s.bindBell.wait()
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Stats returns the counters since Start.
func (s *Server) Stats() Stats {
	st := Stats{
		BindsRefused: s.st.bindsRefused.Load(),
		Submits:      s.st.submits.Load(),
		Accepted:     s.st.accepted.Load(),
		Rejected:     s.st.rejected.Load(),
		Dropped:      s.st.dropped.Load(),
		Delivers:     s.st.delivers.Load(),
		DeliverResps: s.st.deliverResps.Load(),
		DLRsPlanned:  s.st.dlrsPlanned.Load(),
		DLRsSent:     s.st.dlrsSent.Load(),
		EnquireSent:  s.st.enquireSent.Load(),
		EnquireResps: s.st.enquireResps.Load(),
		EnquireRecv:  s.st.enquireRecv.Load(),
		GenericNacks: s.st.genericNack.Load(),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st.Conns, st.Binds = len(s.sessions), s.binds
	for sess := range s.sessions {
		if sess.kind != unbound && !sess.unbinding {
			st.Bound++
		}
	}
	for _, q := range s.dlrQueue {
		st.DLRsQueued += len(q)
	}
	return st
}

// receivers returns the bound sessions that can receive deliver_sm, with
// system_id systemID unless it is "", ordered by session number; s.mu
// must be held.
func (s *Server) receiversLocked(systemID string) []*session {
	var out []*session
	for _, sess := range s.sessionList() {
		if sess.canReceive() && (systemID == "" || sess.systemID == systemID) {
			out = append(out, sess)
		}
	}
	return out
}
