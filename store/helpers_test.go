package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testClock is a settable clock for created_at/updated_at.
type testClock struct{ t time.Time }

func (c *testClock) now() time.Time { return c.t }

// openTest opens a fresh store in a temporary directory, with a fixed
// clock, and closes it when the test ends.
func openTest(t testing.TB) (*Store, *testClock) {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "mpimis.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	clk := &testClock{t: time.Date(2025, 1, 2, 3, 4, 5, 6_000_000, time.UTC)}
	s.now = clk.now
	return s, clk
}

// rawDB opens path with no pragmas, bypassing the store, for setting up and
// inspecting database files.
func rawDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	uri, err := fileURI(path)
	if err != nil {
		t.Fatalf("raw open: %v", err)
	}
	db, err := sql.Open(driverName, uri)
	if err != nil {
		t.Fatalf("raw open: %v", err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

// schemaOf returns the schema of the database at path as sorted
// "type name tbl_name sql" lines (rootpage left out: it depends on history).
func schemaOf(t testing.TB, path string) string {
	t.Helper()
	db := rawDB(t, path)
	defer db.Close()
	rows, err := db.Query("SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master ORDER BY type, name")
	if err != nil {
		t.Fatalf("read schema: %v", err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var typ, name, tbl, sqlText string
		if err := rows.Scan(&typ, &name, &tbl, &sqlText); err != nil {
			t.Fatalf("scan schema: %v", err)
		}
		lines = append(lines, strings.Join([]string{typ, name, tbl, sqlText}, " "))
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read schema: %v", err)
	}
	return strings.Join(lines, "\n")
}

// versionOf returns PRAGMA user_version of the database at path.
func versionOf(t testing.TB, path string) int {
	t.Helper()
	db := rawDB(t, path)
	defer db.Close()
	v, err := userVersion(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// mustCreate creates a binding or fails the test.
func mustCreate(t testing.TB, s *Store, imid, phone, nick string) *Binding {
	t.Helper()
	b := &Binding{IMID: imid, Phone: phone, Nick: nick}
	if err := s.CreateBinding(context.Background(), b); err != nil {
		t.Fatalf("CreateBinding(%s): %v", imid, err)
	}
	return b
}
