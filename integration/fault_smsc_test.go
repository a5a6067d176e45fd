package integration

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mpimis/mpimis/conf"
	"github.com/mpimis/mpimis/internal/smscsim"
	"github.com/mpimis/mpimis/smsbridge"
)

// TestIntegrationFaultSMSCDisconnect: the SMSC drops the TCP connection
// twice while MT (alice -> two phones) and MO (a phone -> alice) stream
// through. Every accepted MT reaches the SMSC and its receipt reaches
// alice; every accepted MO reaches alice with one stable id; only submits
// in flight at a disconnect may reach the SMSC twice.
func TestIntegrationFaultSMSCDisconnect(t *testing.T) {
	e := startFaultEnv(t)
	m, bobJID, carolJID, alice := e.m, e.bobJID, e.carolJID, e.alice

	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	mo := newMOStream(m.sim, phoneDave, "dc-mo")
	stopMO := mo.start(ctx)
	mt := newMTStream("dc-mt", bobJID, carolJID)
	const disconnects = 2
	cut, binds := 0, m.sim.Binds()
	for cut < disconnects || mo.count() < 60 || len(mt.accepted) < 60 {
		must(t, mt.batch(ctx, alice, 5), "MT batch")
		// Cut when both streams have moved on since the last cut.
		if cut < disconnects && mo.count() >= 20*(cut+1) && len(mt.accepted) >= 20*(cut+1) {
			m.sim.DisconnectAll()
			cut++
			must(t, m.sim.WaitBinds(ctx, binds+cut), "rebind after disconnect %d", cut)
		}
	}
	must(t, stopMO(), "MO stream")
	moAccepted, moFailed, statuses := mo.result()

	if len(mt.refused) != 0 || len(mt.unknown) != 0 {
		t.Errorf("an unreachable SMSC is no reason to refuse: refused %v, unknown %v", mt.refused, mt.unknown)
	}
	mtDups, moDups := e.verify(t, ctx, mt, disconnects*conf.Defaults().SMPP.Window, moAccepted)
	t.Logf("MT: %d accepted, %d duplicates at the SMSC; MO: %d accepted, %d attempts failed (statuses %v), %d duplicates at alice",
		len(mt.accepted), mtDups, len(moAccepted), len(moFailed), statuses, moDups)
}

// awaitSubmits waits until n submit_sm records satisfy match and returns
// them.
func awaitSubmits(t *testing.T, sim *smscsim.Server, what string, n int, match func(smscsim.Submitted) bool) []smscsim.Submitted {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var got []smscsim.Submitted
	for from := 0; ; {
		recs, next, err := sim.WaitSubmittedAfter(ctx, from)
		if err != nil {
			t.Fatalf("only %d of %d submits %s: %v", len(got), n, what, err)
		}
		for _, r := range recs {
			if match(r) {
				got = append(got, r)
			}
		}
		if len(got) >= n {
			return got
		}
		from = next
	}
}

// TestIntegrationFaultSubmitErrors: while alice streams MT, the SMSC
// swallows submit responses, throttles, and answers temporary and
// permanent error statuses. A message refused for good fails and alice
// gets an error saying it was not delivered; every other accepted message
// reaches the SMSC exactly once and alice gets its receipt.
func TestIntegrationFaultSubmitErrors(t *testing.T) {
	e := startFaultEnv(t)
	m, bobJID, carolJID, alice := e.m, e.bobJID, e.carolJID, e.alice

	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	mt := newMTStream("se-mt", bobJID, carolJID)
	isMT := func(r smscsim.Submitted) bool { return strings.HasPrefix(r.Text, mtPrefix) }
	faults := []struct {
		name  string
		set   func()
		n     int
		match func(smscsim.Submitted) bool
	}{
		{"dropped responses", func() { m.sim.DropResponses(3) }, 3, func(r smscsim.Submitted) bool { return r.Dropped }},
		{"throttled", func() { m.sim.SetThrottle(5) }, 5, func(r smscsim.Submitted) bool { return r.Status == smsbridge.StatusThrottled }},
		{"queue full (temporary)", func() { m.sim.SetSubmitStatus(smsbridge.StatusMsgQueueFull, 3) }, 3,
			func(r smscsim.Submitted) bool { return r.Status == smsbridge.StatusMsgQueueFull }},
		{"temporary application error", func() { m.sim.SetSubmitStatus(smsbridge.StatusTempAppError, 2) }, 2,
			func(r smscsim.Submitted) bool { return r.Status == smsbridge.StatusTempAppError }},
		{"invalid destination (permanent)", func() { m.sim.SetSubmitStatus(smsbridge.StatusInvDstAddr, 2) }, 2,
			func(r smscsim.Submitted) bool { return r.Status == smsbridge.StatusInvDstAddr }},
	}
	must(t, mt.batch(ctx, alice, 5), "MT batch before the faults")
	for _, f := range faults {
		f.set()
		must(t, mt.batch(ctx, alice, 5), "MT batch during %s", f.name)
		awaitSubmits(t, m.sim, f.name, f.n, func(r smscsim.Submitted) bool { return isMT(r) && f.match(r) })
	}
	must(t, mt.batch(ctx, alice, 5), "MT batch after the faults")
	if len(mt.refused) != 0 || len(mt.unknown) != 0 {
		t.Fatalf("SMSC errors are no reason to refuse: refused %v, unknown %v", mt.refused, mt.unknown)
	}

	// The messages answered with the permanent status fail: alice is told.
	failed := map[string]bool{}
	for _, r := range m.sim.Submitted() {
		if isMT(r) && r.Status == smsbridge.StatusInvDstAddr {
			failed[strings.TrimPrefix(r.Text, mtPrefix)] = true
		}
	}
	if len(failed) != 2 {
		t.Fatalf("permanent status given to %d messages, want 2: %v", len(failed), failed)
	}
	var delivered []string
	for _, tok := range mt.accepted {
		if failed[tok] {
			if _, err := alice.Expect(ctx, isFailureOf(tok)); err != nil {
				t.Errorf("no failure error for %s, refused for good by the SMSC: %v", tok, err)
			}
			continue
		}
		delivered = append(delivered, tok)
	}
	copies := mtCopies(t, m.sim, delivered)
	for tok := range failed {
		if copies[tok] != 0 {
			t.Errorf("%s refused for good but also delivered %d times", tok, copies[tok])
		}
	}
	checkMTCopies(t, copies, 0)
	awaitReceipts(t, alice, delivered)
	checkNoPanic(t, "mpimis", m.log.String())
	checkServing(t, alice)
	t.Logf("MT: %d accepted, %d failed for good, %d delivered", len(mt.accepted), len(failed), len(delivered))
}
