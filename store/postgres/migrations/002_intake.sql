-- PostgreSQL twin of store/sqlite/migrations/002_intake.sql.

-- The intake inbox: every Slack event, slash command and Teams activity is
-- kept here before it is acknowledged, under the platform's own id, so that
-- retries and replays are recognised by every process, and the work is done
-- again after a crash. done_at is 0 while pending. Times are Unix ms.
CREATE TABLE inbox (
	key         TEXT COLLATE "C"    PRIMARY KEY,
	kind        TEXT COLLATE "C"    NOT NULL,
	payload     BYTEA   NOT NULL,
	owner       TEXT COLLATE "C"    NOT NULL,
	attempts    INTEGER NOT NULL DEFAULT 0,
	received_at BIGINT  NOT NULL,
	done_at     BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX inbox_pending ON inbox (received_at) WHERE done_at = 0;
CREATE INDEX inbox_done ON inbox (done_at) WHERE done_at > 0;

-- Each running process beats here every few seconds; the inbox items and
-- claims of a process that stopped beating are taken over.
CREATE TABLE owners (
	owner   TEXT COLLATE "C"   PRIMARY KEY,
	beat_at BIGINT NOT NULL
);

-- A claim whose earlier attempt may have posted is looked for before it is
-- posted again.
ALTER TABLE claims ADD COLUMN in_doubt BOOLEAN NOT NULL DEFAULT false;
