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

	// 3: durable SMS queues. MT (XMPP -> SMS) messages with their submitted
	// parts and the index of SMSC message ids that delivery reports are
	// matched by; MO (SMS -> XMPP) messages and the parts of concatenated
	// MO messages being reassembled. A reassembly group whose done_at is set
	// is a tombstone: its parts are kept for a while only to recognise a
	// part the SMSC delivers again. See queue.go.
	`CREATE TABLE mt_messages (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	dest            TEXT NOT NULL CHECK (dest <> ''),
	source          TEXT NOT NULL,
	text            TEXT NOT NULL,
	ref             INTEGER NOT NULL CHECK (ref BETWEEN 0 AND 65535),
	parts           INTEGER NOT NULL DEFAULT 0 CHECK (parts BETWEEN 0 AND 255),
	origin_id       TEXT NOT NULL DEFAULT '',
	reply_to        TEXT NOT NULL DEFAULT '',
	from_imid       TEXT NOT NULL DEFAULT '',
	want_receipt    INTEGER NOT NULL CHECK (want_receipt IN (0, 1)),
	state           TEXT NOT NULL
	                CHECK (state IN ('queued', 'sending', 'sent', 'delivered', 'failed')),
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	lease_until     INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT NOT NULL DEFAULT '',
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL
);
CREATE INDEX mt_messages_pending ON mt_messages (id, state, next_attempt_at, lease_until)
	WHERE state IN ('queued', 'sending');
CREATE INDEX mt_messages_state ON mt_messages (state, updated_at);
CREATE TABLE mt_parts (
	mt_id     INTEGER NOT NULL REFERENCES mt_messages (id) ON DELETE CASCADE,
	seq       INTEGER NOT NULL CHECK (seq BETWEEN 1 AND 255),
	smsc_id   TEXT NOT NULL,
	status    TEXT,
	final     INTEGER NOT NULL DEFAULT 0 CHECK (final IN (0, 1)),
	sent_at   INTEGER NOT NULL,
	report_at INTEGER,
	PRIMARY KEY (mt_id, seq)
) WITHOUT ROWID;
CREATE TABLE mt_smsc_ids (
	candidate TEXT NOT NULL PRIMARY KEY,
	mt_id     INTEGER NOT NULL,
	seq       INTEGER NOT NULL,
	FOREIGN KEY (mt_id, seq) REFERENCES mt_parts (mt_id, seq) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX mt_smsc_ids_part ON mt_smsc_ids (mt_id, seq);
CREATE TABLE mo_messages (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	source          TEXT NOT NULL,
	dest            TEXT NOT NULL,
	data_coding     INTEGER NOT NULL CHECK (data_coding BETWEEN 0 AND 255),
	payload         BLOB NOT NULL,
	parts           INTEGER NOT NULL CHECK (parts BETWEEN 1 AND 255),
	missing         TEXT NOT NULL DEFAULT '',
	state           TEXT NOT NULL CHECK (state IN ('queued', 'processing', 'done')),
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	lease_until     INTEGER NOT NULL DEFAULT 0,
	received_at     INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL
);
CREATE INDEX mo_messages_pending ON mo_messages (id, state, next_attempt_at, lease_until)
	WHERE state IN ('queued', 'processing');
CREATE INDEX mo_messages_state ON mo_messages (state, updated_at);
CREATE TABLE mo_groups (
	id       INTEGER PRIMARY KEY,
	source   TEXT NOT NULL,
	dest     TEXT NOT NULL,
	ref      INTEGER NOT NULL CHECK (ref BETWEEN 0 AND 65535),
	total    INTEGER NOT NULL CHECK (total BETWEEN 1 AND 255),
	first_at INTEGER NOT NULL,
	done_at  INTEGER
);
CREATE UNIQUE INDEX mo_groups_open ON mo_groups (source, dest, ref, total)
	WHERE done_at IS NULL;
CREATE INDEX mo_groups_key ON mo_groups (source, dest, ref, total, done_at);
CREATE INDEX mo_groups_first ON mo_groups (first_at) WHERE done_at IS NULL;
CREATE INDEX mo_groups_done ON mo_groups (done_at) WHERE done_at IS NOT NULL;
CREATE TABLE mo_parts (
	group_id    INTEGER NOT NULL REFERENCES mo_groups (id) ON DELETE CASCADE,
	seq         INTEGER NOT NULL CHECK (seq BETWEEN 1 AND 255),
	data_coding INTEGER NOT NULL CHECK (data_coding BETWEEN 0 AND 255),
	payload     BLOB NOT NULL,
	received_at INTEGER NOT NULL,
	PRIMARY KEY (group_id, seq)
) WITHOUT ROWID;`,

	// 4: relay state (see relay_types.go). Every table hangs off a
	// binding's imid; bindings are retired, never deleted, so UnbindAll
	// deletes the dependent rows itself (the cascades only guard against a
	// future hard delete). Peers are bare JIDs or 'imid:<imid>'.
	`CREATE TABLE relay_registrations (
	imid  TEXT NOT NULL PRIMARY KEY REFERENCES bindings (imid) ON DELETE CASCADE,
	mo_id INTEGER NOT NULL CHECK (mo_id > 0)
);
CREATE TABLE relay_suspensions (
	imid TEXT NOT NULL PRIMARY KEY REFERENCES bindings (imid) ON DELETE CASCADE,
	at   INTEGER NOT NULL
);
CREATE TABLE relay_blocks (
	owner_imid TEXT NOT NULL REFERENCES bindings (imid) ON DELETE CASCADE,
	blocked    TEXT NOT NULL CHECK (blocked <> ''),
	at         INTEGER NOT NULL,
	PRIMARY KEY (owner_imid, blocked)
) WITHOUT ROWID;
CREATE INDEX relay_blocks_blocked ON relay_blocks (blocked);
CREATE TABLE relay_buddies (
	owner_imid TEXT NOT NULL REFERENCES bindings (imid) ON DELETE CASCADE,
	buddy      TEXT NOT NULL CHECK (buddy <> ''),
	listed     INTEGER NOT NULL CHECK (listed IN (0, 1)),
	sub_to     TEXT NOT NULL CHECK (sub_to IN ('none', 'pending', 'subscribed')),
	sub_from   INTEGER NOT NULL CHECK (sub_from IN (0, 1)),
	presence   TEXT NOT NULL CHECK (presence IN ('unknown', 'available', 'unavailable')),
	show       TEXT NOT NULL DEFAULT '',
	status     TEXT NOT NULL DEFAULT '',
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (owner_imid, buddy),
	CHECK (listed = 1 OR sub_from = 1)
) WITHOUT ROWID;
CREATE INDEX relay_buddies_buddy ON relay_buddies (buddy);
CREATE TABLE relay_sticky (
	owner_imid TEXT NOT NULL PRIMARY KEY REFERENCES bindings (imid) ON DELETE CASCADE,
	peer       TEXT NOT NULL CHECK (peer <> ''),
	at         INTEGER NOT NULL
);
CREATE INDEX relay_sticky_peer ON relay_sticky (peer);
CREATE TABLE relay_sent (
	sender TEXT NOT NULL CHECK (sender <> ''),
	day    TEXT NOT NULL CHECK (length(day) = 10),
	count  INTEGER NOT NULL CHECK (count >= 0),
	PRIMARY KEY (sender, day)
) WITHOUT ROWID;
CREATE INDEX relay_sent_day ON relay_sent (day);
CREATE TABLE relay_counters (
	name  TEXT NOT NULL PRIMARY KEY CHECK (name <> ''),
	value INTEGER NOT NULL
);`,

	// 5: rooms service (see rooms_types.go). A rooms row exists for every
	// page the service has written anything about; it carries the
	// all-time totals. Page notes are kept in insertion order (seq). The
	// event tables answer period queries exactly; visitors are salted
	// hashes, never JIDs. Times are Unix nanoseconds.
	`CREATE TABLE rooms (
	key        TEXT NOT NULL PRIMARY KEY CHECK (key <> ''),
	url        TEXT NOT NULL DEFAULT '',
	title      TEXT NOT NULL DEFAULT '',
	visits     INTEGER NOT NULL DEFAULT 0,
	dwell_ns   INTEGER NOT NULL DEFAULT 0,
	messages   INTEGER NOT NULL DEFAULT 0,
	peak       INTEGER NOT NULL DEFAULT 0,
	last_visit INTEGER,
	updated_at INTEGER NOT NULL
);
CREATE TABLE room_notes (
	seq   INTEGER PRIMARY KEY,
	key   TEXT NOT NULL REFERENCES rooms (key) ON DELETE CASCADE,
	id    TEXT NOT NULL,
	nick  TEXT NOT NULL,
	body  TEXT NOT NULL,
	stamp INTEGER NOT NULL
);
CREATE INDEX room_notes_key ON room_notes (key, seq);
CREATE INDEX room_notes_stamp ON room_notes (stamp);
CREATE TABLE room_visitors (
	key     TEXT NOT NULL REFERENCES rooms (key) ON DELETE CASCADE,
	visitor BLOB NOT NULL,
	PRIMARY KEY (key, visitor)
) WITHOUT ROWID;
CREATE TABLE room_visits (
	key     TEXT NOT NULL REFERENCES rooms (key) ON DELETE CASCADE,
	visitor BLOB NOT NULL,
	joined  INTEGER NOT NULL,
	left_at INTEGER NOT NULL
);
CREATE INDEX room_visits_left ON room_visits (left_at, key);
CREATE INDEX room_visits_key ON room_visits (key, left_at);
CREATE TABLE room_messages (
	key TEXT NOT NULL REFERENCES rooms (key) ON DELETE CASCADE,
	at  INTEGER NOT NULL
);
CREATE INDEX room_messages_key ON room_messages (key, at);
CREATE TABLE room_peaks (
	key TEXT NOT NULL REFERENCES rooms (key) ON DELETE CASCADE,
	n   INTEGER NOT NULL,
	at  INTEGER NOT NULL
);
CREATE INDEX room_peaks_key ON room_peaks (key, at);`,
}
