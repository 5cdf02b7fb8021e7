package leakscan

import (
	"bytes"
	"html"
	"math/rand/v2"
	"strings"
)

// Generators of needles and of built pages for the tests and the
// benchmark. They are deterministic (seeded), and the vocabularies are kept
// apart so that a needle only appears where it was put: needle words always
// contain one of "jkqxz", filler words never do; needle kanji and filler
// kanji come from different sets; katakana appears only in needles.

var (
	nameSyllables = []string{"ka", "ri", "mi", "na", "za", "kho", "se", "fa", "qu", "ja", "ro", "ya", "zi", "xa", "di", "le", "ko", "jo"}
	fillerWords   = strings.Fields(`the and of to in a for on with as by at from that this was were
		people field new city road home school family story our their after before
		one two three years later first time life language friend train station
		morning evening river bridge song garden letter open door hope long way
		learn teach write read small sea house paper table window tea bread`)
	nameKanji    = []rune("山田中川佐藤鈴木高橋伊渡辺小林加吉松井森池")
	fillerKanji  = []rune("日本語学校仕事生活東京駅朝夜町家族友人時間年月話聞見")
	hiragana     = []rune("あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん")
	katakanaName = []rune("アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン")
)

// word returns a needle word: 2–4 syllables, at least one with j, k, q, x or z.
func word(r *rand.Rand) string {
	for {
		var b strings.Builder
		n := 2 + r.IntN(3)
		for i := 0; i < n; i++ {
			b.WriteString(nameSyllables[r.IntN(len(nameSyllables))])
		}
		if w := b.String(); strings.ContainsAny(w, "jkqxz") {
			return w
		}
	}
}

func title(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

func runes(r *rand.Rand, set []rune, n int) string {
	out := make([]rune, n)
	for i := range out {
		out[i] = set[r.IntN(len(set))]
	}
	return string(out)
}

func fillerSentence(r *rand.Rand, words int) string {
	parts := make([]string, words)
	for i := range parts {
		parts[i] = fillerWords[r.IntN(len(fillerWords))]
	}
	return strings.Join(parts, " ")
}

// genNeedles returns n distinct needles of every kind.
func genNeedles(n int, seed uint64) []Needle {
	r := rand.New(rand.NewPCG(seed, 1))
	seen := map[string]bool{}
	var out []Needle
	for len(out) < n {
		var nd Needle
		switch r.IntN(8) {
		case 0, 1:
			nd = Needle{Text: title(word(r)) + " " + title(word(r)), Kind: "real name"}
		case 2:
			nd = Needle{Text: word(r) + "-" + word(r), Kind: "slug"}
		case 3:
			nd = Needle{Text: runes(r, nameKanji, 2) + " " + runes(r, nameKanji, 2), Kind: "real name"}
		case 4:
			nd = Needle{Text: runes(r, katakanaName, 3) + "・" + runes(r, katakanaName, 3), Kind: "real name"}
		case 5:
			nd = Needle{Text: "The " + title(fillerWords[r.IntN(len(fillerWords))]) + " of " + title(word(r)), Kind: "title"}
		case 6:
			nd = Needle{Text: title(fillerSentence(r, 6)) + " " + word(r) + " " + fillerSentence(r, 5) + ".", Kind: "sentence"}
		case 7:
			nd = Needle{Text: runes(r, hiragana, 6) + runes(r, nameKanji, 3) + runes(r, hiragana, 8) + "。", Kind: "sentence"}
		}
		k := Normalize(nd.Text)
		if seen[k] {
			continue
		}
		seen[k] = true
		nd.Owner = "talents/" + word(r)
		out = append(out, nd)
	}
	return out
}

// genHTML returns a built page of about size bytes in Japanese and English
// with count of the needles hidden in it (in varied disguises), and the
// matches expected, in order.
func genHTML(size int, ns []Needle, count int, seed uint64) ([]byte, []Match) {
	r := rand.New(rand.NewPCG(seed, 2))
	var b bytes.Buffer
	b.WriteString("<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>Kakehashi</title>" +
		"<meta name=\"description\" content=\"Stories &amp; work\"><link rel=\"stylesheet\" href=\"/css/site.css\"></head>\n<body>\n")
	var want []Match
	insertAt := map[int]bool{}
	paras := size / 400
	for i := 0; i < count; i++ {
		insertAt[r.IntN(max(paras, 1))] = true
	}
	used := 0
	for p := 0; b.Len() < size; p++ {
		layout := r.IntN(4)
		switch layout {
		case 0:
			b.WriteString("<p class=\"lead\">")
		case 1:
			b.WriteString("<p>")
		case 2:
			b.WriteString("<li><a href=\"/stories/" + fillerWords[r.IntN(len(fillerWords))] + "/\">")
		default:
			b.WriteString("<p lang=\"en\">")
		}
		for s := 0; s < 4; s++ {
			if r.IntN(2) == 0 {
				b.WriteString(title(fillerSentence(r, 4+r.IntN(8))))
				if r.IntN(3) == 0 {
					b.WriteString(" <em>" + fillerSentence(r, 2) + "</em>")
				}
				b.WriteString(". ")
			} else {
				b.WriteString(runes(r, hiragana, 3+r.IntN(6)) + runes(r, fillerKanji, 2) + runes(r, hiragana, 2+r.IntN(8)) + "、" +
					runes(r, fillerKanji, 3) + runes(r, hiragana, 4) + "。")
			}
		}
		if insertAt[p] && used < count {
			insertAt[p] = false
			nd := ns[r.IntN(len(ns))]
			used++
			b.WriteString(" ")
			text := html.EscapeString(nd.Text)
			switch r.IntN(4) {
			case 0:
				text = strings.ToUpper(text)
			case 1:
				text = strings.ReplaceAll(text, " ", "\n  ")
			case 2:
				b.WriteString("<strong>")
			}
			want = append(want, Match{Needle: nd, Offset: b.Len()})
			b.WriteString(text)
			b.WriteString(" ")
		}
		switch layout {
		case 2:
			b.WriteString("</a></li>\n")
		default:
			b.WriteString("</p>\n")
		}
	}
	b.WriteString("</body></html>\n")
	return b.Bytes(), want
}
