package smsbridge

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
)

func TestSessionBindAndSubmit(t *testing.T) {
	f := newFakeSMSC(t)
	s := NewSession(testConfig(f), nil)
	runSession(t, s)
	st := waitStatus(t, s, 5*time.Second, "bound", bound)
	if st.Binds != 1 || st.LastError != "" {
		t.Fatalf("status after bind = %+v, want Binds 1 and no error", st)
	}
	fc := f.nextConn(t, time.Second)
	for i := 1; i <= 3; i++ {
		id, err := s.Submit(context.Background(), testSubmit)
		if err != nil {
			t.Fatalf("submit %d: %v", i, err)
		}
		if want := fmt.Sprintf("msg-%d", i); id != want {
			t.Errorf("submit %d: message id %q, want %q", i, id, want)
		}
	}
	fc.mu.Lock()
	seqs := append([]uint32(nil), fc.reqSeqs...)
	fc.mu.Unlock()
	if len(seqs) < 4 {
		t.Fatalf("fake saw %d requests, want bind and 3 submits", len(seqs))
	}
	for i := 1; i < len(seqs); i++ {
		if seqs[i] <= seqs[i-1] {
			t.Errorf("request sequence numbers not increasing: %v", seqs)
		}
	}
}

func TestSessionBindRefused(t *testing.T) {
	cases := []struct {
		status uint32
		want   string
	}{
		{StatusInvPassword, "SMSC refused the bind: invalid password (ESME_RINVPASWD 0x0000000E)"},
		{StatusBindFail, "SMSC refused the bind: bind failed (ESME_RBINDFAIL 0x0000000D)"},
		{StatusInvSystemID, "SMSC refused the bind: invalid system id (ESME_RINVSYSID 0x0000000F)"},
	}
	for i, tc := range cases {
		t.Run(StatusName(tc.status), func(t *testing.T) {
			f := newFakeSMSC(t)
			f.bindStatus.Store(tc.status)
			var logs syncBuffer
			cfg := testConfig(f)
			cfg.ReconnectMin, cfg.ReconnectMax = 100*time.Millisecond, 400*time.Millisecond
			cfg.Logger = debugLogger(&logs)
			s := NewSession(cfg, nil)
			runSession(t, s)

			// Three attempts: the waits between them follow the backoff,
			// at least half of ReconnectMin each (the jitter's floor).
			var at []time.Time
			for len(at) < 3 {
				select {
				case ts := <-f.bindAttempts:
					at = append(at, ts)
				case <-time.After(5 * time.Second):
					t.Fatalf("case %d: only %d bind attempts", i, len(at))
				}
			}
			for j := 1; j < len(at); j++ {
				if gap := at[j].Sub(at[j-1]); gap < cfg.ReconnectMin/2 {
					t.Errorf("case %d: retry %d after %s, want >= %s (no tight loop)", i, j, gap, cfg.ReconnectMin/2)
				}
			}
			st := waitStatus(t, s, 5*time.Second, "refused", func(st BindStatus) bool { return st.LastError != "" })
			if !strings.Contains(st.LastError, tc.want) {
				t.Errorf("case %d: LastError %q, want it to contain %q", i, st.LastError, tc.want)
			}
			if st.State == BindBound || st.Binds != 0 {
				t.Errorf("case %d: status %+v after refused binds", i, st)
			}
			for _, where := range []string{st.LastError, logs.String()} {
				if strings.Contains(where, cfg.Password) {
					t.Errorf("case %d: password leaked: %q", i, where)
				}
			}
		})
	}
}

func TestSessionSubmitErrors(t *testing.T) {
	cases := []struct {
		name      string
		status    uint32
		nack      bool
		temporary bool
		cause     error
		text      string
	}{
		{"throttled", StatusThrottled, false, true, ErrRejected, "ESME_RTHROTTLED 0x00000058"},
		{"queue full", StatusMsgQueueFull, false, true, ErrRejected, "ESME_RMSGQFUL 0x00000014"},
		{"temporary app error", StatusTempAppError, false, true, ErrRejected, "ESME_RX_T_APPN 0x00000064"},
		{"permanent app error", StatusPermAppError, false, false, ErrRejected, "ESME_RX_P_APPN 0x00000065"},
		{"bad dest", StatusInvDstAddr, false, false, ErrRejected, "invalid destination address (ESME_RINVDSTADR 0x0000000B)"},
		{"submit fail", StatusSubmitFail, false, false, ErrRejected, "ESME_RSUBMITFAIL 0x00000045"},
		{"bad schedule", StatusInvSchedule, false, false, ErrRejected, "ESME_RINVSCHED 0x00000061"},
		{"system error", StatusSysErr, false, false, ErrRejected, "ESME_RSYSERR 0x00000008"},
		{"unknown status", 0x400, false, false, ErrRejected, "unknown status (0x00000400)"},
		{"generic_nack", StatusInvCmdLen, true, false, ErrGenericNack, "ESME_RINVCMDLEN 0x00000002"},
		{"generic_nack throttled", StatusThrottled, true, true, ErrGenericNack, "ESME_RTHROTTLED"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeSMSC(t)
			f.submitStatus = func(int64) uint32 { return tc.status }
			f.nackSubmits = tc.nack
			s := NewSession(testConfig(f), nil)
			runSession(t, s)
			id, err := s.Submit(context.Background(), testSubmit)
			if err == nil {
				t.Fatalf("case %d: submit succeeded with id %q", i, id)
			}
			se := submitErr(t, err)
			if se.Status != tc.status || se.Temporary != tc.temporary {
				t.Errorf("case %d: got status 0x%X temporary %v, want 0x%X %v", i, se.Status, se.Temporary, tc.status, tc.temporary)
			}
			if !errors.Is(err, tc.cause) {
				t.Errorf("case %d: %v does not wrap %v", i, err, tc.cause)
			}
			if !strings.Contains(err.Error(), tc.text) {
				t.Errorf("case %d: %q does not contain %q", i, err.Error(), tc.text)
			}
			if strings.Contains(err.Error(), testSubmit.Dest) {
				t.Errorf("case %d: error leaks the destination: %q", i, err.Error())
			}
		})
	}
}

func TestSessionSubmitInvalid(t *testing.T) {
	cases := []struct {
		name string
		m    Submit
	}{
		{"long short_message", Submit{Dest: "491511234567", ShortMessage: make([]byte, 255)}},
		{"long dest", Submit{Dest: strings.Repeat("4", 21)}},
		{"NUL in source", Submit{Source: "12\x0045", Dest: "491511234567"}},
		{"long TLV", Submit{Dest: "491511234567", TLVs: map[uint16][]byte{TagMessagePayload: make([]byte, 70000)}}},
		{"PDU over 64 KiB", Submit{Dest: "491511234567", TLVs: map[uint16][]byte{TagMessagePayload: make([]byte, 65000), 0x1400: make([]byte, 1000)}}},
	}
	s := NewSession(SessionConfig{Addr: "127.0.0.1:1"}, nil) // never run: validation comes first
	for i, tc := range cases {
		_, err := s.Submit(context.Background(), &tc.m)
		se := submitErr(t, err)
		if se.Temporary || !errors.Is(err, ErrInvalidSubmit) {
			t.Errorf("case %d (%s): got %v (temporary %v), want permanent ErrInvalidSubmit", i, tc.name, err, se.Temporary)
		}
	}
}

func TestSessionWindow(t *testing.T) {
	f := newFakeSMSC(t)
	f.submitDelay = 30 * time.Millisecond
	cfg := testConfig(f)
	cfg.Window = 2
	s := NewSession(cfg, nil)
	runSession(t, s)
	var wg sync.WaitGroup
	errs := make(chan error, 12)
	for range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.Submit(context.Background(), testSubmit); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("submit: %v", err)
	}
	if got := f.maxOutstanding.Load(); got != 2 {
		t.Errorf("max outstanding submit_sm seen by the SMSC = %d, want 2 (window full but never exceeded)", got)
	}
	if got := s.Status().WindowInUse; got != 0 {
		t.Errorf("WindowInUse after all submits = %d, want 0", got)
	}
}

func TestSessionTPS(t *testing.T) {
	const tps, n = 20, 40
	f := newFakeSMSC(t)
	cfg := testConfig(f)
	cfg.TPS = tps
	cfg.Window = 10
	s := NewSession(cfg, nil)
	runSession(t, s)
	waitStatus(t, s, 5*time.Second, "bound", bound)
	start := time.Now()
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.Submit(context.Background(), testSubmit); err != nil {
				t.Errorf("submit: %v", err)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	// The bucket holds one token: the first submit goes at once, each
	// other one 1/tps after the previous.
	if lower := time.Duration(n-1) * time.Second / tps; elapsed < lower {
		t.Errorf("%d submits at %d tps took %s, want >= %s", n, tps, elapsed, lower)
	}
}

func TestSessionGracefulUnbind(t *testing.T) {
	f := newFakeSMSC(t)
	s := NewSession(testConfig(f), nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	fc := f.nextConn(t, 5*time.Second)
	waitStatus(t, s, 5*time.Second, "bound", bound)
	cancel()
	fc.expect(t, pdu.UnbindID, 5*time.Second)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run returned %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after unbind")
	}
	fc.expectClosed(t, 5*time.Second)
	if st := s.Status(); st.State != BindDown {
		t.Errorf("state after Run = %s, want down", st.State)
	}
	_, err := s.Submit(context.Background(), testSubmit)
	if se := submitErr(t, err); !errors.Is(err, ErrSessionClosed) || !se.Temporary {
		t.Errorf("submit after Run: %v, want temporary ErrSessionClosed", err)
	}
	if err := s.Run(context.Background()); !errors.Is(err, ErrAlreadyRunning) {
		t.Errorf("second Run: %v, want ErrAlreadyRunning", err)
	}
}

func TestSessionSubmitWaitsForBindAndContext(t *testing.T) {
	f := newFakeSMSC(t)
	f.bindStatus.Store(StatusBindFail)
	s := NewSession(testConfig(f), nil)
	runSession(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := s.Submit(ctx, testSubmit)
	se := submitErr(t, err)
	if !se.Temporary || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("submit while unbound: %v, want temporary deadline exceeded", err)
	}
	if f.submits.Load() != 0 {
		t.Errorf("a submit_sm reached the SMSC while unbound")
	}
}

func TestBindConfigErrors(t *testing.T) {
	cases := []struct {
		name string
		cfg  SessionConfig
	}{
		{"no addr", SessionConfig{}},
		{"NUL in password", SessionConfig{Addr: "127.0.0.1:1", Password: "a\x00b"}},
	}
	for i, tc := range cases {
		err := NewSession(tc.cfg, nil).Run(context.Background())
		if !errors.Is(err, ErrBadConfig) {
			t.Errorf("case %d (%s): Run = %v, want ErrBadConfig", i, tc.name, err)
		}
		if err != nil && strings.Contains(err.Error(), "a\x00b") {
			t.Errorf("case %d: password in error", i)
		}
	}
}
