package store

// migrations is the schema history: migrations[i] takes the database from
// PRAGMA user_version i to i+1. A released entry is never edited, reordered
// or removed (testdata/schema-v1.sql freezes migration 1 as released, and a
// test checks that upgrading it yields the same schema as a fresh database);
// schema changes are appended as new entries.
//
// A migration runs inside the upgrade transaction with foreign_keys(1) in
// effect. A future migration that must rebuild a referenced table needs
// foreign keys off, which cannot change inside a transaction: handle that
// in migrate, not in the SQL.
var migrations = []string{
	// 1: identity bindings. A row is never deleted: UNREG retires it (phone
	// and nick cleared), which keeps the imid reserved forever.
	`CREATE TABLE bindings (
	imid       TEXT NOT NULL PRIMARY KEY
	           CHECK (imid <> '' AND imid NOT GLOB '*[^0-9]*'),
	phone      TEXT UNIQUE,
	nick       TEXT UNIQUE
	           CHECK (nick IS NULL OR (nick <> '' AND nick = lower(nick))),
	state      TEXT NOT NULL CHECK (state IN ('active', 'optout', 'retired')),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	CHECK ((state = 'retired') = (phone IS NULL)),
	CHECK (state <> 'retired' OR nick IS NULL)
);`,

	// 2: instance-wide values (statistics salt, ...).
	`CREATE TABLE meta (
	key   TEXT NOT NULL PRIMARY KEY,
	value BLOB NOT NULL
);`,
}
