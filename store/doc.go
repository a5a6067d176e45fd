// Package store owns mpimis's persistent state: the SQLite database, its
// schema and numbered migrations, and the typed operations on it: the
// identity bindings (phone number <-> imid, optional nick), instance-wide
// meta values such as the statistics salt, the durable MT/MO queues with
// delivery-report matching and MO reassembly (queue.go), the relay's state
// (blocks, buddies, sticky correspondents, counters: relay_*.go) and the
// rooms' page notes and statistics (rooms_*.go). Every write goes through
// one committer with group commit (commit.go) and cached statements
// (stmt.go).
//
// # Connections
//
// A [Store] holds two connection pools on one database file, built on the
// pure-Go driver modernc.org/sqlite:
//
//   - a writer with exactly one connection whose transactions begin
//     IMMEDIATE, so every write in the process is serialised by database/sql
//     and never meets SQLITE_BUSY from a sibling connection;
//   - a read pool of a few query_only connections, which in WAL mode read a
//     consistent snapshot concurrently with the writer.
//
// Every connection runs busy_timeout(5000) and foreign_keys(1); the writer
// also runs synchronous(NORMAL). The database is switched to WAL once, by
// [Open], after the schema version has been checked (journal_mode is a
// property of the file, so a refused database is left exactly as it was).
// Times are stored as Unix milliseconds in INTEGER columns.
//
// # Durability
//
// With WAL and synchronous(NORMAL), a transaction whose commit has returned
// is in the write-ahead log in the operating system's page cache: it survives
// a crash or kill of the mpimis process, so a caller may acknowledge a
// message (an SMPP deliver_sm_resp, an XMPP receipt) as soon as
// [Store.WriteTx] returns nil. It does not survive a power loss or kernel
// crash before the log is synced at the next checkpoint: the database stays
// consistent, but the most recent commits can be rolled back. Deployments
// that must keep acknowledged messages across power loss need
// synchronous(FULL) on the writer at the cost of one fsync per commit.
//
// # Schema and migrations
//
// The schema is a numbered list of migrations; migration i takes the
// database from PRAGMA user_version i to i+1. [Open] applies the missing ones
// in a single transaction that also sets user_version, so an upgrade either
// completes or changes nothing. A database whose user_version is above the
// number of migrations this binary knows is refused with [ErrTooNew].
// Released migrations are never edited: a change is a new migration.
//
// # Privacy
//
// The store is the only place a phone number lives. No error message of this
// package contains one, and [Binding]'s String, GoString and LogValue leave
// the phone number out, so a binding printed or logged by mistake does not
// disclose it.
package store
