-- Spaced practice (/quiz practice on): who takes it, their Leitner boxes,
-- and the one question a day each was sent.
CREATE TABLE learners (
	user_id   TEXT    PRIMARY KEY,
	platform  TEXT    NOT NULL,
	user_name TEXT    NOT NULL DEFAULT '',
	active    INTEGER NOT NULL,
	since     INTEGER NOT NULL
);

CREATE TABLE practice_cards (
	user_id   TEXT    NOT NULL,
	term      TEXT    NOT NULL,
	box       INTEGER NOT NULL,
	due       TEXT    NOT NULL, -- YYYY-MM-DD in the bot's zone
	missed_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (user_id, term)
);
CREATE INDEX practice_cards_due ON practice_cards (due) WHERE box < 5;

CREATE TABLE practice_drills (
	user_id     TEXT    NOT NULL,
	day         TEXT    NOT NULL,
	platform    TEXT    NOT NULL,
	term        TEXT    NOT NULL,
	box         INTEGER NOT NULL,
	question    TEXT    NOT NULL, -- quiz.Question as JSON
	choice      INTEGER NOT NULL DEFAULT -1,
	correct     INTEGER NOT NULL DEFAULT 0,
	asked_at    INTEGER NOT NULL,
	answered_at INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (user_id, day)
);
