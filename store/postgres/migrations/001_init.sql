-- PostgreSQL twin of store/sqlite/migrations/001_init.sql: the same tables,
-- columns and indexes, so that both stores keep the same records. Times are
-- Unix milliseconds (UTC) in BIGINT columns, 0 for "none", exactly as in
-- SQLite (to_timestamp(slot / 1000.0) shows one as a timestamptz). Text
-- columns compare byte by byte (COLLATE "C"), as SQLite's do, so that
-- listings come out in the same order whatever the database's locale.

-- Claims make scheduled posting exactly once: (job, key, slot) is claimed by
-- inserting it; a second insert fails.
CREATE TABLE claims (
	job        TEXT COLLATE "C"    NOT NULL,
	key        TEXT COLLATE "C"    NOT NULL,
	slot       BIGINT  NOT NULL,
	status     TEXT COLLATE "C"    NOT NULL,
	owner      TEXT COLLATE "C"    NOT NULL DEFAULT '',
	attempts   INTEGER NOT NULL DEFAULT 0,
	message_id TEXT COLLATE "C"    NOT NULL DEFAULT '',
	detail     TEXT COLLATE "C"    NOT NULL DEFAULT '',
	next_try   BIGINT  NOT NULL DEFAULT 0,
	created_at BIGINT  NOT NULL,
	updated_at BIGINT  NOT NULL,
	PRIMARY KEY (job, key, slot)
);
CREATE INDEX claims_pending ON claims (status) WHERE status IN ('claimed', 'retry');

-- Which tip each channel was posted on which day.
CREATE TABLE tip_history (
	channel   TEXT COLLATE "C"   NOT NULL,
	date      TEXT COLLATE "C"   NOT NULL,
	tip_id    TEXT COLLATE "C"   NOT NULL,
	posted_at BIGINT NOT NULL,
	PRIMARY KEY (channel, date)
);

-- People who take the daily tip as a DM.
CREATE TABLE subscriptions (
	platform   TEXT COLLATE "C"   NOT NULL,
	user_id    TEXT COLLATE "C"   NOT NULL,
	user_name  TEXT COLLATE "C"   NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	PRIMARY KEY (platform, user_id)
);

CREATE TABLE rounds (
	id         TEXT COLLATE "C"    PRIMARY KEY,
	channel    TEXT COLLATE "C"    NOT NULL,
	question   JSONB   NOT NULL, -- quiz.Question
	seed       BIGINT  NOT NULL,
	opened_at  BIGINT  NOT NULL,
	closes_at  BIGINT  NOT NULL,
	message_id TEXT COLLATE "C"    NOT NULL DEFAULT '',
	revealed   BOOLEAN NOT NULL DEFAULT false
);
-- A channel has at most one unrevealed round.
CREATE UNIQUE INDEX rounds_one_open ON rounds (channel) WHERE NOT revealed;
CREATE INDEX rounds_due ON rounds (closes_at) WHERE NOT revealed;

-- A person's earliest answer to a round is the one that counts.
CREATE TABLE answers (
	round_id    TEXT COLLATE "C"    NOT NULL REFERENCES rounds (id),
	channel     TEXT COLLATE "C"    NOT NULL,
	user_id     TEXT COLLATE "C"    NOT NULL,
	user_name   TEXT COLLATE "C"    NOT NULL DEFAULT '',
	choice      INTEGER NOT NULL,
	correct     BOOLEAN NOT NULL,
	answered_at BIGINT  NOT NULL,
	PRIMARY KEY (round_id, user_id)
);
CREATE INDEX answers_time ON answers (answered_at);
