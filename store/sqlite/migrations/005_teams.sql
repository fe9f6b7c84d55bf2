-- The Teams bot (Bot Framework) remembers where it can post: a reference to
-- every conversation it heard from (channels, group chats, 1:1 chats), and
-- the people it has seen, to open a 1:1 chat with them. Times are Unix
-- milliseconds (UTC).
CREATE TABLE teams_conversations (
	id          TEXT    PRIMARY KEY, -- without a thread's ";messageid=…"
	service_url TEXT    NOT NULL,
	tenant_id   TEXT    NOT NULL DEFAULT '',
	type        TEXT    NOT NULL,    -- personal, channel, groupChat
	team_id     TEXT    NOT NULL DEFAULT '',
	bot_id      TEXT    NOT NULL DEFAULT '',
	user_id     TEXT    NOT NULL DEFAULT '', -- the person of a 1:1 chat
	updated_at  INTEGER NOT NULL
);
CREATE INDEX teams_conversations_personal ON teams_conversations (user_id) WHERE type = 'personal';

CREATE TABLE teams_members (
	user_id     TEXT    PRIMARY KEY, -- Entra object id
	teams_id    TEXT    NOT NULL,    -- 29:…
	name        TEXT    NOT NULL DEFAULT '',
	service_url TEXT    NOT NULL,
	tenant_id   TEXT    NOT NULL DEFAULT '',
	bot_id      TEXT    NOT NULL DEFAULT '',
	updated_at  INTEGER NOT NULL
);
