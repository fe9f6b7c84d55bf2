// Package bot is secbot's platform-neutral core. An adapter (bot/shell,
// bot/slack, bot/teams) turns what a person did on its platform into a
// Request, hands it to a Router, and renders the Reply it gets back.
//
// The core never imports a platform SDK: a Reply says what to show (a term
// card, passages, a tip, a quiz round, a leaderboard, help), and each adapter
// decides how (Block Kit, an Adaptive Card, tidy console text).
package bot
