package publish

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// Store keeps the files of successive builds in a private folder, each
// under the hash of its bytes, so that the bytes of a site being served
// stay out of the process's memory. A build writes only bytes the folder
// does not hold yet (one edit writes a file or two), and never overwrites
// the files of a build still being served: a new build's files become
// visible all at once, when its Files are handed out.
type Store struct {
	dir     string
	mu      sync.Mutex
	present map[sum]bool
	last    int // files in the last build handed out
}

// NewStore keeps files in dir, an empty folder only this process uses (see
// os.MkdirTemp).
func NewStore(dir string) *Store {
	return &Store{dir: dir, present: map[sum]bool{}}
}

// Dir is the store's folder.
func (s *Store) Dir() string { return s.dir }

// Build starts the Target of one build.
func (s *Store) Build() *StoreBuild { return s.BuildFrom(nil) }

// BuildFrom starts the Target of a build that keeps most files of prev, an
// earlier build of this store: it starts from prev's files, so that keeping
// one costs no more than noting it, and drops at the end those neither kept
// nor written again.
func (s *Store) BuildFrom(prev *Files) *StoreBuild {
	if prev != nil && prev.dir == s.dir {
		return &StoreBuild{s: s, m: maps.Clone(prev.m), base: prev}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return &StoreBuild{s: s, m: make(map[string]object, s.last)}
}

// Collect removes every stored file that none of live uses (the build being
// served and the one before it, which a request begun just before a swap
// may still read). It does the work only once there is some to do: an edit
// leaves a file or two behind, and a site of thousands of files is not gone
// through for each.
func (s *Store) Collect(live ...*Files) error {
	s.mu.Lock()
	stored := len(s.present)
	s.mu.Unlock()
	need := 0
	for _, f := range live {
		if f != nil {
			need = max(need, len(f.m))
		}
	}
	if stored <= need+need/8+64 {
		return nil
	}
	return s.collect(live)
}

func (s *Store) collect(live []*Files) error {
	used := map[sum]bool{}
	for _, f := range live {
		if f == nil {
			continue
		}
		for _, o := range f.m {
			used[o.sum] = true
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for k := range s.present {
		if used[k] {
			continue
		}
		if err := os.Remove(filepath.Join(s.dir, k.name())); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		delete(s.present, k)
	}
	return errors.Join(errs...)
}

// StoreBuild is the Target of one build into a Store; safe for concurrent use.
type StoreBuild struct {
	s  *Store
	mu sync.Mutex
	m  map[string]object
	// base is the build m started as a copy of; touched lists the files
	// put or kept since, to drop the others from m at the end.
	base    *Files
	touched []string
	// changed lists the files put whose bytes base does not have at their
	// path (see Files.ChangedSince).
	changed []string
}

// Put stores one file.
func (b *StoreBuild) Put(rel string, data []byte) error {
	full := sha256.Sum256(data)
	var k sum
	copy(k[:], full[:])
	if err := b.s.write(k, data); err != nil {
		return fmt.Errorf("%s: %w", rel, err)
	}
	b.mu.Lock()
	b.m[rel] = object{sum: k, size: len(data)}
	b.touched = append(b.touched, rel)
	if b.base != nil {
		if o, ok := b.base.m[rel]; !ok || o.sum != k || o.size != len(data) {
			b.changed = append(b.changed, rel)
		}
	}
	b.mu.Unlock()
	return nil
}

// Keep takes the file at rel from an earlier build.
func (b *StoreBuild) Keep(rel string, from *Files) error {
	if from.dir != b.s.dir {
		data, err := keptBytes(rel, from)
		if err != nil {
			return err
		}
		return b.Put(rel, data)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if from == b.base {
		// m started as a copy of from: the entry is there already.
		if _, ok := from.m[rel]; !ok {
			return errMissing(rel)
		}
		b.touched = append(b.touched, rel)
		return nil
	}
	b.touched = append(b.touched, rel)
	if b.base != nil {
		b.changed = append(b.changed, rel) // from another build: it may differ
	}
	return keep(b.m, rel, from)
}

// KeepAll is Keep for many files at once.
func (b *StoreBuild) KeepAll(rels []string, from *Files) error {
	if from != b.base {
		return keepEach(b, rels, from)
	}
	// m started as a copy of from: look that every file is there, in two
	// halves at once (the lookups mostly wait for memory).
	half := len(rels) / 2
	var missing [2]string
	var wg sync.WaitGroup
	for k, part := range [][]string{rels[:half], rels[half:]} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, rel := range part {
				if _, ok := from.m[rel]; !ok {
					missing[k] = rel
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, rel := range missing {
		if rel != "" {
			return errMissing(rel)
		}
	}
	b.mu.Lock()
	b.touched = append(b.touched, rels...)
	b.mu.Unlock()
	return nil
}

// Files returns the build's files. Put no more files after calling it.
func (b *StoreBuild) Files() *Files {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.base != nil && len(b.touched) != len(b.m) {
		// Files of the base build that this one did not make.
		made := make(map[string]bool, len(b.touched))
		for _, rel := range b.touched {
			made[rel] = true
		}
		maps.DeleteFunc(b.m, func(rel string, _ object) bool {
			if !made[rel] {
				b.changed = append(b.changed, rel)
			}
			return !made[rel]
		})
	}
	b.touched = nil
	b.s.mu.Lock()
	b.s.last = len(b.m)
	b.s.mu.Unlock()
	f := &Files{dir: b.s.dir, m: b.m, id: filesIDs.Add(1)}
	if b.base != nil {
		f.base, f.changed = b.base.id, b.changed
	}
	return f
}

// filesIDs numbers the Files of stores.
var filesIDs atomic.Uint64

// write stores data under k unless the folder holds it already. The bytes
// go to a temporary name first, so that a name always holds all its bytes.
func (s *Store) write(k sum, data []byte) error {
	s.mu.Lock()
	have := s.present[k]
	s.mu.Unlock()
	if have {
		return nil
	}
	f, err := os.CreateTemp(s.dir, ".part-*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), filepath.Join(s.dir, k.name()))
	}
	if err != nil {
		os.Remove(f.Name())
		return err
	}
	s.mu.Lock()
	s.present[k] = true
	s.mu.Unlock()
	return nil
}

func (k sum) name() string { return hex.EncodeToString(k[:]) }
