package index

import "strings"

// Question wrappers people put around what they mean. They are stripped,
// repeatedly, from the ends of a query before it is resolved; the order puts
// longer forms before their own suffixes.
var (
	wrapperSuffixes = []string{
		"とはなんですか", "とは何ですか", "とはなんでしょうか", "とは何でしょうか", "とはなにか", "とは何か", "とはなに", "とは何", "とはどういう意味", "とはどういうこと", "とは",
		"ってなんですか", "って何ですか", "ってなんでしょうか", "って何でしょうか", "ってなに", "って何", "ってなん", "ってどういう意味", "ってどういうこと", "って",
		"についておしえてください", "について教えてください", "についておしえて", "について教えて", "について知りたい", "について",
		"をおしえてください", "を教えてください", "をおしえて", "を教えて", "を説明してください", "を説明して",
		"の意味を教えて", "の意味は", "の意味", "の定義は", "の定義",
		"は何の略", "はなんの略", "って何の略", "ってなんの略", "とは何の略", "の略称", "の略は", "の略", "の正式名称", "の読み方",
		"はなんですか", "は何ですか", "はなに", "は何",
		"とは何のこと", "とはなんのこと", "って何のこと", "ってなんのこと", "とはどんなもの", "ってどんなもの",
		"ですか", "でしょうか", "ますか", "です", "ください", "教えて", "おしえて",
		// A comparison, and verb endings after the word meant.
		"の違いは", "の違い", "のちがい", "の差は", "の差", "の方", "のほう",
		"にされるとは", "にされる", "にされた", "されるとは", "される", "された", "している", "する",
		"please", "meaning", "mean", " means", " stand for", " stands for", " work", " works", " do", " for me", " is", " are",
	}
	wrapperPrefixes = []string{
		"what is ", "what's ", "whats ", "what are ", "what does ", "tell me about ", "explain ", "define ",
		"meaning of ", "definition of ", "about ", "a ", "an ", "the ",
		"please ", "pls ", "can you ", "could you ", "would you ", "i want to know ", "i'd like to know ",
		"i would like to know ", "i want to learn ", "describe ", "how does ", "how do ", "how is ",
		"why is ", "why does ", "what do you know about ", "what about ", "do you know ", "info on ",
		"information about ", "what ",
		"教えて", "おしえて", "ねえ",
	}
	trimChars = " 　?？!！。.、,，「」『』\"'“”‘’:："
)

// stripWrappers returns the part of q that names what is asked:
// stripWrappers("ゼロトラストって何？") == "ゼロトラスト",
// stripWrappers("What is EDR?") == "EDR". It never returns "" for a query
// that is not blank: a query that is all wrapper is kept as it is.
func stripWrappers(q string) string {
	s := strings.Trim(q, trimChars)
	for {
		before := s
		low := asciiLower(s) // same byte length as s
		for _, p := range wrapperPrefixes {
			if strings.HasPrefix(low, p) && len(s) > len(p) {
				s, low = s[len(p):], low[len(p):]
			}
		}
		for _, w := range wrapperSuffixes {
			if strings.HasSuffix(low, w) && len(s) > len(w) {
				s, low = s[:len(s)-len(w)], low[:len(low)-len(w)]
			}
		}
		s = strings.Trim(s, trimChars)
		if s == before || s == "" {
			break
		}
	}
	if s == "" {
		return strings.TrimSpace(q)
	}
	return s
}
