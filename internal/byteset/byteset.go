// Package byteset finds the bytes of a small set in text: the loops of the
// escapers and filters that look for a few special bytes ('&', '<', a
// Markdown marker) among long runs of plain ones.
package byteset

// Set marks the bytes of a set.
type Set [256]bool

// Of returns the set of the bytes of s.
func Of(s string) *Set {
	var set Set
	for i := 0; i < len(s); i++ {
		set[s[i]] = true
	}
	return &set
}

// Next is the index of the first byte of s at or after i that is in set,
// or len(s). Eight bytes are looked up per round: plain runs are long.
func Next[T string | []byte](s T, i int, set *Set) int {
	for ; i+8 <= len(s); i += 8 {
		w := s[i : i+8]
		if set[w[0]] || set[w[1]] || set[w[2]] || set[w[3]] ||
			set[w[4]] || set[w[5]] || set[w[6]] || set[w[7]] {
			break
		}
	}
	for ; i < len(s); i++ {
		if set[s[i]] {
			return i
		}
	}
	return len(s)
}
