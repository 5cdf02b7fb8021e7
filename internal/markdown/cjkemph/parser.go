package cjkemph

import (
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// scanDelimiter is parser.ScanDelimiter with the CJK-friendly flanking rules.
// It reads the run at the reader's position without advancing it and
// returns nil if the run is not made of p's delimiter characters.
// Matching opener and closer is left to parser.ProcessDelimiters, which
// goldmark runs at the end of each block and link, so nesting and the rule
// of 3 are CommonMark's.
func scanDelimiter(block text.Reader, p parser.DelimiterProcessor) *parser.Delimiter {
	line, _ := block.PeekLine()
	if len(line) == 0 || !p.IsDelimiter(line[0]) {
		return nil
	}
	c := line[0]
	n := 1
	for n < len(line) && line[n] == c {
		n++
	}
	after := ' ' // end of line counts as whitespace
	if n < len(line) {
		after = util.ToRune(line, n)
	}
	prev := block.PrecendingCharacter()
	prev2 := rune('\n')
	if isVariationSelector(prev) {
		prev2 = secondPrecedingCharacter(block, utf8.RuneLen(prev))
	}
	canOpen, canClose := canOpenClose(c, precededBy(prev, prev2), followedBy(after))
	return parser.NewDelimiter(canOpen, canClose, n, c, p)
}

// secondPrecedingCharacter returns the character before the one of width
// prevLen that precedes the reader's position. It steps the reader back and
// asks it, so block and line boundaries are treated exactly as
// PrecendingCharacter treats them (start of block is '\n').
func secondPrecedingCharacter(block text.Reader, prevLen int) rune {
	line, pos := block.Position()
	if pos.Padding != 0 || pos.Start-prevLen < 0 {
		return '\n'
	}
	block.SetPosition(line, pos.WithStart(pos.Start-prevLen))
	r := block.PrecendingCharacter()
	block.SetPosition(line, pos)
	return r
}

// push records d, scanned at the reader's position, as a delimiter in pc and
// consumes its characters.
func push(block text.Reader, pc parser.Context, d *parser.Delimiter) {
	_, segment := block.PeekLine()
	d.Segment = segment.WithStop(segment.Start + d.OriginalLength)
	block.Advance(d.OriginalLength)
	pc.PushDelimiter(d)
}

// emphasisProcessor turns matched `*` and `_` runs into ast.Emphasis, like
// goldmark's own (unexported) emphasis delimiter processor.
type emphasisProcessor struct{}

func (emphasisProcessor) IsDelimiter(b byte) bool { return b == '*' || b == '_' }

func (emphasisProcessor) CanOpenCloser(opener, closer *parser.Delimiter) bool {
	return opener.Char == closer.Char
}

func (emphasisProcessor) OnMatch(consumes int) ast.Node { return ast.NewEmphasis(consumes) }

// emphasisParser replaces parser.NewEmphasisParser.
type emphasisParser struct{}

func (emphasisParser) Trigger() []byte { return []byte{'*', '_'} }

func (emphasisParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	d := scanDelimiter(block, emphasisProcessor{})
	if d == nil {
		return nil
	}
	push(block, pc, d)
	return d
}

// strikethroughProcessor turns matched `~` runs into the GFM strikethrough
// node of goldmark's extension package.
type strikethroughProcessor struct{}

func (strikethroughProcessor) IsDelimiter(b byte) bool { return b == '~' }

func (strikethroughProcessor) CanOpenCloser(opener, closer *parser.Delimiter) bool {
	return opener.Char == closer.Char
}

func (strikethroughProcessor) OnMatch(consumes int) ast.Node { return extast.NewStrikethrough() }

// strikethroughParser replaces extension.NewStrikethroughParser. Like it, it
// accepts runs of one or two tildes only.
type strikethroughParser struct{}

func (strikethroughParser) Trigger() []byte { return []byte{'~'} }

func (strikethroughParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	d := scanDelimiter(block, strikethroughProcessor{})
	if d == nil || d.OriginalLength > 2 || block.PrecendingCharacter() == '~' {
		return nil
	}
	push(block, pc, d)
	return d
}
