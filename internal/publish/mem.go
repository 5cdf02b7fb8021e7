package publish

import (
	"sort"
	"sync"
)

// Mem is a Target that keeps files in memory (the preview server serves from it).
type Mem struct {
	mu    sync.Mutex
	files map[string][]byte
}

// NewMem returns an empty in-memory Target.
func NewMem() *Mem { return &Mem{files: map[string][]byte{}} }

// Put stores one file.
func (m *Mem) Put(rel string, data []byte) error {
	m.mu.Lock()
	m.files[rel] = data
	m.mu.Unlock()
	return nil
}

// Files returns the stored files; the map must not be modified.
func (m *Mem) Files() map[string][]byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.files
}

// Paths lists the stored paths, sorted.
func (m *Mem) Paths() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return sortedKeys(m.files)
}

// sortedKeys lists a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
