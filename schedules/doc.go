// Package schedules runs secbot's scheduled work on robfig/cron: the daily
// executive tip and the weekly quiz rounds. Every (job, channel, slot) is
// claimed in the store before it is posted, so several processes on one store
// post each slot once, and a restart never re-posts; a slot missed while the
// process was down is caught up once at start when still within a grace
// window. Time is injected: tests never sleep.
package schedules
