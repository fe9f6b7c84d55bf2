-- PostgreSQL twin of store/sqlite/migrations/008_practice.sql.

-- Spaced practice (/quiz practice on): who takes it, their Leitner boxes,
-- and the one question a day each was sent.
CREATE TABLE learners (
	user_id   TEXT COLLATE "C" PRIMARY KEY,
	platform  TEXT COLLATE "C" NOT NULL,
	user_name TEXT NOT NULL DEFAULT '',
	active    BOOLEAN NOT NULL,
	since     BIGINT NOT NULL
);

CREATE TABLE practice_cards (
	user_id    TEXT COLLATE "C" NOT NULL,
	term       TEXT COLLATE "C" NOT NULL,
	box        INTEGER NOT NULL,
	due        TEXT COLLATE "C" NOT NULL, -- YYYY-MM-DD in the bot's zone
	missed_at  BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	PRIMARY KEY (user_id, term)
);
CREATE INDEX practice_cards_due ON practice_cards (due) WHERE box < 5;

CREATE TABLE practice_drills (
	user_id     TEXT COLLATE "C" NOT NULL,
	day         TEXT COLLATE "C" NOT NULL,
	platform    TEXT COLLATE "C" NOT NULL,
	term        TEXT COLLATE "C" NOT NULL,
	box         INTEGER NOT NULL,
	question    TEXT NOT NULL, -- quiz.Question as JSON
	choice      INTEGER NOT NULL DEFAULT -1,
	correct     BOOLEAN NOT NULL DEFAULT false,
	asked_at    BIGINT NOT NULL,
	answered_at BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (user_id, day)
);
