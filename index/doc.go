// Package index answers secbot's queries: it resolves what a person types to a
// glossary term and finds the chapter passages that answer a free question.
//
// It is the only package that imports Bleve. Build indexes a knowledge.Pack in
// memory — the passages in secbot's own inverted index (passagescore.go),
// which scores as Bleve's scorch does and is faster to build and to search,
// Bleve (scorch with no path, or bleve.NewMemOnly's upsidedown store) only
// when Options measure it, see BenchmarkBuild — with an analyzer made for Japanese:
// width and case folding, hiragana→katakana, long-vowel and small-kana
// variants, kanji spellings folded to their 交ぜ書き form (改竄 → 改ざん) and
// ministries' short names to their full ones (経産省 → 経済産業省,
// 情報処理推進機構 → IPA), middle dots and spaces removed, then character bigrams for Japanese runs
// and whole words for Latin ones. In a query that mixes scripts, bigrams
// within what is typed in hiragana (どういう, すればいい) are grammar and do
// not count when judging how much of the query an answer holds. The name tables, the
// reverse-lookup table and the pack's vocabulary are ready when Build
// returns; the index of passages is built in the background and
// waited for by the queries that need it (/term never does unless it falls
// back to a passage).
//
// What a person types is first understood (understand.go): greetings,
// self-introductions, cushions, emoji and laughter, background clauses and
// question forms are peeled off by the shape of the message, and a
// contrast (ファイアウォールと違って…) sets a term aside that no stage may
// answer.
//
// Term resolution (resolve.go) runs these named stages, most certain first:
//
//  1. exact: the query, its question wrapper stripped (とは, って何？,
//     について教えて, What is …?), equals a term's name, reading, alias,
//     English expansion or a gloss a definition gives, its own (事業継続計画 →
//     BCP, ネット上の市場（闇市） → ブラックマーケット) or another term's
//     (情報セキュリティマネジメントシステム（ISMS） in 内部監査's → ISMS); a gloss
//     given for two terms is answered with "did you mean" both;
//  2. topic: the topic of one of the message's clauses (…、ランサムウェアって
//     普通のウイルスと何が違うの → ランサムウェア) is a name by stages 1, 4–7;
//  3. compare: two names compared (完全性と機密性の違い) answer the first;
//  4. part: the query is part of a compound (ゼロデイ → ゼロデイ攻撃);
//  5. contains: the query contains a term (ゼロトラストセキュリティ →
//     ゼロトラスト; a longer name that holds every word of the query wins,
//     NISTのフレームワーク → NIST サイバーセキュリティフレームワーク);
//  6. typo: within a small edit distance of a name;
//  7. sound: a loanword in the other script with the same consonants
//     (ransomware → ランサムウェア, ロックビット → LockBit2.0; sounds.go);
//  8. describe: reverse lookup, a description of the thing ranked over the
//     terms' names, keywords, definitions and related terms (describe.go),
//     confident, tentative ("もしかして") or nothing.
//
// A ninth stage, fulltext (Bleve over names and definitions), runs only
// with Options.BleveOnly, to measure analyzers. Names are found through
// bigram maps (lookup.go), so that Build and the stages stay near-linear
// in the size of the pack.
//
// Anything below the confidence threshold is answered with kind none and
// "did you mean" suggestions; /term falls back to a chapter passage only
// when its section holds every word of the query. Ask answers a question that names a term with
// the term, else with the chapter passages that answer it (section first,
// then passage; see search.go), else with none. A question about what the
// pack never names — a Latin word it never uses (Windows), a katakana–kanji
// compound it never makes (サイバー保険) — is not answered from passages that
// match its other words (offtopic.go). Search returns passages with
// the spans that match, for highlighted fragments (Hit.Fragment). User text is only ever analyzed into Match,
// Term and Disjunction queries: it never reaches Bleve's query-string syntax.
//
// An Index is safe for concurrent use.
package index
