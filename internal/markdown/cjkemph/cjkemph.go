// Package cjkemph is a goldmark extension that makes emphasis (`*`, `_`)
// and, optionally, GFM strikethrough (`~~`) work in Japanese, Chinese and
// Korean text.
//
// CommonMark decides whether a delimiter run can open or close emphasis by
// looking at the characters on either side of it. A run whose inner
// neighbour is punctuation and whose outer neighbour is a letter is not
// flanking on that side, so `**「強調」**です` and `**この文。**次の文` stay
// literal: `」` and `。` are punctuation and `で`, `次` are letters. Japanese
// has no spaces between words to rescue the run.
//
// This package implements the "CommonMark CJK-friendly Amendments"
// specification by tats-u
// (https://github.com/tats-u/markdown-cjk-friendly/blob/main/specification.md),
// the rule used by markdown-it-cjk-friendly and remark-cjk-friendly. The rule
// itself lives in flanking.go; the Unicode classes it needs in unicode.go.
// For text without CJK characters and variation selectors the output is
// byte-for-byte that of plain goldmark.
//
// Usage:
//
//	md := goldmark.New(goldmark.WithExtensions(
//		extension.GFM,
//		cjkemph.Extension,     // `*` and `_`
//		cjkemph.Strikethrough, // `~~`, optional
//	))
package cjkemph

import (
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/util"
)

// priority of our inline parsers. goldmark tries the parsers registered for
// a trigger byte in ascending priority order and stops at the first that
// returns a node. Its own emphasis and strikethrough parsers are registered
// at 500; the sort is not stable, so ours must be strictly lower to run
// first. Ours return nil exactly when goldmark's would, so the shadowed
// parsers are never reached with a different outcome.
const priority = 499

type emphasisExtender struct{}

// Extension replaces goldmark's emphasis parser for `*` and `_` with one
// that applies the CJK-friendly flanking rules.
var Extension goldmark.Extender = emphasisExtender{}

// Extend implements goldmark.Extender.
func (emphasisExtender) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithInlineParsers(
		util.Prioritized(emphasisParser{}, priority),
	))
}

type strikethroughExtender struct{}

// Strikethrough enables GFM strikethrough (`~text~`, `~~text~~`) with the
// CJK-friendly flanking rules. It registers goldmark's own strikethrough
// extension for the AST node and its HTML renderer, so it may be used with
// or without extension.GFM.
var Strikethrough goldmark.Extender = strikethroughExtender{}

// Extend implements goldmark.Extender.
func (strikethroughExtender) Extend(m goldmark.Markdown) {
	extension.Strikethrough.Extend(m)
	m.Parser().AddOptions(parser.WithInlineParsers(
		util.Prioritized(strikethroughParser{}, priority),
	))
}
