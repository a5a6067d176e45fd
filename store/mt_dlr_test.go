package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

// dlr is one delivery report and what RecordDLR must answer.
type dlr struct {
	cands []string
	stat  string
	final bool
	// expected outcome
	err                             error
	seq                             int
	allDelivered, failed, firstTime bool
	state                           MTState
}

func TestRecordDLR(t *testing.T) {
	// Each message part k (1-based) is recorded with candidates
	// {"p<k>", "<k>00", "x<k>"}: the report may name any of them.
	for i, tc := range []struct {
		name      string
		parts     int
		sent      []int // parts recorded as sent, in this order
		reports   []dlr
		lastError string
	}{
		{"single part delivered", 1, []int{1}, []dlr{
			{cands: []string{"p1"}, stat: "DELIVRD", final: true, seq: 1, allDelivered: true, firstTime: true, state: MTDelivered},
		}, ""},
		{"matched by a later candidate", 1, []int{1}, []dlr{
			{cands: []string{"nope", "", "x1"}, stat: "DELIVRD", final: true, seq: 1, allDelivered: true, firstTime: true, state: MTDelivered},
		}, ""},
		{"duplicate report gives no second receipt", 1, []int{1}, []dlr{
			{cands: []string{"p1"}, stat: "DELIVRD", final: true, seq: 1, allDelivered: true, firstTime: true, state: MTDelivered},
			{cands: []string{"100"}, stat: "DELIVRD", final: true, seq: 1, state: MTDelivered},
		}, ""},
		{"multipart delivered only when every part is", 3, []int{1, 2, 3}, []dlr{
			{cands: []string{"p2"}, stat: "DELIVRD", final: true, seq: 2, firstTime: true, state: MTSent},
			{cands: []string{"p1"}, stat: "DELIVRD", final: true, seq: 1, firstTime: true, state: MTSent},
			{cands: []string{"p1"}, stat: "DELIVRD", final: true, seq: 1, state: MTSent},
			{cands: []string{"p3"}, stat: "ENROUTE", seq: 3, firstTime: true, state: MTSent},
			{cands: []string{"p3"}, stat: "DELIVRD", final: true, seq: 3, allDelivered: true, firstTime: true, state: MTDelivered},
		}, ""},
		{"a failing part fails the message once", 3, []int{1, 2, 3}, []dlr{
			{cands: []string{"p1"}, stat: "DELIVRD", final: true, seq: 1, firstTime: true, state: MTSent},
			{cands: []string{"p2"}, stat: "UNDELIV", final: true, seq: 2, failed: true, firstTime: true, state: MTFailed},
			{cands: []string{"p2"}, stat: "UNDELIV", final: true, seq: 2, state: MTFailed},
			{cands: []string{"p3"}, stat: "REJECTD", final: true, seq: 3, firstTime: true, state: MTFailed},
			{cands: []string{"p3"}, stat: "DELIVRD", final: true, seq: 3, state: MTFailed},
		}, "UNDELIV"},
		{"non-final reports only update the part", 2, []int{1, 2}, []dlr{
			{cands: []string{"p1"}, stat: "ENROUTE", seq: 1, firstTime: true, state: MTSent},
			{cands: []string{"p1"}, stat: "ENROUTE", seq: 1, state: MTSent},
			{cands: []string{"p1"}, stat: "ACCEPTD", seq: 1, firstTime: true, state: MTSent},
			{cands: []string{"p1"}, stat: "DELIVRD", final: true, seq: 1, firstTime: true, state: MTSent},
			{cands: []string{"p1"}, stat: "ENROUTE", seq: 1, state: MTSent}, // late intermediate report
			{cands: []string{"p2"}, stat: "DELIVRD", final: true, seq: 2, allDelivered: true, firstTime: true, state: MTDelivered},
		}, ""},
		{"report before the last part is sent", 2, []int{1}, []dlr{
			{cands: []string{"p1"}, stat: "DELIVRD", final: true, seq: 1, firstTime: true, state: MTSending},
		}, ""},
		{"failure while parts are still sending", 2, []int{1}, []dlr{
			{cands: []string{"p1"}, stat: "EXPIRED", final: true, seq: 1, failed: true, firstTime: true, state: MTFailed},
		}, "EXPIRED"},
		{"unknown ids", 1, []int{1}, []dlr{
			{cands: []string{"zz"}, stat: "DELIVRD", final: true, err: ErrNotFound},
			{cands: nil, stat: "DELIVRD", final: true, err: ErrNotFound},
			{cands: []string{""}, stat: "DELIVRD", final: true, err: ErrNotFound},
			{cands: []string{"p1"}, stat: "", final: true, err: ErrInvalid},
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s, clk := openTest(t)
			m := enqueueMT(t, s, "text")
			leaseMT(t, s, clk.t, 1)
			for _, seq := range tc.sent {
				d := string(rune('0' + seq))
				if err := s.MTPartSent(ctx, m.ID, seq, tc.parts, []string{"p" + d, d + "00", "x" + d}); err != nil {
					t.Fatal(err)
				}
			}
			for k, r := range tc.reports {
				out, err := s.RecordDLR(ctx, r.cands, r.stat, r.final)
				if !errors.Is(err, r.err) {
					t.Fatalf("%d.%d: RecordDLR(%v, %s) = %v, want %v", i, k, r.cands, r.stat, err, r.err)
				}
				if err != nil {
					continue
				}
				if out.Seq != r.seq || out.AllDelivered != r.allDelivered || out.Failed != r.failed ||
					out.FirstTime != r.firstTime || out.MT.State != r.state || out.MT.ID != m.ID {
					t.Errorf("%d.%d: RecordDLR(%v, %s, %t) = seq %d all %t failed %t first %t state %s (id %d);"+
						" want seq %d all %t failed %t first %t state %s",
						i, k, r.cands, r.stat, r.final, out.Seq, out.AllDelivered, out.Failed, out.FirstTime,
						out.MT.State, out.MT.ID, r.seq, r.allDelivered, r.failed, r.firstTime, r.state)
				}
				if out.MT.Source != m.Source || out.MT.OriginID != m.OriginID || !out.MT.WantReceipt ||
					out.MT.Dest != phoneMT || !slices.Equal(out.MT.Sent, slices.Sorted(slices.Values(tc.sent))) {
					t.Errorf("%d.%d: outcome message %#v lacks what the relay reports with", i, k, out.MT)
				}
			}
			if _, _, reason := mtState(t, s, m.ID); reason != tc.lastError {
				t.Errorf("%d: last error %q, want %q", i, reason, tc.lastError)
			}
		})
	}
}

// TestRecordDLRReusedSMSCID: when the SMSC reuses a message id, a report
// refers to the newest message that got it.
func TestRecordDLRReusedSMSCID(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	first := enqueueMT(t, s, "first")
	second := enqueueMT(t, s, "second")
	leaseMT(t, s, clk.t, 2)
	if err := s.MTPartSent(ctx, first.ID, 1, 1, []string{"123", "291", "7b"}); err != nil {
		t.Fatal(err)
	}
	if err := s.MTPartSent(ctx, second.ID, 1, 1, []string{"7b", "123"}); err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct {
		cands []string
		want  int64
	}{
		{[]string{"7b"}, second.ID},
		{[]string{"123"}, second.ID},
		{[]string{"291"}, first.ID},
	} {
		out, err := s.RecordDLR(ctx, tc.cands, "ENROUTE", false)
		if err != nil || out.MT.ID != tc.want {
			t.Errorf("%d: report for %v went to %v, %v; want message %d", i, tc.cands, out, err, tc.want)
		}
	}
}

func TestMTStatsAndPrune(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	t0 := clk.t
	counts, oldest, err := s.MTStats(ctx)
	if err != nil || len(counts) != 5 || counts[MTQueued] != 0 || !oldest.IsZero() {
		t.Fatalf("empty stats: %v %v %v", counts, oldest, err)
	}
	delivered := enqueueMT(t, s, "delivered")
	failed := enqueueMT(t, s, "failed")
	sent := enqueueMT(t, s, "sent")
	clk.t = t0.Add(time.Second)
	sending := enqueueMT(t, s, "sending")
	clk.t = t0.Add(2 * time.Second)
	queued := enqueueMT(t, s, "queued")
	leaseMT(t, s, t0.Add(time.Second), 4)
	clk.t = t0.Add(time.Hour)
	for i, id := range []int64{delivered.ID, sent.ID} {
		if err := s.MTPartSent(ctx, id, 1, 1, []string{"d" + string(rune('0'+i))}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.RecordDLR(ctx, []string{"d0"}, "DELIVRD", true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FailMT(ctx, failed.ID, "rejected"); err != nil {
		t.Fatal(err)
	}

	counts, oldest, err = s.MTStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[MTState]int{MTQueued: 1, MTSending: 1, MTSent: 1, MTDelivered: 1, MTFailed: 1}
	for st, n := range want {
		if counts[st] != n {
			t.Errorf("count %s = %d, want %d (all: %v)", st, counts[st], n, counts)
		}
	}
	if !oldest.Equal(sending.CreatedAt) {
		t.Errorf("oldest pending %v, want %v (the sending message)", oldest, sending.CreatedAt)
	}

	for i, tc := range []struct {
		before time.Time
		want   int
	}{
		{t0.Add(time.Hour), 0}, // finished at t0+1h, not before
		{t0.Add(time.Hour + time.Millisecond), 3},
		{t0.Add(2 * time.Hour), 0},
	} {
		n, err := s.PruneMT(ctx, tc.before)
		if err != nil || n != tc.want {
			t.Errorf("%d: PruneMT(%v) = %d, %v; want %d", i, tc.before, n, err, tc.want)
		}
	}
	for i, tc := range []struct {
		table string
		want  int
	}{{"mt_messages", 2}, {"mt_parts", 0}, {"mt_smsc_ids", 0}} {
		if n := countRows(t, s, tc.table); n != tc.want {
			t.Errorf("%d: %s has %d rows after prune, want %d", i, tc.table, n, tc.want)
		}
	}
	if _, err := s.RecordDLR(ctx, []string{"d1"}, "DELIVRD", true); !errors.Is(err, ErrNotFound) {
		t.Errorf("report for a pruned message: %v, want ErrNotFound", err)
	}
	if got := mtIDs(leaseMT(t, s, t0.Add(time.Hour), 10)); !slices.Equal(got, []int64{sending.ID, queued.ID}) {
		t.Errorf("after prune leased %v, want %v", got, []int64{sending.ID, queued.ID})
	}
}

// TestPruneMTBatches deletes more rows than one batch.
func TestPruneMTBatches(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	const n = pruneBatch*2 + 3
	for i := range n {
		m := enqueueMT(t, s, "m")
		if i%2 == 0 {
			if err := s.MTPartSent(ctx, m.ID, 1, 1, nil); err != nil {
				t.Fatal(err)
			}
		} else if _, err := s.FailMT(ctx, m.ID, "x"); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.PruneMT(ctx, clk.t.Add(time.Millisecond))
	if err != nil || got != n {
		t.Fatalf("PruneMT = %d, %v; want %d", got, err, n)
	}
	if left := countRows(t, s, "mt_messages"); left != 0 {
		t.Errorf("%d messages left", left)
	}
}
