package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

const (
	driverName = "sqlite"
	// readConns is the size of the read pool.
	readConns = 4
	// writerParams configure the single writer connection. journal_mode is
	// deliberately absent: Open switches the file to WAL after checking the
	// schema version (see doc.go).
	writerParams = "_txlock=immediate" +
		"&_pragma=busy_timeout(5000)" +
		"&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)" +
		"&_pragma=wal_autocheckpoint(20000)" // a safety net: see checkpoint.go
	// readerParams configure the read pool; query_only comes last so the
	// other pragmas still apply.
	readerParams = "_pragma=busy_timeout(5000)" +
		"&_pragma=foreign_keys(1)" +
		"&_pragma=query_only(1)"
)

// Store is the mpimis database. It is safe for concurrent use by multiple
// goroutines. Create one with [Open] and release it with [Store.Close].
type Store struct {
	write  *sql.DB // exactly one connection, BEGIN IMMEDIATE
	stmts  *stmtCache
	commit *committer // all writes go through it (see commit.go)
	ckpt   *checkpointer
	read   *readPool // query_only pool, statements cached

	// now is the clock used for created_at/updated_at; tests replace it.
	now func() time.Time

	closeOnce sync.Once
	closeErr  error
}

// Open opens (creating it if needed) the SQLite database at path, checks its
// schema version and applies any missing migrations in one transaction. A
// database written by a newer binary is refused with an error wrapping
// [ErrTooNew] and left untouched. path must name a file: ":memory:" cannot be
// shared by the writer and the read pool and is rejected with [ErrInvalid].
func Open(ctx context.Context, path string) (*Store, error) {
	return open(ctx, path, migrations)
}

// open is Open with the migration list as a parameter, so tests can inject
// a failing migration.
func open(ctx context.Context, path string, migs []string) (*Store, error) {
	base, err := fileURI(path)
	if err != nil {
		return nil, err
	}
	write, err := openOneConn(base, writerParams)
	if err != nil {
		return nil, fmt.Errorf("store: open writer: %w", err)
	}
	if err := migrate(ctx, write, migs); err != nil {
		return nil, errors.Join(err, write.Close())
	}

	read, err := sql.Open(driverName, base+"?"+readerParams)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("store: open read pool: %w", err), write.Close())
	}
	read.SetMaxOpenConns(readConns)
	read.SetMaxIdleConns(readConns)
	if err := read.PingContext(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("store: open read pool: %w", err), read.Close(), write.Close())
	}
	ckpt, err := startCheckpointer(ctx, base)
	if err != nil {
		return nil, errors.Join(err, read.Close(), write.Close())
	}
	s := &Store{write: write, stmts: newStmtCache(write), commit: newCommitter(), ckpt: ckpt,
		read: newReadPool(read), now: time.Now}
	go s.runCommitter()
	return s, nil
}

// openOneConn opens a pool of exactly one connection, kept for the life
// of the store, to the database at base with params.
func openOneConn(base, params string) (*sql.DB, error) {
	db, err := sql.Open(driverName, base+"?"+params)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	return db, nil
}

// fileURI turns a file path into an SQLite "file:" URI naming the same file.
// Using the URI form (rather than a plain name) means a path containing '?'
// or '#' is not mistaken for query parameters.
func fileURI(path string) (string, error) {
	if path == "" || path == ":memory:" {
		return "", fmt.Errorf("%w: database path must name a file", ErrInvalid)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("store: database path: %w", err)
	}
	return "file:" + escapeURIPath(filepath.ToSlash(abs)), nil
}

// escapeURIPath percent-encodes the characters that SQLite's URI parser
// would otherwise interpret: '%' (escape), '?' (query) and '#' (fragment).
// NUL is encoded too, although SQLite cannot open such a name anyway.
func escapeURIPath(p string) string {
	var b strings.Builder
	b.Grow(len(p))
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '%', '?', '#', 0:
			fmt.Fprintf(&b, "%%%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Close checkpoints the write-ahead log into the database file
// (wal_checkpoint(TRUNCATE)), so a gracefully stopped store is fully flushed,
// and closes both pools. It waits for running queries to finish. Calling it
// again returns the first call's result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closeCommitter()
		// Readers and the background checkpoint go first so that none
		// holds a snapshot that would keep the checkpoint from reaching
		// the end of the log.
		errRead := errors.Join(s.read.Close(), s.ckpt.close())
		var errCkpt error
		var busy, logFrames, ckptFrames int
		err := s.write.QueryRow("PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &ckptFrames)
		switch {
		case err != nil:
			errCkpt = fmt.Errorf("store: checkpoint: %w", err)
		case busy != 0:
			errCkpt = errors.New("store: checkpoint: database busy, log not fully checkpointed")
		}
		s.stmts.close()
		errWrite := s.write.Close()
		if errRead != nil {
			errRead = fmt.Errorf("store: close read pool: %w", errRead)
		}
		if errWrite != nil {
			errWrite = fmt.Errorf("store: close writer: %w", errWrite)
		}
		s.closeErr = errors.Join(errRead, errCkpt, errWrite)
	})
	return s.closeErr
}

// WriteTx runs fn in a write transaction on the single writer connection and
// commits it if fn returns nil; otherwise (or if fn panics, the panic being
// raised again here) what fn did is rolled back. fn's error is returned
// unchanged. Writes from all goroutines are serialised; writes that queue
// up while a commit is in progress share the next commit, each in its own
// savepoint (see commit.go), so they are isolated from each other's
// failures. Transactions begin IMMEDIATE, so reads inside fn see the latest
// committed state, including earlier writes of the same batch.
//
// When WriteTx returns nil the commit is durable against a crash of the
// process (WAL with synchronous(NORMAL)): a caller may acknowledge the
// message it has just stored. A power loss can still roll back the latest
// commits; see the package documentation.
//
// fn must use tx for every read and write, must not call WriteTx or any
// write method of the Store (the writer has one connection: that would
// deadlock) and should not block on anything but the database.
func (s *Store) WriteTx(ctx context.Context, fn func(*Tx) error) error {
	return s.submit(ctx, fn)
}
