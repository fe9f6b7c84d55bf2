// Package store holds the records that secbot keeps and that several
// packages share — scheduling claims and the intake inbox — and, in its
// sub-packages, the persistence backends. Each backend implements the small
// interfaces declared by the packages that use them (quiz.Rounds,
// quiz.Answers, schedules.Claims, intake.Store, bot.Subscriptions, …):
//
//   - store/sqlite: the default, an embedded pure-Go SQLite file (SECBOT_DB).
//   - store/postgres: one PostgreSQL database that several replicas share
//     (SECBOT_DB=postgres://…); see docs/postgres.md.
//
// store/storetest is the contract both keep: one test suite they both run.
//
// This package is a leaf: it imports nothing of secbot's, so a backend never
// needs to import the scheduler or a front end for a type.
package store
