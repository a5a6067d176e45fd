package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// checkStore is doctor's store check. It never creates, migrates or
// changes the database: the schema version is read through a read-only
// connection. It says whether mpimis run can open the store: the file (or
// its directory, if it does not exist yet) must be writable by this user,
// and its schema must not be newer than this binary's.
func checkStore(ctx context.Context, path string) (status, detail string) {
	want, err := binarySchemaVersion(ctx)
	if err != nil {
		return statusFail, err.Error()
	}
	have, err := readSchemaVersion(ctx, path)
	if errors.Is(err, fs.ErrNotExist) {
		dir := filepath.Dir(path)
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return statusFail, fmt.Sprintf("%s does not exist, nor does its directory %s: create the directory "+
				"(the systemd unit's StateDirectory does) or fix store.path", path, dir)
		}
		if err := probeDirWritable(dir); err != nil {
			return statusFail, fmt.Sprintf("%s does not exist and this user (uid %d) cannot create files in %s: %v",
				path, os.Getuid(), dir, err)
		}
		return statusOK, fmt.Sprintf("%s does not exist yet: mpimis run creates it (schema version %d)", path, want)
	}
	if err != nil {
		return statusFail, fmt.Sprintf("%s cannot be read as an SQLite database: %v", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return statusFail, fmt.Sprintf("%s is not writable by this user (uid %d): %v", path, os.Getuid(), err)
	}
	f.Close()
	switch {
	case have > want:
		return statusFail, fmt.Sprintf("%s has schema version %d, newer than this binary's %d: mpimis run refuses it; "+
			"run the newer mpimis, or restore the backup taken before the upgrade", path, have, want)
	case have < want:
		return statusOK, fmt.Sprintf("%s opens, schema version %d: this binary migrates it to %d at start (back it up first)",
			path, have, want)
	}
	return statusOK, fmt.Sprintf("%s opens, schema version %d (current)", path, have)
}

// probeDirWritable creates and removes a temporary file in dir.
func probeDirWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".mpimis-doctor-*")
	if err != nil {
		return err
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}
