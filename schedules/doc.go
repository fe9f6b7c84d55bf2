// Package schedules runs secbot's scheduled work on robfig/cron: the daily
// executive tip and the weekly quiz rounds. Every (job, channel, slot) is
// claimed in the store before it is posted, so several processes on one store
// post each slot once, and a restart never re-posts; of the slots missed while
// the process was down, only the latest of each job and channel is caught up
// at start, and only when still within a grace window (the others are
// recorded as skipped and logged). Time is injected: tests never sleep.
package schedules
