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

// MOs that settle count against the daily cap in their settling
// transaction, or on their own when answered by SMS; over the cap they
// are dropped with one notice, as without settling.
func TestSettledMOsCountAgainstTheDailyCap(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.SMSPerDay = 3 })
	ctx := context.Background()
	imid := h.register(phoneA, "")
	h.s.take()
	day := h.clk.now().UTC().Format("2006-01-02")
	settle := func(tx *store.Tx) error { return nil }
	send := func(id int64, text string) {
		t.Helper()
		if err := h.c.FromSMS(ctx, SMSMessage{ID: id, From: phoneA, Text: text, ReceivedAt: h.clk.now(), Settle: settle}); err != nil {
			t.Fatal(err)
		}
	}
	send(1, "alice@example.org one")
	send(2, "HELP")
	send(3, "alice@example.org three")
	if n, err := h.st.SentCount(ctx, peerOf(imid), day); err != nil || n != 3 {
		t.Fatalf("daily count %d, %v; want 3", n, err)
	}
	before := len(h.x.calls)
	send(4, "alice@example.org four")
	if len(h.x.calls) != before {
		t.Fatalf("an MO over the daily cap was relayed: %+v", h.x.calls[before:])
	}
	if got := h.replies(phoneA); len(got) != 2 || got[1] != txtRateDay {
		t.Fatalf("replies %q: want the HELP text and the daily-cap notice", got)
	}
	if n, _ := h.st.SentCount(ctx, peerOf(imid), day); n != 3 {
		t.Fatalf("daily count %d after a dropped MO, want 3", n)
	}
}
