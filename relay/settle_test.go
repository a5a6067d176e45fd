package relay

import (
	"context"
	"errors"
	"testing"

	"github.com/mpimis/mpimis/store"
)

// An MO relayed to XMPP is settled in the transaction that records it;
// when settling fails, the record is rolled back and FromSMS fails, so
// the MO comes back.
func TestRelayedMOSettlesWithItsRecord(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	h.register(phoneA, "")
	h.s.take()
	counters := func() int64 {
		c, err := h.st.RelayCounters(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return c[counterSMSToXMPP]
	}
	calls := 0
	ok := func(tx *store.Tx) error {
		calls++
		_, err := tx.ExecContext(ctx, "SELECT 1")
		return err
	}
	m := SMSMessage{ID: 41, From: phoneA, Text: "alice@example.org hi", ReceivedAt: h.clk.now(), Settle: ok}
	if err := h.c.FromSMS(ctx, m); err != nil {
		t.Fatal(err)
	}
	if calls != 1 || counters() != 1 {
		t.Fatalf("settle ran %d times, counter %d; want 1 and 1", calls, counters())
	}
	boom := errors.New("settle failed")
	m.ID, m.Settle = 42, func(*store.Tx) error { return boom }
	if err := h.c.FromSMS(ctx, m); !errors.Is(err, boom) {
		t.Fatalf("FromSMS with a failing settle: %v, want it", err)
	}
	if counters() != 1 {
		t.Fatalf("counter %d after a failed settle: the record was not rolled back", counters())
	}
	// Not confirmed by the XMPP server: not settled, and the MO comes back.
	calls = 0
	h.x.flushFail = errors.New("link down")
	m.ID, m.Settle = 44, ok
	if err := h.c.FromSMS(ctx, m); err == nil || calls != 0 {
		t.Fatalf("unconfirmed relay: %v, settle ran %d times; want an error and none", err, calls)
	}
	h.x.flushFail = nil
	if h.x.flushes < 3 {
		t.Fatalf("%d flushes for three relayed MOs", h.x.flushes)
	}
	// A command answered by SMS does not settle: the SMS side marks it.
	calls = 0
	m.ID, m.Text, m.Settle = 43, "HELP", ok
	if err := h.c.FromSMS(ctx, m); err != nil || calls != 0 {
		t.Fatalf("HELP: %v, settle ran %d times", err, calls)
	}
}
