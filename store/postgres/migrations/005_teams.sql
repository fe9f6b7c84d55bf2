-- PostgreSQL twin of store/sqlite/migrations/005_teams.sql.

-- The Teams bot (Bot Framework) remembers where it can post: a reference to
-- every conversation it heard from (channels, group chats, 1:1 chats), and
-- the people it has seen, to open a 1:1 chat with them. Times are Unix
-- milliseconds (UTC).
CREATE TABLE teams_conversations (
	id          TEXT COLLATE "C" PRIMARY KEY, -- without a thread's ";messageid=…"
	service_url TEXT COLLATE "C" NOT NULL,
	tenant_id   TEXT COLLATE "C" NOT NULL DEFAULT '',
	type        TEXT COLLATE "C" NOT NULL,    -- personal, channel, groupChat
	team_id     TEXT COLLATE "C" NOT NULL DEFAULT '',
	bot_id      TEXT COLLATE "C" NOT NULL DEFAULT '',
	user_id     TEXT COLLATE "C" NOT NULL DEFAULT '', -- the person of a 1:1 chat
	updated_at  BIGINT           NOT NULL
);
CREATE INDEX teams_conversations_personal ON teams_conversations (user_id) WHERE type = 'personal';

CREATE TABLE teams_members (
	user_id     TEXT COLLATE "C" PRIMARY KEY, -- Entra object id
	teams_id    TEXT COLLATE "C" NOT NULL,    -- 29:…
	name        TEXT COLLATE "C" NOT NULL DEFAULT '',
	service_url TEXT COLLATE "C" NOT NULL,
	tenant_id   TEXT COLLATE "C" NOT NULL DEFAULT '',
	bot_id      TEXT COLLATE "C" NOT NULL DEFAULT '',
	updated_at  BIGINT           NOT NULL
);
