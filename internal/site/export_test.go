package site

// MemoLen is the number of sources m holds entries for.
func MemoLen(m *Memo) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.slots)
}

// Fresh counts the pages of s that are not pages of last.
func Fresh(last, s *Site) (n int) {
	old := map[*Page]bool{}
	for _, p := range last.Pages {
		old[p] = true
	}
	for _, p := range s.Pages {
		if !old[p] {
			n++
		}
	}
	return n
}

// SlugOf is TermSlug without its shortcut for terms that are slugs already.
var SlugOf = slugOf
