package search

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// This file keeps the first, straightforward Build (encoding/json over maps
// of postings, strings.ToLower of norm.NFKC.String) as the reference the
// fast one must agree with byte for byte (equal_test.go), with its postings
// written as differences since version 2.

// refBuild is Build as it was before Builder.
func refBuild(docs []Doc) ([]byte, error) {
	ix := index{
		V:     Version,
		Docs:  make([][2]string, 0, len(docs)),
		Title: map[string][]int32{},
		Body:  map[string][]int32{},
	}
	seen := make(map[string]int, len(docs))
	inTitle, inBody := map[string]bool{}, map[string]bool{}
	add := func(m map[string][]int32, t string, i int) {
		p, ok := m[t]
		if !ok {
			t = strings.Clone(t)
		}
		m[t] = append(p, int32(i))
	}
	for i, d := range docs {
		if d.URL == "" {
			return nil, fmt.Errorf("search: document %d (%q) has no URL", i, d.Title)
		}
		if j, dup := seen[d.URL]; dup {
			return nil, fmt.Errorf("search: %s is given twice (documents %d and %d)", d.URL, j, i)
		}
		seen[d.URL] = i
		ix.Docs = append(ix.Docs, [2]string{d.URL, strings.Join(strings.Fields(d.Title), " ")})

		clear(inTitle)
		clear(inBody)
		refEachTerm(d.Title, func(t string) {
			if !inTitle[t] {
				inTitle[t] = true
				add(ix.Title, t, i)
			}
		})
		refEachTerm(d.Text, func(t string) {
			if !inTitle[t] && !inBody[t] {
				inBody[t] = true
				add(ix.Body, t, i)
			}
		})
	}
	// Version 2 writes each posting as the differences between its
	// positions (the first from 0).
	for _, m := range []map[string][]int32{ix.Title, ix.Body} {
		for _, ps := range m {
			for i := len(ps) - 1; i > 0; i-- {
				ps[i] -= ps[i-1]
			}
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ix); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// refTerms is Terms as it was.
func refTerms(s string) []string {
	var terms []string
	refEachTerm(s, func(t string) { terms = append(terms, t) })
	return terms
}

func refEachTerm(s string, fn func(string)) {
	s = strings.ToLower(norm.NFKC.String(s))
	start, prev, n := -1, 0, 0
	cjk := false
	end := func(at int) {
		switch {
		case start < 0:
		case cjk && n == 1:
			fn(s[start:at])
		case !cjk && n > 1:
			w := s[start:at]
			if n > MaxWordRunes {
				k := 0
				for range MaxWordRunes {
					_, size := utf8.DecodeRuneInString(w[k:])
					k += size
				}
				w = w[:k]
			}
			fn(w)
		}
		start, n = -1, 0
	}
	for i, r := range s {
		c := refIsCJK(r)
		if !c && !refIsWordRune(r) {
			end(i)
			continue
		}
		if start >= 0 && c != cjk {
			end(i)
		}
		if start < 0 {
			start, cjk = i, c
		}
		if c && n > 0 {
			fn(s[prev : i+utf8.RuneLen(r)])
		}
		prev = i
		n++
	}
	end(len(s))
}

func refIsCJK(r rune) bool {
	return r >= 0x1100 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r) || r == 'ー')
}

func refIsWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r)
}
