-- Questions answered "none" (normalized text, no user id), and the votes
-- people give answers (one per person and answer; a later vote replaces it).
CREATE TABLE gaps (
	text     TEXT    NOT NULL,
	asked_at INTEGER NOT NULL
);
CREATE INDEX gaps_time ON gaps (asked_at);

CREATE TABLE votes (
	answer   TEXT    NOT NULL,
	user_id  TEXT    NOT NULL,
	up       INTEGER NOT NULL,
	voted_at INTEGER NOT NULL,
	PRIMARY KEY (answer, user_id)
);
CREATE INDEX votes_time ON votes (voted_at);
