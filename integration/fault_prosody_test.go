package integration

import (
	"bytes"
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/store"
)

// TestIntegrationFaultProsodyRestart: Prosody stops and starts again on
// the same ports while a phone texts alice and alice texts two phones.
// Every accepted MT reaches the SMSC; every accepted MO reaches alice,
// online before the restart, online after it, or from offline storage
// when she logs in again; copies of one MO carry one id.
func TestIntegrationFaultProsodyRestart(t *testing.T) {
	e := startFaultEnv(t)
	p, m, bobJID, carolJID, alice, dbPath := e.p, e.m, e.bobJID, e.carolJID, e.alice, e.dbPath

	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	mo := newMOStream(m.sim, phoneDave, "pr-mo")
	stopMO := mo.start(ctx)
	mt := newMTStream("pr-mt", bobJID, carolJID)
	for range 3 {
		must(t, mt.batch(ctx, alice, 5), "MT batch before the restart")
	}
	must(t, mo.waitCount(ctx, 15), "MO before the restart")

	restarted := make(chan error, 1)

	go func() { restarted <- p.Restart(ctx) }()
	// alice goes on sending until her session dies with the server.
	for mt.batch(ctx, alice, 5) == nil {
	}
	must(t, <-restarted, "restart Prosody")
	in := moInbox{}
	must(t, in.collect(ctx, alice, nil), "MO received before the restart")
	beforeRestart := mo.count()
	m.waitLinks(t, func(s component.LinkStatus) bool { return s.State == component.StateUp && s.Connects >= 2 }, "up again")

	alice = login(t, p, "alice") // offline messages come now
	for range 3 {
		must(t, mt.batch(ctx, alice, 5), "MT batch after the restart")
	}
	must(t, mo.waitCount(ctx, beforeRestart+15), "MO after the restart")
	must(t, stopMO(), "MO stream")
	moAccepted, moFailed, _ := mo.result()

	if len(mt.refused) != 0 {
		t.Errorf("MT refused: %v", mt.refused)
	}
	copies := mtCopies(t, m.sim, mt.accepted)
	mtDups := checkMTCopies(t, copies, 0)

	// Once mpimis has handed every MO to the server, a ping answered
	// through the gateway link comes after all of them: what alice has
	// not got by then is lost.
	awaitMODone(t, m)
	checkServing(t, alice)
	must(t, in.collect(ctx, alice, nil), "collect MO")
	var lost []string
	for _, tok := range moAccepted {
		if len(in[tok]) == 0 {
			lost = append(lost, tok)
		}
	}
	// XEP-0114 has no acknowledgements: mpimis marks an MO done only
	// once a ping sent after it through the gateway link has come back,
	// so a Prosody that goes down with the message unread gets it again.
	ids := moQueueIDs(t, dbPath, lost)
	for _, tok := range lost {
		t.Errorf("accepted MO %s (queue id %d) lost", tok, ids[tok])
	}
	moDups := in.check(t, slices.DeleteFunc(moAccepted, func(tok string) bool { return slices.Contains(lost, tok) }))
	checkNoPanic(t, "mpimis", m.log.String())
	t.Logf("MT: %d accepted, %d unknown (session died), %d duplicates at the SMSC; MO: %d accepted, %d attempts failed, %d duplicates at alice, %d lost in flight",
		len(mt.accepted), len(mt.unknown), mtDups, len(moAccepted), len(moFailed), moDups, len(lost))
}

// awaitMODone waits until mpimis has no MO left to hand to the relay.
func awaitMODone(t *testing.T, m *mpimis) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		st, _, err := m.Store.MOStats(context.Background())
		must(t, err, "MO queue statistics")
		if st[store.MOQueued]+st[store.MOProcessing] == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("MO queue never drained: %v", st)
		}
		time.Sleep(20 * time.Millisecond) // the store has no change notification
	}
}

// logFields splits a text-handler log line into its key=value pairs.
func logFields(line string) map[string]string {
	f := map[string]string{}
	for line != "" {
		k, rest, ok := strings.Cut(line, "=")
		if !ok {
			break
		}
		var v string
		if strings.HasPrefix(rest, `"`) {
			if q, err := strconv.QuotedPrefix(rest); err == nil {
				v, _ = strconv.Unquote(q)
				rest = rest[len(q):]
			}
		} else {
			v, rest, _ = strings.Cut(rest, " ")
		}
		f[strings.TrimSpace(k)] = v
		line = strings.TrimLeft(rest, " ")
	}
	return f
}

// moQueueIDs looks up in the store file the queue ids of the MO whose
// text holds each token.
func moQueueIDs(t *testing.T, dbPath string, toks []string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	if len(toks) == 0 {
		return out
	}
	db, err := sql.Open("sqlite", "file:"+dbPath+"?mode=ro")
	must(t, err, "open the store read-only")
	defer db.Close()
	rows, err := db.Query("SELECT id, payload FROM mo_messages")
	must(t, err, "read MO")
	defer rows.Close()
	for rows.Next() {
		var id int64
		var payload []byte
		must(t, rows.Scan(&id, &payload), "scan MO")
		for _, tok := range toks {
			if bytes.Contains(payload, []byte(tok)) {
				out[tok] = id
			}
		}
	}
	must(t, rows.Err(), "read MO")
	return out
}
