-- Frozen copy of migration 1 exactly as first released, plus a few rows and
-- the version it leaves. Never edit: TestUpgradeFromV1 upgrades this file.
CREATE TABLE bindings (
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
);

INSERT INTO bindings (imid, phone, nick, state, created_at, updated_at) VALUES
	('45678901', '+4915123456789', 'alice', 'active', 1735786800000, 1735786800000),
	('56789012', '+4915223456789', NULL, 'optout', 1735786801000, 1735790400000),
	('67890123', NULL, NULL, 'retired', 1735786802000, 1735794000000);

PRAGMA user_version = 1;
