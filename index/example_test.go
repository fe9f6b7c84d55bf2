package index_test

import (
	"context"
	"fmt"

	"secbot/index"
	"secbot/knowledge"
)

// A /term query: the glossary entry a query means, however it is typed.
func ExampleIndex_Term() {
	pack, _ := knowledge.Default()
	ix, _ := index.Build(pack)
	defer ix.Close()
	for _, q := range []string{"ぜろとらすと", "EDRって何？", "大量のアクセスを一斉に送りつけてサーバを止める攻撃"} {
		a, _ := ix.Term(context.Background(), q)
		fmt.Println(a.Kind, a.Term.Name)
	}
	// Output:
	// term ゼロトラスト
	// term EDR
	// term DDoS攻撃
}

// A mention or DM: chat around the question is peeled off, and a contrast
// never answers the term it sets aside.
func ExampleIndex_Ask() {
	pack, _ := knowledge.Default()
	ix, _ := index.Build(pack)
	defer ix.Close()
	ctx := context.Background()
	a, _ := ix.Ask(ctx, "お疲れ様です。経理の田中です。最近よく聞くSASEについて簡単に教えていただけますか🙏")
	fmt.Println(a.Kind, a.Term.Name)
	a, _ = ix.Ask(ctx, "ファイアウォールとは違うWebアプリ専用の防御の仕組みって何ていうんだっけ")
	fmt.Println(a.Kind, a.Term.Name)
	a, _ = ix.Ask(ctx, "今日の社食のランチメニュー何？")
	fmt.Println(a.Kind)
	// Output:
	// term SASE
	// term WAF
	// none
}

// Options whose zero value is the default: here, Bleve's stock cjk
// analyzer and Bleve alone, to compare analyzers.
func ExampleBuild_options() {
	pack, _ := knowledge.Default()
	ix, err := index.Build(pack, index.Options{Analyzer: "secbot_ja", BleveOnly: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ix.Close()
	fmt.Println(ix.Ready(context.Background()))
	// Output: <nil>
}
