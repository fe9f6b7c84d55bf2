// Package report makes the HR workbook of quiz results: who took part, how
// often they were right, which glossary terms a channel answers worst.
//
// It takes plain data — the answers, the rounds they belong to and, where
// known, how many members a channel had at a round — and works out the
// figures (Compute), a short Japanese summary for chat (Report.Summary) and
// an Excel workbook (Report.WriteXLSX) with four sheets:
//
//	概要    per channel and week: rounds, people who answered, members,
//	        participation rate and correct rate, with a chart of the weeks
//	回答    every answer, with the columns of `secbot quiz export`
//	用語別  per term: times asked, answers, correct rate (weakest first),
//	        with a chart of the ten weakest terms
//	参加者  per person: rounds answered, correct answers, current streak
//
// Weeks start on Monday 00:00 in the location the caller gives (Asia/Tokyo
// for secbot). Load reads the data from a store through the small Source
// interface, so `secbot quiz report` and the `/quiz report` chat command
// build the same workbook.
package report
