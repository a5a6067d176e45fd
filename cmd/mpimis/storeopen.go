package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"

	"github.com/mpimis/mpimis/store"
)

// readSchemaVersion returns PRAGMA user_version of the SQLite database at
// path through a read-only connection: it never creates, migrates or
// writes the file, so it is safe while mpimis runs. It fails if the file
// is missing or is not an SQLite database.
func readSchemaVersion(ctx context.Context, path string) (int, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return 0, err
	}
	if _, err := os.Stat(abs); err != nil {
		return 0, err
	}
	// With no write-ahead log beside it, the file holds everything: open
	// it immutable, so that SQLite creates no -wal or -shm file (one made
	// by root here would lock the service's user out). With a log (mpimis
	// is running, or was killed), read through it, read-only.
	query := "mode=ro&immutable=1"
	if exists(abs+"-wal") && exists(abs+"-shm") {
		query = "mode=ro&_pragma=busy_timeout(5000)"
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: query}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var v int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return 0, err
	}
	// user_version alone reads only the header; make sure the file is a
	// database all the way to its schema.
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&n); err != nil {
		return 0, err
	}
	return v, nil
}

// binarySchemaVersion returns the schema version this binary's store
// creates, by opening a scratch store in a temporary directory.
func binarySchemaVersion(ctx context.Context) (int, error) {
	dir, err := os.MkdirTemp("", "mpimis-schema-")
	if err != nil {
		return 0, fmt.Errorf("schema version of this binary: %w", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "probe.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		return 0, fmt.Errorf("schema version of this binary: %w", err)
	}
	if err := st.Close(); err != nil {
		return 0, fmt.Errorf("schema version of this binary: %w", err)
	}
	return readSchemaVersion(ctx, path)
}

// openExistingStore opens the store at path for the admin commands. It
// refuses a missing file (these commands never create a store) and a
// database at another schema version than this binary's: an older one
// would be migrated under the running server's feet, a newer one cannot be
// read. At the same version, [store.Open] writes nothing.
func openExistingStore(ctx context.Context, path string) (*store.Store, error) {
	have, err := readSchemaVersion(ctx, path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("no store at %s: check store.path (mpimis run creates the store on its first start)", path)
	case err != nil:
		return nil, fmt.Errorf("cannot read the store %s: %w", path, err)
	}
	want, err := binarySchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	switch {
	case have < want:
		return nil, fmt.Errorf("the store %s is at schema version %d and this binary expects %d: "+
			"use the mpimis binary that runs it, or upgrade it by starting this version with mpimis run (back it up first)", path, have, want)
	case have > want:
		return nil, fmt.Errorf("the store %s is at schema version %d, newer than this binary (%d): use a newer mpimis", path, have, want)
	}
	return store.Open(ctx, path)
}

// exists reports whether a file exists at path.
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
