package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DefaultTimeout bounds each store call that does not carry an earlier
// deadline of its own, so that a call made while PostgreSQL is unreachable
// fails instead of hanging.
const DefaultTimeout = 10 * time.Second

// defaultConnectTimeout bounds dialing and the start-up exchange of one
// connection when the URL has no connect_timeout.
const defaultConnectTimeout = 5 * time.Second

// migrateLock is the key of the session advisory lock that migrations are
// applied under ("secbot" in ASCII). Advisory locks are per database, so
// databases on one server do not wait for each other.
const migrateLock int64 = 0x736563626f74

// DB is an open secbot database on PostgreSQL: a pool of connections that
// reconnects by itself after the server comes back.
type DB struct {
	pool    *pgxpool.Pool
	timeout time.Duration
	target  string // user@host:port/db, for messages; never the password
	// Now returns the current time; tests set it. Defaults to time.Now.
	Now func() time.Time
}

// Option changes how Open opens a database.
type Option func(*options)

type options struct {
	migrate bool
	timeout time.Duration
}

// NoMigrate opens the database without applying migrations: for replicas
// started after an operator ran `secbot migrate`, and for the command itself.
func NoMigrate() Option { return func(o *options) { o.migrate = false } }

// Timeout bounds each store call that has no earlier deadline (default
// DefaultTimeout). Zero or less leaves calls bounded only by their context.
func Timeout(d time.Duration) Option { return func(o *options) { o.timeout = d } }

// IsURL reports whether SECBOT_DB-style s names a PostgreSQL database
// (postgres:// or postgresql://) rather than a SQLite file.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Open connects to the database at url (postgres://user:password@host:port/db?sslmode=…),
// checks that it answers, and applies any pending migrations (unless
// NoMigrate) under an advisory lock, so that replicas starting together
// migrate one at a time. Errors name the user, host and database, never the
// password.
func Open(ctx context.Context, url string, opts ...Option) (_ *DB, err error) {
	o := options{migrate: true, timeout: DefaultTimeout}
	for _, opt := range opts {
		opt(&o)
	}
	defer redact(&err, url)
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: invalid database URL: %w", err)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 { // no connect_timeout in the URL
		cfg.ConnConfig.ConnectTimeout = defaultConnectTimeout
	}
	// The pool pings a connection idle for over a second before it hands it
	// out (pgxpool's default ShouldPing), so that after a restart calls do not
	// land on connections that died with the old server.
	db := &DB{timeout: o.timeout, target: describe(&cfg.ConnConfig.Config), Now: time.Now}
	defer db.wrap(&err, "open")
	db.pool, err = pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		return nil, err
	}
	if err := db.ping(ctx); err != nil {
		db.pool.Close()
		return nil, err
	}
	if o.migrate {
		if _, err := db.migrate(ctx); err != nil {
			db.pool.Close()
			return nil, err
		}
	}
	return db, nil
}

// Describe returns url without its password, for messages: user@host:port/db.
// It returns "" when url cannot be parsed.
func Describe(url string) string {
	cfg, err := pgconn.ParseConfig(url)
	if err != nil {
		return ""
	}
	return describe(cfg)
}

func describe(c *pgconn.Config) string {
	return fmt.Sprintf("%s@%s:%d/%s", c.User, c.Host, c.Port, c.Database)
}

// Close closes every connection of the pool.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// Ping reports whether the database answers now: the readiness probe.
func (db *DB) Ping(ctx context.Context) (err error) {
	defer db.wrap(&err, "ping")
	return db.ping(ctx)
}

func (db *DB) ping(ctx context.Context) error {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	return db.pool.Ping(ctx)
}

// Version returns the schema version the database is at (0 before the
// first migration).
func (db *DB) Version(ctx context.Context) (_ int, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "schema version")
	var v *int
	err = db.pool.QueryRow(ctx, `SELECT max(version) FROM schema_version`).Scan(&v)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "42P01" { // undefined_table: never migrated
		return 0, nil
	}
	if err != nil || v == nil {
		return 0, err
	}
	return *v, nil
}

// Migrate applies the embedded migrations not yet recorded in
// schema_version, each in its own transaction, and returns the versions it
// applied (none when the schema is current). It holds a session advisory
// lock while it works: a second replica migrating at the same time waits,
// then finds nothing left to do.
func (db *DB) Migrate(ctx context.Context) (applied []int, err error) {
	defer db.wrap(&err, "migrate")
	return db.migrate(ctx)
}

func (db *DB) migrate(ctx context.Context) (applied []int, err error) {
	files, err := migrationFiles()
	if err != nil {
		return nil, err
	}
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrateLock); err != nil {
		return nil, fmt.Errorf("take the migration lock: %w", err)
	}
	defer func() {
		uctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := conn.Exec(uctx, `SELECT pg_advisory_unlock($1)`, migrateLock); err != nil {
			// Closing the session is what releases the lock then.
			conn.Conn().Close(uctx)
		}
	}()
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("create schema_version: %w", err)
	}
	done := map[int]bool{}
	rows, err := conn.Query(ctx, `SELECT version FROM schema_version`)
	if err != nil {
		return nil, err
	}
	vs, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		done[v] = true
	}
	for _, f := range files {
		if done[f.version] {
			continue
		}
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			// No arguments: the simple protocol, which runs several statements.
			if _, err := tx.Exec(ctx, f.sql); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)`, f.version, db.now())
			return err
		})
		if err != nil {
			return applied, fmt.Errorf("migration %s: %w", f.name, err)
		}
		applied = append(applied, f.version)
	}
	return applied, nil
}

type migration struct {
	name    string
	version int
	sql     string
}

// migrationFiles returns the embedded migrations in version order.
func migrationFiles() ([]migration, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	seen := map[int]string{}
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		num, _, _ := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: the name must start with a positive version (NNN_)", base)
		}
		if other, ok := seen[v]; ok {
			return nil, fmt.Errorf("migrations %s and %s have the same version", other, base)
		}
		seen[v] = base
		b, err := migrations.ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{name: base, version: v, sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// bound gives ctx the store's call timeout unless it has an earlier deadline.
func (db *DB) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	if db.timeout <= 0 {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, db.timeout)
}

// now is the current time in Unix milliseconds.
func (db *DB) now() int64 {
	if db.Now == nil {
		return time.Now().UnixMilli()
	}
	return db.Now().UnixMilli()
}

// ms converts a time to the stored form (Unix milliseconds; 0 for zero).
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMS converts a stored time back (UTC; the zero time for 0).
func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// isUnique reports whether err is a uniqueness violation, and of which
// constraint or index.
func isUnique(err error) (string, bool) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return pe.ConstraintName, true
	}
	return "", false
}

// wrap prefixes *errp with context, once, at the top of a function.
func (db *DB) wrap(errp *error, format string, args ...any) {
	if *errp != nil {
		*errp = fmt.Errorf("postgres %s: "+format+": %w", append([]any{db.target}, append(args, *errp)...)...)
	}
}

// redact removes the password of url from *errp's text, whatever wrote it
// (a parse error may quote the URL). The error still unwraps to its cause.
func redact(errp *error, url string) {
	if *errp == nil {
		return
	}
	if pw := secrets(url); len(pw) > 0 {
		*errp = &redacted{err: *errp, secrets: pw}
	}
}

type redacted struct {
	err     error
	secrets []string
}

func (r *redacted) Error() string {
	s := r.err.Error()
	for _, pw := range r.secrets {
		s = strings.ReplaceAll(s, pw, "xxxxx")
	}
	return s
}

func (r *redacted) Unwrap() error { return r.err }

// secrets returns the password of a connection string as written in it
// (raw and unescaped), from its user info or a password= parameter.
func secrets(s string) []string {
	var out []string
	add := func(pw string) {
		if pw == "" {
			return
		}
		out = append(out, pw)
		if u, err := url.PathUnescape(pw); err == nil && u != pw {
			out = append(out, u)
		}
		if u, err := url.QueryUnescape(pw); err == nil && u != pw {
			out = append(out, u)
		}
	}
	if _, rest, ok := strings.Cut(s, "://"); ok {
		authority, _, _ := strings.Cut(rest, "/")
		authority, _, _ = strings.Cut(authority, "?")
		if at := strings.LastIndex(authority, "@"); at >= 0 {
			if _, pw, ok := strings.Cut(authority[:at], ":"); ok {
				add(pw)
			}
		}
	}
	for _, sep := range []string{"password=", "PASSWORD="} {
		for rest := s; ; {
			i := strings.Index(rest, sep)
			if i < 0 {
				break
			}
			rest = rest[i+len(sep):]
			end := strings.IndexAny(rest, "& ")
			if end < 0 {
				end = len(rest)
			}
			add(strings.Trim(rest[:end], "'"))
		}
	}
	// Longest first, so that a password containing another is replaced whole.
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}
