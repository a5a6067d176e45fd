package smscsim

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"

	"github.com/mpimis/mpimis/smsbridge"
)

func TestSubmitControls(t *testing.T) {
	cases := []struct {
		name  string
		set   func(s *Server)
		want  []uint32 // statuses of consecutive submits; 0xFFFFFFFF: no response
		after func(t *testing.T, s *Server)
	}{
		{name: "throttle 2", set: func(s *Server) { s.SetThrottle(2) }, want: []uint32{smsbridge.StatusThrottled, smsbridge.StatusThrottled, 0}},
		{name: "throttle until cleared", set: func(s *Server) { s.SetThrottle(-1) }, want: []uint32{smsbridge.StatusThrottled, smsbridge.StatusThrottled, smsbridge.StatusThrottled}},
		{name: "status 1", set: func(s *Server) { s.SetSubmitStatus(0x45, 1) }, want: []uint32{0x45, 0}},
		{name: "throttle before status", set: func(s *Server) { s.SetSubmitStatus(0x45, 1); s.SetThrottle(1) }, want: []uint32{smsbridge.StatusThrottled, 0x45, 0}},
		{name: "drop 1", set: func(s *Server) { s.DropResponses(1) }, want: []uint32{0xFFFFFFFF, 0},
			after: func(t *testing.T, s *Server) {
				subs := s.Submitted()
				if !subs[0].Dropped || subs[0].MessageID == "" || subs[1].Dropped {
					t.Errorf("records %+v", subs)
				}
				if msgs := s.Messages(); len(msgs) != 1 {
					t.Errorf("dropped submit in Messages: %+v", msgs)
				}
				if st := s.Stats(); st.Dropped != 1 || st.Accepted != 1 {
					t.Errorf("stats %+v", st)
				}
			}},
		{name: "cleared", set: func(s *Server) { s.SetThrottle(5); s.SetThrottle(0) }, want: []uint32{0}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := startSim(t, Config{})
			e := dial(t, s.Addr())
			e.mustBind()
			tc.set(s)
			var seqs []uint32
			for range tc.want {
				seqs = append(seqs, e.submit(sub{src: "1", dst: "2", regDel: 1, sm: []byte("x")}))
			}
			// Responses come in order; dropped ones are missing.
			for n, want := range tc.want {
				if want == 0xFFFFFFFF {
					continue
				}
				p := e.expect(pdu.SubmitSMRespID)
				if p.seq != seqs[n] || p.status != want {
					t.Fatalf("case %d submit %d: seq %d status 0x%X, want seq %d status 0x%X", i, n, p.seq, p.status, seqs[n], want)
				}
				id, ok := p.cstr()
				if (want == 0) != (ok && id != "") {
					t.Fatalf("case %d submit %d: body %q with status 0x%X", i, n, p.body, want)
				}
				if want == 0 {
					e.respond(e.expect(pdu.DeliverSMID), smsbridge.StatusOK)
				}
			}
			subs := s.Submitted()
			for n, want := range tc.want {
				if want != 0xFFFFFFFF && subs[n].Status != want {
					t.Errorf("case %d record %d: Status 0x%X, want 0x%X", i, n, subs[n].Status, want)
				}
			}
			if tc.after != nil {
				tc.after(t, s)
			}
		})
	}
}

func TestRespDelay(t *testing.T) {
	s := startSim(t, Config{})
	e := dial(t, s.Addr())
	e.mustBind()
	const d = 40 * time.Millisecond
	s.SetRespDelay(d)
	start := time.Now()
	a := e.submit(sub{src: "1", dst: "2", sm: []byte("a")})
	b := e.submit(sub{src: "1", dst: "2", sm: []byte("b")})
	pa, pb := e.expect(pdu.SubmitSMRespID), e.expect(pdu.SubmitSMRespID)
	if el := time.Since(start); el < d {
		t.Fatalf("responses after %v, want at least %v", el, d)
	}
	// Delayed responses may overtake each other, as on a real SMSC.
	if pa.seq+pb.seq != a+b || pa.seq == pb.seq {
		t.Fatalf("seqs %d %d, want %d and %d", pa.seq, pb.seq, a, b)
	}
	// Both were read at once: the delays overlap rather than add up.
	if subs := s.Submitted(); subs[1].At.Sub(subs[0].At) >= d {
		t.Fatalf("second submit read %v after the first: the reader waited", subs[1].At.Sub(subs[0].At))
	}
	s.SetRespDelay(0)
	e.submit(sub{src: "1", dst: "2", sm: []byte("c")})
	e.expect(pdu.SubmitSMRespID)
}

func TestDisconnectAll(t *testing.T) {
	s := startSim(t, Config{})
	var es []*esme
	for range 3 {
		e := dial(t, s.Addr())
		e.mustBind()
		es = append(es, e)
	}
	if s.Sessions() != 3 {
		t.Fatalf("Sessions %d, want 3", s.Sessions())
	}
	s.DisconnectAll()
	for i, e := range es {
		if err := e.expectClosed(); !isClosedErr(err) {
			t.Errorf("esme %d: %v", i, err)
		}
	}
	if st := s.Stats(); st.Bound != 0 || st.Conns != 0 || s.Sessions() != 0 {
		t.Fatalf("after DisconnectAll: %+v", st)
	}
}

func TestUnbind(t *testing.T) {
	t.Run("by simulator", func(t *testing.T) {
		s := startSim(t, Config{})
		e := dial(t, s.Addr())
		e.mustBind()
		s.Unbind()
		if s.Sessions() != 0 {
			t.Fatalf("Sessions %d while unbinding", s.Sessions())
		}
		p := e.expect(pdu.UnbindID)
		e.respond(p, smsbridge.StatusOK)
		if err := e.expectClosed(); !isClosedErr(err) {
			t.Fatal(err)
		}
	})
	t.Run("by ESME", func(t *testing.T) {
		s := startSim(t, Config{})
		e := dial(t, s.Addr())
		e.mustBind()
		u := pdu.NewUnbind()
		u.Header().Seq = 0
		seq := e.send(u)
		if p := e.expect(pdu.UnbindRespID); p.seq != seq || p.status != 0 {
			t.Fatalf("unbind_resp seq %d status 0x%X", p.seq, p.status)
		}
		if err := e.expectClosed(); !isClosedErr(err) {
			t.Fatal(err)
		}
	})
}

func TestConcurrentSessions(t *testing.T) {
	s := startSim(t, Config{})
	const sessions, each = 8, 50
	var wg sync.WaitGroup
	ids := make(chan string, sessions*each)
	for n := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := dial(t, s.Addr())
			e.mustBind()
			for k := range each {
				e.submit(sub{src: fmt.Sprint(n), dst: "2", sm: []byte(fmt.Sprintf("%d/%d", n, k))})
			}
			for range each {
				p := e.expect(pdu.SubmitSMRespID)
				id, _ := p.cstr()
				ids <- id
			}
		}()
	}
	go func() {
		for n := range 5 {
			_ = s.Stats()
			_ = s.Messages()
			s.SetThrottle(0)
			_ = s.SetDLR(fmt.Sprint([]string{"text", "tlv"}[n%2]))
		}
	}()
	subs, err := s.WaitSubmitted(testCtx(t), sessions*each)
	if err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(ids)
	seen := map[string]bool{}
	for id := range ids {
		if seen[id] {
			t.Fatalf("duplicate id %q", id)
		}
		seen[id] = true
	}
	if len(seen) != sessions*each || len(subs) != sessions*each {
		t.Fatalf("%d ids, %d records", len(seen), len(subs))
	}
	if msgs, err := s.WaitMessages(testCtx(t), sessions*each); err != nil || len(msgs) != sessions*each {
		t.Fatalf("WaitMessages: %d, %v", len(msgs), err)
	}
}

func TestWaitSubmittedAfterFollowsStream(t *testing.T) {
	s := startSim(t, Config{MaxKept: 4})
	e := dial(t, s.Addr())
	e.mustBind()
	got := make(chan []string, 1)
	go func() {
		var texts []string
		next := 0
		for len(texts) < 3 {
			recs, n, err := s.WaitSubmittedAfter(testCtx(t), next)
			if err != nil {
				break
			}
			for _, r := range recs {
				texts = append(texts, r.Text)
			}
			next = n
		}
		got <- texts
	}()
	for _, txt := range []string{"one", "two", "three"} {
		e.submit(sub{src: "1", dst: "2", sm: []byte(txt)})
	}
	if texts := <-got; fmt.Sprint(texts) != "[one two three]" {
		t.Fatalf("followed %v", texts)
	}
	for range 3 {
		e.expect(pdu.SubmitSMRespID)
	}
	for range 3 {
		e.submit(sub{src: "1", dst: "2", sm: []byte("more")})
		e.expect(pdu.SubmitSMRespID)
	}
	// MaxKept 4: six records became 3 kept (the oldest half dropped at 5),
	// plus the sixth; the count still says 6.
	if n, kept := s.SubmittedCount(), len(s.Submitted()); n != 6 || kept > 4 || kept < 2 {
		t.Fatalf("count %d kept %d", n, kept)
	}
	recs, next, err := s.WaitSubmittedAfter(testCtx(t), 0)
	if err != nil || next != 6 || recs[len(recs)-1].Text != "more" {
		t.Fatalf("after trimming: %d records next %d err %v", len(recs), next, err)
	}
}

func TestWaitersEnd(t *testing.T) {
	s := startSim(t, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.WaitSubmitted(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled WaitSubmitted: %v", err)
	}
	if _, err := s.WaitMessages(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled WaitMessages: %v", err)
	}
	if err := s.WaitBinds(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled WaitBinds: %v", err)
	}
	errs := make(chan error, 3)
	go func() { _, err := s.WaitSubmitted(testCtx(t), 1); errs <- err }()
	go func() { _, _, err := s.WaitSubmittedAfter(testCtx(t), 0); errs <- err }()
	go func() { errs <- s.WaitBinds(testCtx(t), 1) }()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := <-errs; !errors.Is(err, ErrClosed) {
			t.Fatalf("waiter after Close: %v", err)
		}
	}
	if err := s.SendMO(testCtx(t), MO{Text: "x"}); !errors.Is(err, ErrClosed) {
		t.Fatalf("SendMO after Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestCloseCancelsPendingTimers(t *testing.T) {
	s, err := Start(Config{DLRDelay: time.Hour, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	e := dial(t, s.Addr())
	e.mustBind()
	s.SetRespDelay(time.Hour)
	e.submit(sub{src: "1", dst: "2", regDel: 1, sm: []byte("x")})
	if _, err := s.WaitSubmitted(testCtx(t), 1); err != nil {
		t.Fatal(err)
	}
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(testTimeout):
		t.Fatal("Close waits for an hour-long timer")
	}
}

func TestErrorRespBody(t *testing.T) {
	s := startSim(t, Config{ErrorRespBody: true})
	e := dial(t, s.Addr())
	e.mustBind()
	s.SetSubmitStatus(smsbridge.StatusSysErr, 1)
	e.submit(sub{src: "1", dst: "2", sm: []byte("x")})
	if p := e.expect(pdu.SubmitSMRespID); p.status != smsbridge.StatusSysErr || string(p.body) != "\x00" {
		t.Fatalf("status 0x%X body %q, want ESME_RSYSERR and an empty message_id", p.status, p.body)
	}
}
