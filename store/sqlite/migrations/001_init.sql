-- Claims make scheduled posting exactly once: (job, key, slot) is claimed by
-- inserting it; a second insert fails. Times are Unix milliseconds (UTC).
CREATE TABLE claims (
	job        TEXT    NOT NULL,
	key        TEXT    NOT NULL,
	slot       INTEGER NOT NULL,
	status     TEXT    NOT NULL,
	owner      TEXT    NOT NULL DEFAULT '',
	attempts   INTEGER NOT NULL DEFAULT 0,
	message_id TEXT    NOT NULL DEFAULT '',
	detail     TEXT    NOT NULL DEFAULT '',
	next_try   INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (job, key, slot)
);
CREATE INDEX claims_pending ON claims (status) WHERE status IN ('claimed', 'retry');

-- Which tip each channel was posted on which day.
CREATE TABLE tip_history (
	channel   TEXT    NOT NULL,
	date      TEXT    NOT NULL,
	tip_id    TEXT    NOT NULL,
	posted_at INTEGER NOT NULL,
	PRIMARY KEY (channel, date)
);

-- People who take the daily tip as a DM.
CREATE TABLE subscriptions (
	platform   TEXT    NOT NULL,
	user_id    TEXT    NOT NULL,
	user_name  TEXT    NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	PRIMARY KEY (platform, user_id)
);

CREATE TABLE rounds (
	id         TEXT    PRIMARY KEY,
	channel    TEXT    NOT NULL,
	question   TEXT    NOT NULL, -- quiz.Question as JSON
	seed       INTEGER NOT NULL,
	opened_at  INTEGER NOT NULL,
	closes_at  INTEGER NOT NULL,
	message_id TEXT    NOT NULL DEFAULT '',
	revealed   INTEGER NOT NULL DEFAULT 0
);
-- A channel has at most one unrevealed round.
CREATE UNIQUE INDEX rounds_one_open ON rounds (channel) WHERE revealed = 0;
CREATE INDEX rounds_due ON rounds (closes_at) WHERE revealed = 0;

-- A person's first answer to a round is the one that counts.
CREATE TABLE answers (
	round_id    TEXT    NOT NULL REFERENCES rounds (id),
	channel     TEXT    NOT NULL,
	user_id     TEXT    NOT NULL,
	user_name   TEXT    NOT NULL DEFAULT '',
	choice      INTEGER NOT NULL,
	correct     INTEGER NOT NULL,
	answered_at INTEGER NOT NULL,
	PRIMARY KEY (round_id, user_id)
);
CREATE INDEX answers_time ON answers (answered_at);
