package knowledge_test

import (
	"fmt"

	"secbot/knowledge"
)

// A company's own glossary, one YAML file with terms only, merged with the
// default pack.
func ExampleParseFile() {
	data := []byte(`terms:
  - name: 社内VPN
    definition: 当社の社員が社外から社内システムに接続するための仮想専用線。
    keywords: [リモート接続, 在宅勤務]
`)
	own, err := knowledge.ParseFile("company.yaml", data)
	if err != nil {
		fmt.Println(err)
		return
	}
	def, _ := knowledge.Default()
	pack, err := knowledge.Merge(def, own)
	if err != nil {
		fmt.Println(err)
		return
	}
	t, _ := pack.Term("社内VPN")
	fmt.Println(len(pack.Terms), t.Keywords)
	// Output: 83 [リモート接続 在宅勤務]
}

// Lists are passages with their heading: a question about a list gets its
// items.
func ExampleListGroups() {
	for _, g := range knowledge.ListGroups([]string{"進め方", "手順１：可視化", "手順2：洗い出し"}) {
		fmt.Printf("%q\n", g)
	}
	// Output: "進め方\n手順１：可視化\n手順2：洗い出し"
}
