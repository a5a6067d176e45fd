package smsflow

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/relay"
	"github.com/mpimis/mpimis/smsbridge"
)

func TestSubmitStatus(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"accepted", nil, SubmitOK},
		{"throttled", &smsbridge.SubmitError{Status: smsbridge.StatusThrottled, Temporary: true}, SubmitThrottled},
		{"wrapped throttled", fmt.Errorf("x: %w", &smsbridge.SubmitError{Status: smsbridge.StatusThrottled, Temporary: true}), SubmitThrottled},
		{"queue full", &smsbridge.SubmitError{Status: smsbridge.StatusMsgQueueFull, Temporary: true}, SubmitTemporary},
		{"no answer", &smsbridge.SubmitError{Temporary: true, Err: smsbridge.ErrResponseTimeout}, SubmitTemporary},
		{"permanent", &smsbridge.SubmitError{Status: 0x0B}, SubmitRejected},
		{"unclassified", errors.New("boom"), SubmitTemporary},
	}
	for _, tc := range cases {
		if got := submitStatus(tc.err); got != tc.want {
			t.Errorf("%s: submitStatus = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestAcceptTimes(t *testing.T) {
	t0 := time.Unix(1000, 0)
	cases := []struct {
		name    string
		limit   int
		put     []partKey
		take    partKey
		wantOK  bool
		wantAt  time.Time // when wantOK
		wantLen int       // after the take
	}{
		{"found", 4, []partKey{{1, 1}, {1, 2}}, partKey{1, 2}, true, t0.Add(time.Second), 1},
		{"unknown", 4, []partKey{{1, 1}}, partKey{2, 1}, false, time.Time{}, 1},
		{"oldest evicted", 2, []partKey{{1, 1}, {2, 1}, {3, 1}}, partKey{1, 1}, false, time.Time{}, 2},
		{"newest kept", 2, []partKey{{1, 1}, {2, 1}, {3, 1}}, partKey{3, 1}, true, t0.Add(2 * time.Second), 1},
		// A part put again (resubmitted) is not evicted by its first slot.
		{"re-put survives its old slot", 2, []partKey{{1, 1}, {1, 1}, {2, 1}}, partKey{1, 1}, true, t0.Add(time.Second), 1},
		{"zero limit acts as one", 0, []partKey{{1, 1}, {2, 1}}, partKey{2, 1}, true, t0.Add(time.Second), 0},
	}
	for _, tc := range cases {
		a := newAcceptTimes(tc.limit)
		for i, k := range tc.put {
			a.put(k, t0.Add(time.Duration(i)*time.Second))
		}
		at, ok := a.take(tc.take)
		if ok != tc.wantOK || (ok && !at.Equal(tc.wantAt)) {
			t.Errorf("%s: take = %v, %v; want %v, %v", tc.name, at, ok, tc.wantAt, tc.wantOK)
		}
		if n := a.len(); n != tc.wantLen {
			t.Errorf("%s: %d parts remembered after take, want %d", tc.name, n, tc.wantLen)
		}
		if _, again := a.take(tc.take); again {
			t.Errorf("%s: a part was taken twice", tc.name)
		}
	}
}

// recObserver records what the flow reports.
type recObserver struct {
	mu      sync.Mutex
	submits []string
	reports []string
	changed chan struct{}
}

func newRecObserver() *recObserver { return &recObserver{changed: make(chan struct{})} }

func (o *recObserver) ObserveSubmit(d time.Duration, status string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if d < 0 {
		status = "negative duration"
	}
	o.submits = append(o.submits, status)
	close(o.changed)
	o.changed = make(chan struct{})
}

func (o *recObserver) ObserveDeliveryReport(d time.Duration, stat string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if d < 0 {
		stat = "negative duration"
	}
	o.reports = append(o.reports, stat)
	close(o.changed)
	o.changed = make(chan struct{})
}

// wait waits until cond holds on the recorded observations.
func (o *recObserver) wait(t *testing.T, what string, cond func(submits, reports []string) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		o.mu.Lock()
		ok, ch := cond(o.submits, o.reports), o.changed
		s, r := append([]string(nil), o.submits...), append([]string(nil), o.reports...)
		o.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-ch:
		case <-ctx.Done():
			t.Fatalf("never saw %s: submits %q, reports %q", what, s, r)
		}
	}
}

func (o *recObserver) snapshot() (submits, reports []string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.submits...), append([]string(nil), o.reports...)
}

// scriptSubmitter answers submits from a script of errors, then accepts
// with ids "id-1", "id-2", ...
type scriptSubmitter struct {
	mu     sync.Mutex
	errs   []error
	issued int
}

func (s *scriptSubmitter) Submit(ctx context.Context, m *smsbridge.Submit) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.errs) > 0 {
		err := s.errs[0]
		s.errs = s.errs[1:]
		return "", err
	}
	s.issued++
	return fmt.Sprintf("id-%d", s.issued), nil
}

func receipt(id, stat string) *smsbridge.Deliver {
	text := fmt.Sprintf("id:%s sub:001 dlvrd:001 submit date:2401011200 done date:2401011201 stat:%s err:000 text:", id, stat)
	return &smsbridge.Deliver{Source: "4915112345001", Dest: "12345", ESMClass: 0x04, ShortMessage: []byte(text)}
}

// runFlow runs a flow over a fresh store with sub and obs (which may be
// nil) until the test ends.
func runFlow(t *testing.T, sub Submitter, obs Observer, receipts bool) *Flow {
	t.Helper()
	f, _ := startFlow(t, Config{DeliveryReceipts: receipts, MaxSegments: 6,
		RetryMin: 5 * time.Millisecond, RetryMax: 20 * time.Millisecond, Observer: obs}, sub, nil)
	return f
}

func sendOne(t *testing.T, f *Flow, text string) {
	t.Helper()
	to, err := ident.ParsePhone("+4915112345001", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Send(context.Background(), to, text, relay.SMSMeta{Source: "alice@localhost"}, nil); err != nil {
		t.Fatal(err)
	}
}

// TestObserverSubmitAndReport: a throttled attempt, then an accepted one,
// are observed; the first final report of the part is observed with its
// stat, an intermediate one and a duplicate are not.
func TestObserverSubmitAndReport(t *testing.T) {
	throttled := &smsbridge.SubmitError{Status: smsbridge.StatusThrottled, Temporary: true}
	obs := newRecObserver()
	f := runFlow(t, &scriptSubmitter{errs: []error{throttled}}, obs, true)
	sendOne(t, f, "hello")
	obs.wait(t, "throttled then ok", func(s, _ []string) bool { return len(s) >= 2 })
	if s, _ := obs.snapshot(); s[0] != SubmitThrottled || s[1] != SubmitOK {
		t.Fatalf("submits observed %q, want [throttled ok]", s)
	}
	ctx := context.Background()
	steps := []struct {
		name string
		d    *smsbridge.Deliver
		want []string // reports observed after the step
	}{
		{"intermediate report", receipt("id-1", "ENROUTE"), nil},
		{"final report", receipt("id-1", "DELIVRD"), []string{"DELIVRD"}},
		{"duplicate report", receipt("id-1", "DELIVRD"), []string{"DELIVRD"}},
		{"unknown id", receipt("id-9", "UNDELIV"), []string{"DELIVRD"}},
	}
	for _, st := range steps {
		if code := f.HandleDeliver(ctx, st.d); code != smsbridge.StatusOK {
			t.Fatalf("%s: answered 0x%X", st.name, code)
		}
		if _, r := obs.snapshot(); fmt.Sprint(r) != fmt.Sprint(st.want) {
			t.Errorf("%s: reports observed %q, want %q", st.name, r, st.want)
		}
	}
	if n := f.accepted.len(); n != 0 {
		t.Errorf("%d acceptance times left after the final report", n)
	}
}

// TestObserverRejected: a permanent refusal is observed as rejected.
func TestObserverRejected(t *testing.T) {
	obs := newRecObserver()
	f := runFlow(t, &scriptSubmitter{errs: []error{&smsbridge.SubmitError{Status: 0x0B}}}, obs, true)
	sendOne(t, f, "hello")
	obs.wait(t, "rejected", func(s, _ []string) bool { return len(s) >= 1 })
	if s, _ := obs.snapshot(); len(s) != 1 || s[0] != SubmitRejected {
		t.Errorf("submits observed %q, want [rejected]", s)
	}
}

// TestObserverNil: without an observer the flow submits and matches
// reports as before, remembering nothing.
func TestObserverNil(t *testing.T) {
	sub := &scriptSubmitter{}
	f := runFlow(t, sub, nil, true)
	sendOne(t, f, "hello")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		ch := f.recorded.Changed()
		if f.recorded.Get() > 0 { // the part is submitted and recorded
			break
		}
		select {
		case <-ch:
		case <-ctx.Done():
			t.Fatal("nothing submitted")
		}
	}
	if code := f.HandleDeliver(context.Background(), receipt("id-1", "DELIVRD")); code != smsbridge.StatusOK {
		t.Fatalf("report answered 0x%X", code)
	}
	if n := f.accepted.len(); n != 0 {
		t.Errorf("%d acceptance times remembered without an observer", n)
	}
}

// TestObserverNoReceipts: with delivery receipts off, no acceptance time
// is kept (no report will ever take it).
func TestObserverNoReceipts(t *testing.T) {
	obs := newRecObserver()
	f := runFlow(t, &scriptSubmitter{}, obs, false)
	sendOne(t, f, "hello")
	obs.wait(t, "ok", func(s, _ []string) bool { return len(s) >= 1 })
	if n := f.accepted.len(); n != 0 {
		t.Errorf("%d acceptance times remembered without receipts", n)
	}
}
