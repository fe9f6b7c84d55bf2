// Package postgres is secbot's store for several replicas: one PostgreSQL
// database (SECBOT_DB=postgres://…) shared by every process, through
// github.com/jackc/pgx/v5 (pure Go, so CGO_ENABLED=0 builds keep working).
//
// It keeps the same records as store/sqlite, with the same methods and the
// same meaning, and the same shared contract tests (store/storetest) run
// against both. The uniqueness that makes work exactly once across replicas
// is the schema's: a claim's (job, key, slot) primary key, a person's answer
// to a round, one open round a channel (a partial unique index). Inbox items
// are handed out with FOR UPDATE SKIP LOCKED, so two replicas taking over
// the work of a dead one never get the same item.
//
// Times are stored as Unix milliseconds (UTC) in BIGINT columns, 0 for
// none, exactly as store/sqlite stores them, so both return identical
// values.
//
// Open applies the embedded migrations (migrations/NNN_*.sql, twins of
// store/sqlite's, numbered alike) under a session advisory lock, so that
// replicas starting together migrate one at a time; NoMigrate leaves that to
// `secbot migrate`. Every call is bounded by a timeout (see Timeout): while
// the server is unreachable calls fail instead of hanging, Ping reports it,
// and the pool reconnects when the server is back.
//
// Adding a method that store/sqlite gained: write its twin in the file of the
// same name here (claims.go, inbox.go, quiz.go, …), a migration with the
// same number as SQLite's if it needs one, and a case in store/storetest.
package postgres
