package leakscan

import (
	_ "embed"
	"encoding/binary"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// runeTables are two bit sets over the Basic Multilingual Plane that let the
// normaliser copy most characters without consulting the Unicode tables.
type runeTables struct {
	simple [1 << 10]uint64 // r is its own normal form: NFKC-stable, case-folded, visible, not space, never combines backwards
	bound  [1 << 10]uint64 // r never combines with the rune before it (NFKC BoundaryBefore)
}

// tables are read from runetables.bin (simple, then bound, as
// little-endian words), which TestRuneTablesFile checks against
// computeTables and rewrites with -update (after a Go or x/text upgrade
// with new Unicode tables): computing them at run time took 5 ms of a
// small site's build.
var tables = sync.OnceValue(func() *runeTables {
	t := new(runeTables)
	data := []byte(runeTablesFile)
	n, err := binary.Decode(data, binary.LittleEndian, t.simple[:])
	if err == nil {
		_, err = binary.Decode(data[n:], binary.LittleEndian, t.bound[:])
	}
	if err != nil {
		panic("leakscan: runetables.bin: " + err.Error())
	}
	return t
})

//go:embed runetables.bin
var runeTablesFile string

// computeTables computes the tables from the Unicode tables.
func computeTables() *runeTables {
	t := new(runeTables)
	var enc [utf8.UTFMax]byte
	for r := rune(0x80); r < 0x10000; r++ {
		if r >= 0xd800 && r <= 0xdfff {
			continue
		}
		n := utf8.EncodeRune(enc[:], r)
		p := norm.NFKC.Properties(enc[:n])
		// Compatibility jamo normalise to conjoining jamo, which compose
		// with the syllable before them: not a boundary, whatever the table says.
		if !p.BoundaryBefore() || isCompatJamo(r) {
			continue
		}
		t.bound[r>>6] |= 1 << (r & 63)
		if p.Decomposition() == nil && fold(r) == r && r != 'ß' && !unicode.IsSpace(r) && !isZeroWidth(r) {
			t.simple[r>>6] |= 1 << (r & 63)
		}
	}
	return t
}

// appendTables appends t as runetables.bin holds it.
func appendTables(b []byte, t *runeTables) []byte {
	b, _ = binary.Append(b, binary.LittleEndian, t.simple[:]) // no error for a []uint64
	b, _ = binary.Append(b, binary.LittleEndian, t.bound[:])
	return b
}

func (t *runeTables) isSimple(r rune) bool { return t.simple[r>>6]&(1<<(r&63)) != 0 }
func (t *runeTables) isBound(r rune) bool  { return t.bound[r>>6]&(1<<(r&63)) != 0 }

// boundaryAt reports whether the character at text[j] surely does not
// combine with the one before it. ASCII never does (a mark written as a
// character reference after an ASCII letter or a simple character is not
// composed with it; marks are not written that way in practice). false
// means "not sure": the caller takes the slow path.
func (t *runeTables) boundaryAt(text []byte, j int) bool {
	if j >= len(text) || text[j] < utf8.RuneSelf {
		return true
	}
	r, size := decodeBMP(text, j)
	return size > 0 && t.isBound(r)
}

// decodeBMP decodes a valid two- or three-byte UTF-8 sequence at text[i]
// (size 0 otherwise: ASCII, four bytes, or invalid). Surrogates come back
// as themselves; they are in neither table.
func decodeBMP(text []byte, i int) (rune, int) {
	b := text[i]
	switch {
	case b >= 0xc2 && b <= 0xdf:
		if i+1 < len(text) && text[i+1]&0xc0 == 0x80 {
			return rune(b&0x1f)<<6 | rune(text[i+1]&0x3f), 2
		}
	case b >= 0xe0 && b <= 0xef:
		if i+2 < len(text) && text[i+1]&0xc0 == 0x80 && text[i+2]&0xc0 == 0x80 {
			r := rune(b&0x0f)<<12 | rune(text[i+1]&0x3f)<<6 | rune(text[i+2]&0x3f)
			if r >= 0x800 {
				return r, 3
			}
		}
	}
	return 0, 0
}

// decodeBMPFast is decodeBMP, with a three-byte sequence (kana, kanji)
// checked and decoded from one load when four bytes are left.
func decodeBMPFast(text []byte, i int) (rune, int) {
	if i+4 <= len(text) {
		if v := binary.LittleEndian.Uint32(text[i:]); v&0xc0c0f0 == 0x8080e0 {
			if r := rune(v&0x0f)<<12 | rune(v>>2&0xfc0) | rune(v>>16&0x3f); r >= 0x800 {
				return r, 3
			}
			return 0, 0
		}
	}
	return decodeBMP(text, i)
}
