package search

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// corpus generates documents that look like the site's stories to the
// indexer: Japanese of kanji compounds, katakana loanwords and kana particles
// with some Latin words and digits, or English of a Zipf-distributed
// vocabulary with capitals, digits and punctuation. The same seed gives the
// same documents.
type corpus struct {
	rnd   *rand.Rand
	zipf  *rand.Zipf
	vocab []string
	ja    bool
}

// jaParticles are frequent kana words and endings, chosen more often than
// the vocabulary.
var jaParticles = []string{"の", "に", "は", "を", "が", "で", "と", "も", "から", "まで", "として", "について",
	"しました", "しています", "でした", "です", "ます", "ました", "する", "した", "され", "ている", "ことが", "ために", "という"}

var jaLatin = []string{"Linux", "IT", "N2", "JLPT", "AWS", "Python", "Go", "2024", "2025", "Excel", "ＩＴ", "ｶﾌｪ", "Ｎ１"}

var enStop = []string{"the", "a", "of", "and", "to", "in", "is", "was", "for", "on", "with", "as", "her", "his", "at", "by", "from", "that", "it", "she", "he", "they", "an", "be", "this", "had"}

func newCorpus(ja bool, seed uint64) *corpus {
	rnd := rand.New(rand.NewPCG(seed, 0x5eed))
	c := &corpus{rnd: rnd, ja: ja}
	if ja {
		// A pool of 1,800 kanji from the unified block, words of 1-3 of them.
		kanji := make([]rune, 1800)
		for i := range kanji {
			kanji[i] = rune(0x4E00 + rnd.IntN(0x9FA0-0x4E00))
		}
		katakana := []rune("アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワンガギグゲゴザジズゼゾダデドバビブベボパピプペポャュョッー")
		for range 9000 {
			var b strings.Builder
			if rnd.IntN(4) == 0 {
				for range 2 + rnd.IntN(5) {
					b.WriteRune(katakana[rnd.IntN(len(katakana))])
				}
			} else {
				for range 1 + rnd.IntN(3) {
					b.WriteRune(kanji[rnd.IntN(len(kanji))])
				}
			}
			c.vocab = append(c.vocab, b.String())
		}
	} else {
		syl := []string{"ba", "ne", "tor", "ki", "ing", "er", "an", "ment", "pro", "com", "ex", "st", "tion", "al", "re", "de", "work", "ly", "ca", "ri", "se", "vo", "lu", "mi", "pe", "gra", "sh", "ou", "ch", "ed"}
		for range 12000 {
			var b strings.Builder
			for range 1 + rnd.IntN(4) {
				b.WriteString(syl[rnd.IntN(len(syl))])
			}
			c.vocab = append(c.vocab, b.String())
		}
	}
	c.zipf = rand.NewZipf(rnd, 1.07, 4, uint64(len(c.vocab)-1))
	return c
}

// word returns the next word of running text.
func (c *corpus) word() string {
	if c.ja {
		switch r := c.rnd.IntN(100); {
		case r < 40:
			return jaParticles[c.rnd.IntN(len(jaParticles))]
		case r < 42:
			return jaLatin[c.rnd.IntN(len(jaLatin))]
		}
		return c.vocab[c.zipf.Uint64()]
	}
	if c.rnd.IntN(100) < 35 {
		return enStop[c.rnd.IntN(len(enStop))]
	}
	if c.rnd.IntN(100) == 0 {
		return fmt.Sprint(1990 + c.rnd.IntN(40))
	}
	return c.vocab[c.zipf.Uint64()]
}

// text returns running text of about size characters (Japanese) or words (English).
func (c *corpus) text(size int) string {
	var b strings.Builder
	n, inSentence := 0, 0
	for n < size {
		w := c.word()
		if c.ja {
			b.WriteString(w)
			n += len([]rune(w))
			inSentence++
			if inSentence > 8+c.rnd.IntN(10) {
				b.WriteString("。")
				inSentence = 0
				if c.rnd.IntN(5) == 0 {
					b.WriteString(" | ")
				}
			} else if c.rnd.IntN(9) == 0 {
				b.WriteString("、")
			}
			continue
		}
		if inSentence == 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		} else {
			b.WriteByte(' ')
		}
		b.WriteString(w)
		n++
		inSentence++
		switch {
		case inSentence > 8+c.rnd.IntN(14):
			b.WriteString(". ")
			inSentence = 0
		case c.rnd.IntN(12) == 0:
			b.WriteByte(',')
		case c.rnd.IntN(200) == 0:
			b.WriteString("’s")
		}
	}
	return b.String()
}

// docs returns n documents as the renderer passes them for the language.
func (c *corpus) docs(n int) []Doc {
	lang, size, title := "en", 600, 6
	if c.ja {
		lang, size, title = "ja", 1500, 20
	}
	docs := make([]Doc, n)
	for i := range docs {
		docs[i] = c.doc(fmt.Sprintf("/%s/talents/p%05d/", lang, i), size, title)
	}
	return docs
}

func (c *corpus) doc(url string, size, title int) Doc {
	return Doc{URL: url, Title: strings.TrimSuffix(c.text(title), "。"), Text: c.text(size)}
}

// repeated returns n documents of about size bytes made of a pool of 40
// sentences, six to a document, over and over: text like that of a
// generated test site, long but with few distinct terms.
func (c *corpus) repeated(n, size, title int) []Doc {
	lang, unit := "en", 12
	if c.ja {
		lang, unit = "ja", 30
	}
	pool := make([]string, 40)
	for i := range pool {
		pool[i] = c.text(unit)
	}
	docs := make([]Doc, n)
	for i := range docs {
		var b strings.Builder
		for k := 0; b.Len() < size; k++ {
			b.WriteString(pool[(i*7+k%6*13)%len(pool)])
			b.WriteString(" ")
		}
		docs[i] = Doc{URL: fmt.Sprintf("/%s/talents/r%05d/", lang, i), Title: strings.TrimSuffix(c.text(title), "。"), Text: b.String()}
	}
	return docs
}
