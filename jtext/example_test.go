package jtext_test

import (
	"fmt"

	"secbot/jtext"
)

func ExampleKey() {
	fmt.Println(jtext.Key("ファイヤーウォール") == jtext.Key("ふぁいあうぉーる"))
	fmt.Println(jtext.Key("データの改竄") == jtext.Key("データの改ざん"))
	// Output:
	// true
	// true
}

func ExampleFold() {
	fmt.Println(jtext.Fold("ＳＯＣＩＥＴＹ ５．０"))
	// Output: society50
}
