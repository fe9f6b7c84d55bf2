// Package quiz generates multiple-choice questions from a knowledge pack and
// keeps the arithmetic of quiz rounds: answers, tallies, leaderboards and the
// CSV export HR reads.
//
// Generation is a pure function of the pack and a seed (Generate), so
// `secbot quiz --seed N` shows exactly the question a round seeded N asks.
// Persistence is behind the small Rounds and Answers interfaces, which
// store/sqlite implements; scheduling rounds is the schedules package's job.
package quiz
