package integration

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/mpimis/mpimis/smsbridge"
)

// envLockDB names the database a child process locks: it takes the write
// lock (BEGIN EXCLUSIVE), prints "locked", and commits when its stdin
// closes.
const envLockDB = "MPIMIS_FAULT_LOCK_DB"

func lockChildMain() int {
	db, err := sql.Open("sqlite", "file:"+os.Getenv(envLockDB)+"?_pragma=busy_timeout(10000)")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer db.Close()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if _, err := conn.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("locked")
	_, _ = io.Copy(io.Discard, os.Stdin)
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// lockStore locks the database at path from another process and returns
// the function that releases the lock and waits for that process to end.
func lockStore(t *testing.T, path string) (release func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envLockDB+"="+path)
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdin, err := cmd.StdinPipe()
	must(t, err, "lock holder stdin")
	stdout, err := cmd.StdoutPipe()
	must(t, err, "lock holder stdout")
	must(t, cmd.Start(), "start the lock holder")
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "locked\n" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("lock holder did not lock: %q, %v", line, err)
	}
	released := false
	release = func() {
		if released {
			return
		}
		released = true
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("lock holder: %v", err)
		}
	}
	t.Cleanup(release)
	return release
}

// TestIntegrationFaultStoreLocked: another process holds the SQLite write
// lock while MO (three phones -> alice) and MT (alice -> two phones)
// flow: first for 1.5 s, within the store's busy timeout, so writes only
// wait; then beyond it, so they fail: MO are answered with an error
// status (and sent again by the SMSC) and alice's MT are refused with an
// error. mpimis does not crash, and every accepted message is delivered.
func TestIntegrationFaultStoreLocked(t *testing.T) {
	e := startFaultEnv(t)
	m, bobJID, carolJID, alice, dbPath := e.m, e.bobJID, e.carolJID, e.alice, e.dbPath

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	var streams []*moStream
	var stops []func() error
	for i, ph := range []string{phoneDave, "+4915112345004", "+4915112345005"} {
		s := newMOStream(m.sim, ph, fmt.Sprintf("lk-mo%d", i))
		streams, stops = append(streams, s), append(stops, s.start(ctx))
	}
	moCount := func() int {
		n := 0
		for _, s := range streams {
			n += s.count()
		}
		return n
	}
	mt := newMTStream("lk-mt", bobJID, carolJID)
	must(t, mt.batch(ctx, alice, 5), "MT batch before the lock")

	// Within the busy timeout: writes wait for the lock. alice's batch
	// goes on meanwhile: it is answered once the lock is gone.
	release := lockStore(t, dbPath)
	locked := time.Now()
	batchDone := make(chan error, 1)
	go func() { batchDone <- mt.batch(ctx, alice, 5) }()
	time.Sleep(time.Until(locked.Add(1500 * time.Millisecond))) // the fault lasts 1.5 s
	release()
	must(t, <-batchDone, "MT batch during the short lock")
	if len(mt.refused) != 0 {
		t.Errorf("MT refused during a lock shorter than the busy timeout: %v", mt.refused)
	}
	afterShort := moCount()
	must(t, mt.batch(ctx, alice, 5), "MT batch after the short lock")
	for _, s := range streams {
		must(t, s.waitCount(ctx, s.count()+5), "MO after the short lock")
	}

	// Beyond the busy timeout: writes fail. The lock is held until an MO
	// has been refused; alice's messages meanwhile may be refused.
	release = lockStore(t, dbPath)
	go func() { batchDone <- mt.batch(ctx, alice, 2) }()
	s0 := streams[0]
	must(t, s0.waitFor(ctx, "refused while locked", func() bool {
		return s0.statuses[smsbridge.StatusSysErr]+s0.statuses[smsbridge.StatusMsgQueueFull] > 0
	}), "MO refused while locked")
	release()
	must(t, <-batchDone, "MT batch during the long lock")
	for _, s := range streams {
		must(t, s.waitCount(ctx, s.count()+5), "MO after the long lock")
	}
	must(t, mt.batch(ctx, alice, 5), "MT batch after the long lock")

	var moAccepted []string
	moFailed := 0
	statuses := map[uint32]int{}
	for i, s := range streams {
		must(t, stops[i](), "MO stream %s", s.name)
		a, f, st := s.result()
		moAccepted, moFailed = append(moAccepted, a...), moFailed+len(f)
		for k, v := range st {
			statuses[k] += v
		}
	}
	for tok, e := range mt.refused {
		if !isRefusalOf(tok)(e) {
			t.Errorf("refusal of %s: %s", tok, e)
		}
	}
	mtDups, moDups := e.verify(t, ctx, mt, 0, moAccepted)
	t.Logf("MT: %d accepted, %d refused, %d duplicates at the SMSC; MO: %d accepted (%d by the end of the short lock), %d attempts refused (statuses %v), %d duplicates at alice",
		len(mt.accepted), len(mt.refused), mtDups, len(moAccepted), afterShort, moFailed, statuses, moDups)
}
