package site

// MemoLinks are the pages m's link records point to.
func MemoLinks(m *Memo) []*Page {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*Page
	for _, p := range m.links {
		if p != nil {
			out = append(out, p)
		}
	}
	return out
}
