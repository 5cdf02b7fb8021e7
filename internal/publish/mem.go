package publish

import (
	"bytes"
	"sync"
)

// Mem is a Target that keeps files in memory.
type Mem struct {
	mu    sync.Mutex
	files map[string]object
}

// NewMem returns an empty in-memory Target.
func NewMem() *Mem { return &Mem{files: map[string]object{}} }

// Put stores a copy of one file.
func (m *Mem) Put(rel string, data []byte) error {
	data = bytes.Clone(data)
	m.mu.Lock()
	m.files[rel] = object{data: data, size: len(data)}
	m.mu.Unlock()
	return nil
}

// Keep takes the file at rel from an earlier build.
func (m *Mem) Keep(rel string, from *Files) error {
	if from.dir != "" {
		data, err := keptBytes(rel, from)
		if err != nil {
			return err
		}
		return m.Put(rel, data)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return keep(m.files, rel, from)
}

// Files returns the stored files. Put no more files after calling it.
func (m *Mem) Files() *Files {
	m.mu.Lock()
	defer m.mu.Unlock()
	return &Files{m: m.files}
}

// Paths lists the stored paths, sorted.
func (m *Mem) Paths() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return sortedKeys(m.files)
}

// Map returns the stored files as a map from path to bytes.
func (m *Mem) Map() map[string][]byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string][]byte, len(m.files))
	for rel, o := range m.files {
		out[rel] = o.data
	}
	return out
}
