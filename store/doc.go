// Package store holds secbot's persistence backends. Each implements the
// small interfaces declared by the packages that use them (quiz.Rounds,
// quiz.Answers, schedules.Claims, bot.Subscriptions, …):
//
//   - store/sqlite: the default, an embedded pure-Go SQLite file (SECBOT_DB).
package store
