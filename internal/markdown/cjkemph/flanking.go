package cjkemph

// This file is the whole rule. It follows "CommonMark CJK-friendly
// Amendments", §6.2 (https://github.com/tats-u/markdown-cjk-friendly/blob/main/specification.md);
// words in quotes below are the spec's defined terms.
//
// A delimiter run is left-flanking iff
//
//	(1) it is not followed by Unicode whitespace, and either
//	(2a) it is not followed by a "non-CJK punctuation character", or
//	(2b) it is followed by one and preceded by
//	     (α) Unicode whitespace, (β) a "non-CJK punctuation sequence",
//	     (γ) a "CJK sequence", or (δ) an "Ideographic Variation Selector".
//
// A delimiter run is right-flanking iff
//
//	(1) it is not preceded by Unicode whitespace, and either
//	(2a) it is not preceded by a "non-CJK punctuation sequence", or
//	(2b) it is preceded by one and followed by
//	     (α) Unicode whitespace, (β) a "non-CJK punctuation character", or
//	     (γ) a "CJK character".
//
// The start and end of a line count as whitespace. `*` and `~` can open iff
// left-flanking and close iff right-flanking. `_` can open iff left-flanking
// and (not right-flanking or preceded by a "Unicode punctuation sequence"),
// and close iff right-flanking and (not left-flanking or followed by a
// Unicode punctuation character) - the spec amends only the opening half.
//
// A "sequence" on the preceding side is one character optionally followed
// by a non-emoji variation selector (U+FE00–U+FE0E). When the character
// before the run is such a selector, the base character before it decides:
// `塚` U+FE00 `**` is preceded by a CJK sequence, `。` U+FE01 `_` by a
// punctuation sequence.
//
// Choices where the spec is silent or reads two ways:
//
//   - A "CJK ambiguous punctuation sequence" (“ ” ‘ ’ followed by U+FE01,
//     the fullwidth form) is a "CJK punctuation sequence", not a "non-CJK
//     punctuation sequence", even though its base character is non-CJK.
//     Otherwise `**“Git”**Hub`, written with U+FE01 after each quote,
//     could not close although plain CommonMark closes it; the spec
//     author's own implementations read it this way too. On the
//     left-flanking side it counts as punctuation, as either reading allows.
//   - A variation selector whose base is neither CJK nor punctuation (for
//     instance one after whitespace, which the spec leaves unspecified) is
//     an ordinary character, which is how CommonMark sees it too.
//   - The following side is a single character, as the spec says; a
//     variation selector after the first inner character does not matter.

// side is what the spec needs to know about one side of a delimiter run.
type side struct {
	space       bool // Unicode whitespace, or start/end of line
	punct       bool // a Unicode punctuation character or sequence
	nonCJKPunct bool // a non-CJK punctuation character or sequence
	cjk         bool // a CJK character or CJK sequence
	ivs         bool // an Ideographic Variation Selector (preceding side only)
}

// precededBy classifies the text before a delimiter run: prev is the
// character immediately before it, prev2 the one before that. prev2 is only
// consulted when prev is a non-emoji variation selector.
func precededBy(prev, prev2 rune) side {
	switch {
	case isVariationSelector(prev) && isCJK(prev2):
		// A CJK sequence; punctuation too if the base is.
		return side{cjk: true, punct: isPunct(prev2)}
	case isVariationSelector(prev) && isPunct(prev2):
		return side{punct: true, nonCJKPunct: !isCJKAmbiguousPunct(prev2, prev)}
	case isIdeographicVariationSelector(prev):
		return side{ivs: true}
	}
	return followedBy(prev)
}

// followedBy classifies the character after a delimiter run, and is how a
// single preceding character is classified too.
func followedBy(r rune) side {
	c := side{space: isSpace(r), punct: isPunct(r), cjk: isCJK(r)}
	c.nonCJKPunct = c.punct && !c.cjk
	return c
}

// leftFlanking reports whether a run between before and after is
// left-flanking.
func leftFlanking(before, after side) bool {
	if after.space {
		return false
	}
	if !after.nonCJKPunct {
		return true
	}
	// before.punct covers "non-CJK punctuation sequence" and the CJK
	// ambiguous punctuation sequences; CJK punctuation is in before.cjk.
	return before.space || before.punct || before.cjk || before.ivs
}

// rightFlanking reports whether a run between before and after is
// right-flanking.
func rightFlanking(before, after side) bool {
	if before.space {
		return false
	}
	if !before.nonCJKPunct {
		return true
	}
	return after.space || after.nonCJKPunct || after.cjk
}

// canOpenClose applies the flanking rules for delimiter character c.
func canOpenClose(c byte, before, after side) (canOpen, canClose bool) {
	left := leftFlanking(before, after)
	right := rightFlanking(before, after)
	if c == '_' {
		return left && (!right || before.punct), right && (!left || after.punct)
	}
	return left, right
}
