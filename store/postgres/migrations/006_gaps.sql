-- PostgreSQL twin of store/sqlite/migrations/006_gaps.sql.

-- Questions answered "none" (normalized text, no user id), and the votes
-- people give answers (one per person and answer; a later vote replaces it).
CREATE TABLE gaps (
	text     TEXT COLLATE "C" NOT NULL,
	asked_at BIGINT NOT NULL
);
CREATE INDEX gaps_time ON gaps (asked_at);

CREATE TABLE votes (
	answer   TEXT COLLATE "C" NOT NULL,
	user_id  TEXT COLLATE "C" NOT NULL,
	up       BOOLEAN NOT NULL,
	voted_at BIGINT NOT NULL,
	PRIMARY KEY (answer, user_id)
);
CREATE INDEX votes_time ON votes (voted_at);
