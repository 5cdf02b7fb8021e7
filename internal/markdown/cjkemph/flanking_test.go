package cjkemph

import "testing"

// TestCanOpenClose lists the cases of the rule in flanking.go, one
// delimiter run at a time: the characters around it and the verdict.
// prev2 matters only when prev is a variation selector.
func TestCanOpenClose(t *testing.T) {
	const (
		svs      = '\ufe00' // VARIATION SELECTOR-1
		fwForm   = '\ufe01' // VARIATION SELECTOR-2, fullwidth form of quotes
		textPres = '\ufe0e' // VARIATION SELECTOR-15, text presentation
		ivs      = '\U000e0100'
	)
	tests := []struct {
		name                string
		c                   byte
		prev, prev2, after  rune
		wantOpen, wantClose bool
	}{
		// Unchanged CommonMark behaviour.
		{"intraword ascii", '*', 'a', 0, 'b', true, true},
		{"after space", '*', ' ', 0, 'a', true, false},
		{"before space", '*', 'a', 0, ' ', false, true},
		{"between spaces", '*', ' ', 0, ' ', false, false},
		{"ascii punct then letter", '*', '.', 0, 'a', true, false},
		{"letter then ascii punct", '*', 'a', 0, '"', false, true},
		{"intraword underscore", '_', 'a', 0, 'b', false, false},
		{"underscore after punct", '_', '.', 0, 'a', true, false},
		{"ideographic space is whitespace", '*', '\u3000', 0, 'a', true, false},

		// The reported bugs: CJK punctuation inside, a letter outside.
		{"closer after 」 before で", '*', '」', 0, 'で', true, true},
		{"closer after 。 before 次", '*', '。', 0, '次', true, true},
		{"opener after は before 「", '*', 'は', 0, '「', true, true},
		{"closer after ） before ascii", '*', '）', 0, 'H', true, true},

		// Non-CJK punctuation next to a CJK character.
		{"opener after 漢 before (", '*', '漢', 0, '(', true, true},
		{"closer after ) before 漢", '*', ')', 0, '漢', true, true},
		{"closer after “ before 她", '*', '“', 0, '她', true, true},
		{"closer after ) before hangul", '*', ')', 0, '라', true, true},
		{"closer after ) before conjoining jamo", '*', ')', 0, 'ᄏ', true, true},
		{"opener after ascii before (", '*', 'a', 0, '(', false, true},

		// Emoji are not CJK even when wide; CJK-derived symbols are.
		{"opener after ascii before 🈂 (CJK)", '*', 'a', 0, '🈂', true, true},
		{"opener after ascii before 🈚 (emoji)", '*', 'a', 0, '🈚', false, true},

		// Variation selectors: look at the character before them.
		{"opener after 塚+VS1 before (", '*', svs, '塚', '(', true, true},
		{"opener after 〽+VS15 before (", '*', textPres, '〽', '(', true, true},
		{"opener after ascii+VS1 before (", '*', svs, 'a', '(', false, true},
		{"opener after IVS before (", '*', ivs, '禰', '(', true, true},
		{"closer after ”+VS2 (CJK ambiguous) before H", '*', fwForm, '”', 'H', true, true},
		{"closer after ”+VS1 (not fullwidth) before H", '*', svs, '”', 'H', true, false},
		{"closer after .+VS1 before a", '*', svs, '.', 'a', true, false},

		// `_`: the spec amends only the opening rules.
		{"underscore after ： before 注", '_', '：', 0, '注', true, false},
		{"underscore after 意 before ：", '_', '意', 0, '：', false, true},
		{"underscore after 」 before で", '_', '」', 0, 'で', true, false},
		{"underscore after 。+VS2 before T", '_', fwForm, '。', 'T', true, false},
		{"underscore after ”+VS2 before H", '_', fwForm, '”', 'H', true, false},
		{"underscore after a+VS1 before b", '_', svs, 'a', 'b', false, false},
		{"underscore between kana", '_', 'の', 0, 'は', false, false},

		// `~` follows the `*` rules.
		{"tilde after 」 before で", '~', '」', 0, 'で', true, true},
		{"tilde after a before (", '~', 'a', 0, '(', false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			open, close := canOpenClose(tt.c, precededBy(tt.prev, tt.prev2), followedBy(tt.after))
			if open != tt.wantOpen || close != tt.wantClose {
				t.Errorf("%q between %q (%q) and %q: open, close = %v, %v; want %v, %v",
					tt.c, tt.prev, tt.prev2, tt.after, open, close, tt.wantOpen, tt.wantClose)
			}
		})
	}
}

func TestIsCJK(t *testing.T) {
	for _, r := range "あアｱ漢𠮟𰻞가ᄀ「」。、！（）〽〰㊗🈂⻲﨑\u3000ㇿ𛀙" {
		if !isCJK(r) {
			t.Errorf("isCJK(%q U+%04X) = false, want true", r, r)
		}
	}
	for _, r := range "a1*_~.“”‘’—…·ẞχ😀🈚🀄\ufe00\ufe01\U000e0100\ufffd" {
		if isCJK(r) {
			t.Errorf("isCJK(%q U+%04X) = true, want false", r, r)
		}
	}
}

// TestCJKTableWellFormed checks what unicode.Is assumes of a RangeTable.
func TestCJKTableWellFormed(t *testing.T) {
	last := rune(-1)
	check := func(lo, hi, stride rune) {
		if stride != 1 || lo > hi || lo <= last {
			t.Errorf("range U+%04X..U+%04X (stride %d) is out of order or overlaps U+%04X", lo, hi, stride, last)
		}
		last = hi
	}
	for _, r := range cjkTable.R16 {
		check(rune(r.Lo), rune(r.Hi), rune(r.Stride))
	}
	for _, r := range cjkTable.R32 {
		if r.Lo <= 0xffff {
			t.Errorf("R32 range U+%04X belongs in R16", r.Lo)
		}
		check(rune(r.Lo), rune(r.Hi), rune(r.Stride))
	}
	if cjkTable.LatinOffset != 0 {
		t.Errorf("LatinOffset = %d, want 0", cjkTable.LatinOffset)
	}
}
