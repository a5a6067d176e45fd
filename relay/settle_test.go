package relay

import (
	"context"
	"testing"

	"github.com/mpimis/mpimis/store"
)

// settleRec collects what the relay hands to an MO's Settle.
type settleRec struct {
	records []func(*store.Tx) error
}

func (s *settleRec) settle(r func(*store.Tx) error) { s.records = append(s.records, r) }

// commit runs the handed records in one transaction, as the SMS side does
// once the XMPP server confirmed.
func (s *settleRec) commit(t *testing.T, st *store.Store) {
	t.Helper()
	err := st.WriteTx(context.Background(), func(tx *store.Tx) error {
		for _, r := range s.records {
			if err := r(tx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s.records = nil
}

// An MO relayed to XMPP hands its record to Settle instead of writing it;
// a command answered by SMS does not settle.
func TestRelayedMOHandsItsRecordToSettle(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	h.register(phoneA, "")
	h.s.take()
	counter := func() int64 {
		c, err := h.st.RelayCounters(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return c[counterSMSToXMPP]
	}
	var rec settleRec
	m := SMSMessage{ID: 41, From: phoneA, Text: "alice@example.org hi", ReceivedAt: h.clk.now(), Settle: rec.settle}
	if err := h.c.FromSMS(ctx, m); err != nil {
		t.Fatal(err)
	}
	if len(rec.records) != 1 || counter() != 0 {
		t.Fatalf("%d records handed, counter %d; want 1 handed and nothing written yet", len(rec.records), counter())
	}
	rec.commit(t, h.st)
	if counter() != 1 {
		t.Fatalf("counter %d after the settle, want 1", counter())
	}
	m.ID, m.Text = 43, "HELP"
	if err := h.c.FromSMS(ctx, m); err != nil || len(rec.records) != 0 {
		t.Fatalf("HELP: %v, %d records handed", err, len(rec.records))
	}
}

// MOs that settle count against the daily cap when their record commits,
// or on their own when answered by SMS; over the cap they are dropped
// with one notice, as without settling.
func TestSettledMOsCountAgainstTheDailyCap(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.SMSPerDay = 3 })
	ctx := context.Background()
	imid := h.register(phoneA, "")
	h.s.take()
	day := h.clk.now().UTC().Format("2006-01-02")
	var rec settleRec
	send := func(id int64, text string) {
		t.Helper()
		if err := h.c.FromSMS(ctx, SMSMessage{ID: id, From: phoneA, Text: text, ReceivedAt: h.clk.now(), Settle: rec.settle}); err != nil {
			t.Fatal(err)
		}
		rec.commit(t, h.st)
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
