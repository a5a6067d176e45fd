package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// freshSchema returns the schema of a database created from scratch by Open.
func freshSchema(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fresh.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open fresh: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close fresh: %v", err)
	}
	return schemaOf(t, path)
}

// writeV1 creates a version-1 database at path from the frozen schema.
func writeV1(t *testing.T, path string) {
	t.Helper()
	frozen, err := os.ReadFile(filepath.Join("testdata", "schema-v1.sql"))
	if err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, path)
	if _, err := db.Exec(string(frozen)); err != nil {
		t.Fatalf("load frozen v1: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if v := versionOf(t, path); v != 1 {
		t.Fatalf("frozen database has version %d, want 1", v)
	}
}

func TestOpenFresh(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mpimis.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	ctx := context.Background()
	if v, err := userVersion(ctx, s.write); err != nil || v != len(migrations) {
		t.Errorf("user_version = %d, %v; want %d", v, err, len(migrations))
	}
	var mode string
	if err := s.read.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	for i, tc := range []struct {
		db     string
		pragma string
		want   int
	}{
		{"write", "foreign_keys", 1},
		{"write", "busy_timeout", 5000},
		{"write", "synchronous", 1}, // NORMAL
		{"write", "query_only", 0},
		{"read", "foreign_keys", 1},
		{"read", "busy_timeout", 5000},
		{"read", "query_only", 1},
	} {
		db := s.write
		if tc.db == "read" {
			db = s.read.DB
		}
		var got int
		if err := db.QueryRowContext(ctx, "PRAGMA "+tc.pragma).Scan(&got); err != nil {
			t.Errorf("%d: %s %s: %v", i, tc.db, tc.pragma, err)
		} else if got != tc.want {
			t.Errorf("%d: %s %s = %d, want %d", i, tc.db, tc.pragma, got, tc.want)
		}
	}
	// The read pool must refuse writes.
	if _, err := s.read.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES ('x', x'00')"); err == nil {
		t.Error("write through the read pool succeeded")
	}
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mpimis.db")
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, "45678901", "+4915123456789", "alice")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	b, err := s.GetBindingByNick(ctx, "alice")
	if err != nil || b.IMID != "45678901" {
		t.Fatalf("after reopen: %v, %v", b, err)
	}
}

func TestUpgradeFromV1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	writeV1(t, path)
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open v1: %v", err)
	}
	for i, tc := range []struct {
		imid, phone, nick string
		state             BindingState
	}{
		{"45678901", "+4915123456789", "alice", StateActive},
		{"56789012", "+4915223456789", "", StateOptOut},
	} {
		b, err := s.GetBindingByIMID(ctx, tc.imid)
		if err != nil {
			t.Errorf("%d: GetBindingByIMID: %v", i, err)
			continue
		}
		if b.Phone != tc.phone || b.Nick != tc.nick || b.State != tc.state {
			t.Errorf("%d: got %v (phone match %t), want nick %q state %s", i, b, b.Phone == tc.phone, tc.nick, tc.state)
		}
	}
	if ok, err := s.IMIDExists(ctx, "67890123"); err != nil || !ok {
		t.Errorf("retired imid survived: %t, %v; want true", ok, err)
	}
	// New tables work on the upgraded file.
	if _, err := s.Salt(ctx); err != nil {
		t.Errorf("Salt on upgraded database: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if v := versionOf(t, path); v != len(migrations) {
		t.Errorf("user_version = %d, want %d", v, len(migrations))
	}
	if got, want := schemaOf(t, path), freshSchema(t); got != want {
		t.Errorf("upgraded schema differs from fresh schema\n got:\n%s\nwant:\n%s", got, want)
	}
}

func TestUpgradeFromV0(t *testing.T) {
	for i, tc := range []struct {
		name  string
		setup func(t *testing.T, path string)
	}{
		{"zero-length file", func(t *testing.T, path string) {
			if err := os.WriteFile(path, nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{"empty database", func(t *testing.T, path string) {
			db := rawDB(t, path)
			// VACUUM writes a valid, empty database file with version 0.
			if _, err := db.Exec("VACUUM"); err != nil {
				t.Fatal(err)
			}
			db.Close()
			if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
				t.Fatalf("setup did not write a database file: %v", err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "v0.db")
			tc.setup(t, path)
			s, err := Open(context.Background(), path)
			if err != nil {
				t.Fatalf("%d: Open: %v", i, err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if v := versionOf(t, path); v != len(migrations) {
				t.Errorf("%d: user_version = %d, want %d", i, v, len(migrations))
			}
			if got, want := schemaOf(t, path), freshSchema(t); got != want {
				t.Errorf("%d: schema differs from fresh\n got:\n%s\nwant:\n%s", i, got, want)
			}
		})
	}
}

func TestOpenTooNew(t *testing.T) {
	for i, tc := range []struct {
		name    string
		version int
		wal     bool
	}{
		{"rollback journal, one ahead", len(migrations) + 1, false},
		{"rollback journal, far ahead", 99, false},
		{"WAL, far ahead", 99, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "new.db")
			db := rawDB(t, path)
			setup := "CREATE TABLE future (x); INSERT INTO future VALUES (1);"
			if tc.wal {
				setup = "PRAGMA journal_mode=WAL;" + setup
			}
			if _, err := db.Exec(setup); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec("PRAGMA user_version = " + strconv.Itoa(tc.version)); err != nil {
				t.Fatal(err)
			}
			db.Close()
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}

			s, err := Open(context.Background(), path)
			if err == nil {
				s.Close()
				t.Fatalf("%d: Open succeeded on version %d", i, tc.version)
			}
			if !errors.Is(err, ErrTooNew) {
				t.Errorf("%d: error %v is not ErrTooNew", i, err)
			}
			want := "store: database schema version " + strconv.Itoa(tc.version) +
				" is newer than this binary (" + strconv.Itoa(len(migrations)) + "): upgrade mpimis"
			if err.Error() != want {
				t.Errorf("%d: error %q, want %q", i, err, want)
			}
			after, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(before, after) {
				t.Errorf("%d: refused database file was modified", i)
			}
			if _, err := os.Stat(path + "-wal"); !tc.wal && err == nil {
				t.Errorf("%d: a WAL file appeared next to a rollback-journal database", i)
			}
		})
	}
}

func TestFailingMigrationChangesNothing(t *testing.T) {
	broken := "CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);"
	for i, tc := range []struct {
		name  string
		setup func(t *testing.T, path string)
		want  int // version before and after
	}{
		{"from v0", func(t *testing.T, path string) {}, 0},
		{"from v1", writeV1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "m.db")
			tc.setup(t, path)
			var schemaBefore string
			if tc.want > 0 {
				schemaBefore = schemaOf(t, path)
			}
			migs := append(append([]string(nil), migrations...), broken)
			s, err := open(context.Background(), path, migs)
			if err == nil {
				s.Close()
				t.Fatalf("%d: open with a failing migration succeeded", i)
			}
			wantMsg := "store: migration " + strconv.Itoa(len(migs)) + ": "
			if !strings.HasPrefix(err.Error(), wantMsg) {
				t.Errorf("%d: error %q does not start with %q", i, err, wantMsg)
			}
			if v := versionOf(t, path); v != tc.want {
				t.Errorf("%d: user_version = %d, want %d", i, v, tc.want)
			}
			if got := schemaOf(t, path); got != schemaBefore {
				t.Errorf("%d: schema changed\n got:\n%s\nwant:\n%s", i, got, schemaBefore)
			}
			// The unbroken binary still upgrades the file afterwards.
			s, err = Open(context.Background(), path)
			if err != nil {
				t.Fatalf("%d: Open after failed migration: %v", i, err)
			}
			s.Close()
			if v := versionOf(t, path); v != len(migrations) {
				t.Errorf("%d: after recovery user_version = %d, want %d", i, v, len(migrations))
			}
		})
	}
}

func TestOpenPaths(t *testing.T) {
	dir := t.TempDir()
	for i, tc := range []struct {
		name    string
		path    string
		wantErr error
	}{
		{"empty", "", ErrInvalid},
		{"memory", ":memory:", ErrInvalid},
		{"question mark", filepath.Join(dir, "a?mode=ro.db"), nil},
		{"hash and percent", filepath.Join(dir, "b#1%20.db"), nil},
		{"file: prefix is a name", filepath.Join(dir, "file:c.db"), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open(context.Background(), tc.path)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Errorf("%d: Open(%q) = %v, want %v", i, tc.path, err, tc.wantErr)
				}
				if err == nil {
					s.Close()
				}
				return
			}
			if err != nil {
				t.Fatalf("%d: Open(%q): %v", i, tc.path, err)
			}
			mustCreate(t, s, "1", "+4915123456789", "")
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			// The data went to exactly the named file.
			if fi, err := os.Stat(tc.path); err != nil || fi.Size() == 0 {
				t.Errorf("%d: %q not written: %v", i, tc.path, err)
			}
			if v := versionOf(t, tc.path); v != len(migrations) {
				t.Errorf("%d: version of %q = %d", i, tc.path, v)
			}
		})
	}
}
