package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"secbot/store"
	"time"
)

// SaveConversation implements store.Conversations: it inserts or
// replaces the reference of c.ID.
func (db *DB) SaveConversation(ctx context.Context, c store.Conversation) (err error) {
	defer wrap(&err, "save teams conversation %s", c.ID)
	_, err = db.db.ExecContext(ctx, `INSERT INTO teams_conversations
		(id, service_url, tenant_id, type, team_id, bot_id, user_id, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET service_url = excluded.service_url,
			tenant_id = excluded.tenant_id, type = excluded.type, team_id = excluded.team_id,
			bot_id = excluded.bot_id, user_id = excluded.user_id, updated_at = excluded.updated_at`,
		c.ID, c.ServiceURL, c.TenantID, c.Type, c.TeamID, c.BotID, c.UserID, updatedAt(db, c.UpdatedAt))
	return err
}

// Conversation implements store.Conversations: the conversation id, or
// with personal the newest 1:1 chat of the user id; store.ErrNotFound
// when there is none.
func (db *DB) Conversation(ctx context.Context, id string, personal bool) (_ store.Conversation, err error) {
	defer wrap(&err, "teams conversation %s", id)
	q := `SELECT id, service_url, tenant_id, type, team_id, bot_id, user_id, updated_at
		FROM teams_conversations WHERE id = ?`
	if personal {
		q = `SELECT id, service_url, tenant_id, type, team_id, bot_id, user_id, updated_at
		FROM teams_conversations WHERE user_id = ? AND type = 'personal' ORDER BY updated_at DESC LIMIT 1`
	}
	var c store.Conversation
	var at int64
	err = db.db.QueryRowContext(ctx, q, id).Scan(&c.ID, &c.ServiceURL, &c.TenantID, &c.Type, &c.TeamID, &c.BotID, &c.UserID, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return c, store.ErrNotFound
	}
	c.UpdatedAt = fromMS(at)
	return c, err
}

// SaveMember implements store.Members: it inserts or replaces m.
func (db *DB) SaveMember(ctx context.Context, m store.Member) (err error) {
	defer wrap(&err, "save teams member %s", m.UserID)
	_, err = db.db.ExecContext(ctx, `INSERT INTO teams_members
		(user_id, teams_id, name, service_url, tenant_id, bot_id, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET teams_id = excluded.teams_id, name = excluded.name,
			service_url = excluded.service_url, tenant_id = excluded.tenant_id,
			bot_id = excluded.bot_id, updated_at = excluded.updated_at`,
		m.UserID, m.TeamsID, m.Name, m.ServiceURL, m.TenantID, m.BotID, updatedAt(db, m.UpdatedAt))
	return err
}

// Member implements store.Members; store.ErrNotFound when the user
// was never seen.
func (db *DB) Member(ctx context.Context, userID string) (_ store.Member, err error) {
	defer wrap(&err, "teams member %s", userID)
	var m store.Member
	var at int64
	err = db.db.QueryRowContext(ctx, `SELECT user_id, teams_id, name, service_url, tenant_id, bot_id, updated_at
		FROM teams_members WHERE user_id = ?`, userID).
		Scan(&m.UserID, &m.TeamsID, &m.Name, &m.ServiceURL, &m.TenantID, &m.BotID, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return m, store.ErrNotFound
	}
	m.UpdatedAt = fromMS(at)
	return m, err
}

// updatedAt is t in milliseconds, or now when t is zero.
func updatedAt(db *DB, t time.Time) int64 {
	if t.IsZero() {
		return db.now()
	}
	return ms(t)
}
