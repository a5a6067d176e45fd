package integration

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/mpimis/mpimis/internal/smscsim"
	"github.com/mpimis/mpimis/internal/smsflow"
	"github.com/mpimis/mpimis/relay"
	"github.com/mpimis/mpimis/smsbridge"
	"github.com/mpimis/mpimis/store"
)

// Environment of the child process of TestIntegrationSMSQueuesSurviveKill.
const (
	envChild = "MPIMIS_SMS_CHILD"
	envStore = "MPIMIS_SMS_CHILD_STORE"
	envSMSC  = "MPIMIS_SMS_CHILD_SMSC"
)

// refusingRelay never finishes taking an MO: the child holds it leased
// until it is killed.
type refusingRelay struct{}

func (refusingRelay) FromSMS(ctx context.Context, _ relay.SMSMessage) error {
	<-ctx.Done()
	return errors.New("child: not consuming")
}
func (refusingRelay) Report(context.Context, relay.DeliveryReport) error { return nil }

// smsChildMain runs the SMS side on a store until it is killed.
func smsChildMain() int {
	ctx := context.Background()
	st, err := store.Open(ctx, os.Getenv(envStore))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fc := smsFlowConfig()
	fc.Lease = time.Second
	flow := smsflow.New(fc, st, nil)
	sess := smsbridge.NewSession(sessionConfig(os.Getenv(envSMSC)), flow)
	flow.SetSubmitter(sess)
	flow.SetRelay(refusingRelay{})
	go sess.Run(ctx)
	flow.Run(ctx)
	return 0
}

// TestIntegrationSMSQueuesSurviveKill: a process holding MT messages in
// flight and MO messages it acknowledged is killed with SIGKILL; a new
// process on the same store submits every MT and hands every acknowledged
// MO to the relay.
func TestIntegrationSMSQueuesSurviveKill(t *testing.T) {
	sim, err := smscsim.Start(smscsim.Config{SystemID: "smsgw", Password: "secret", DLRDelay: 10 * time.Millisecond})
	must(t, err, "start SMSC simulator")
	defer sim.Close()
	dbPath := filepath.Join(t.TempDir(), "mpimis.db")

	// Queue 20 MT messages before the child starts.
	st, err := store.Open(context.Background(), dbPath)
	must(t, err, "open store")
	const nMT = 20
	for i := 0; i < nMT; i++ {
		_, err := st.EnqueueMT(context.Background(), &store.MT{Dest: fmt.Sprintf("+49151123402%02d", i), Source: "alice@localhost", Text: fmt.Sprint("queued ", i), Ref: uint16(i)})
		must(t, err, "enqueue %d", i)
	}
	must(t, st.Close(), "close store")

	sim.SetRespDelay(300 * time.Millisecond) // keep submits in flight at the kill
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), envChild+"=1", envStore+"="+dbPath, envSMSC+"="+sim.Addr())
	child.Stderr = os.Stderr
	must(t, child.Start(), "start child")
	defer child.Process.Kill()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	must(t, sim.WaitBinds(ctx, 1), "child binds")
	const nMO = 3
	for i := 0; i < nMO; i++ { // acknowledged by the child once stored
		must(t, sim.SendMO(ctx, smscsim.MO{Source: fmt.Sprintf("+49151123403%02d", i), Dest: "12345", Text: fmt.Sprint("mo ", i)}), "MO %d", i)
	}
	_, err = sim.WaitSubmitted(ctx, 3)
	must(t, err, "child submits")
	must(t, child.Process.Signal(syscall.SIGKILL), "kill child")
	_ = child.Wait()
	inFlight := sim.SubmittedCount()
	t.Logf("child killed with %d of %d MT submits seen by the SMSC", inFlight, nMT)
	if inFlight >= nMT {
		t.Fatalf("child submitted everything before the kill; the test proves nothing")
	}

	sim.SetRespDelay(0)
	e := startSMSLink(t, sim, dbPath, func(fc *smsflow.Config, _ *smsbridge.SessionConfig) { fc.Lease = time.Second })
	e.relay.wait(t, "every acknowledged MO", func(mos []relay.SMSMessage, _ []relay.DeliveryReport) bool { return len(mos) >= nMO })
	// Every MT reaches the SMSC; those the child had in flight may come
	// twice (delivery is at least once), none may be missing.
	got := map[string]int{}
	for n := nMT; len(got) < nMT; n++ {
		msgs, err := sim.WaitMessages(ctx, n)
		if err != nil {
			break
		}
		got = map[string]int{}
		for _, m := range msgs {
			got[m.Text]++
		}
	}
	dups := 0
	for i := 0; i < nMT; i++ {
		switch c := got[fmt.Sprint("queued ", i)]; {
		case c == 0:
			t.Errorf("MT %d lost", i)
		case c > 1:
			dups += c - 1
		}
	}
	t.Logf("after restart: %d MT texts at the SMSC, %d duplicates of in-flight submits", len(got), dups)
	seen := map[string]bool{}
	for _, m := range e.relay.mos {
		seen[m.Text] = true
	}
	for i := 0; i < nMO; i++ {
		if !seen[fmt.Sprint("mo ", i)] {
			t.Errorf("acknowledged MO %d lost", i)
		}
	}
}
