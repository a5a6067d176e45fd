package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Background checkpoints. SQLite's automatic checkpoint runs inside the
// commit that crosses its threshold, so one write in every thousand pages
// or so waited for pages to be copied into the database file: the tail of
// the MT and MO latency. The writer's threshold is raised to a safety net
// (20000 pages, in writerParams) and a separate connection runs PASSIVE
// checkpoints, which neither wait for nor block the writer and the
// readers.

const (
	// checkpointEvery is how often the background checkpoint runs.
	checkpointEvery = 200 * time.Millisecond
	// checkpointParams configure the checkpoint connection.
	checkpointParams = "_pragma=busy_timeout(5000)"
)

// checkpointer runs background checkpoints until stopped.
type checkpointer struct {
	db   *sql.DB
	stop chan struct{}
	done chan struct{}
}

func startCheckpointer(ctx context.Context, base string) (*checkpointer, error) {
	db, err := openOneConn(base, checkpointParams)
	if err != nil {
		return nil, fmt.Errorf("store: open checkpoint connection: %w", err)
	}
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("store: open checkpoint connection: %w", err)
	}
	c := &checkpointer{db: db, stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c, nil
}

func (c *checkpointer) run() {
	defer close(c.done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
		var busy, logFrames, done int
		// An error (a closing store, a busy lock) is left to the next
		// round; the writer's own threshold is the safety net.
		_ = c.db.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logFrames, &done)
	}
}

// close stops the checkpoints and closes the connection.
func (c *checkpointer) close() error {
	close(c.stop)
	<-c.done
	return c.db.Close()
}
