package publish

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
)

// Dir is a Target that builds the site in a fresh folder beside the
// destination and swaps it in only on Commit, so that a failed or killed build
// leaves the previous output exactly as it was, and a successful one leaves no
// stale file behind (a withdrawn story disappears with the old folder).
type Dir struct {
	dest, tmp string
	mu        sync.Mutex
	made      map[string]bool
}

// tempMarker names the work folders; the next build removes any left by a
// build that was killed.
const tempMarker = ".kakehashi-tmp-"

// NewDir prepares a fresh work folder beside dest.
func NewDir(dest string) (*Dir, error) {
	dest, err := filepath.Abs(dest)
	if err != nil {
		return nil, err
	}
	parent, base := filepath.Split(dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	if err := removeLeftovers(parent, base); err != nil {
		return nil, err
	}
	var r [6]byte
	_, _ = rand.Read(r[:])
	tmp := filepath.Join(parent, "."+base+tempMarker+hex.EncodeToString(r[:]))
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return nil, fmt.Errorf("create work folder: %w", err)
	}
	return &Dir{dest: dest, tmp: tmp, made: map[string]bool{".": true}}, nil
}

func removeLeftovers(parent, base string) error {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return err
	}
	// A build killed between the two renames of Commit's fallback leaves the
	// previous output in a "-old" work folder and no destination: put it back
	// before cleaning up, or the next build would delete the only copy.
	dest := filepath.Join(parent, base)
	if _, err := os.Lstat(dest); errors.Is(err, os.ErrNotExist) {
		for _, e := range entries {
			if n := e.Name(); e.IsDir() && strings.HasPrefix(n, "."+base+tempMarker) && strings.HasSuffix(n, "-old") {
				if err := os.Rename(filepath.Join(parent, n), dest); err != nil {
					return fmt.Errorf("restore the previous output: %w", err)
				}
				break
			}
		}
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "."+base+tempMarker) {
			if err := os.RemoveAll(filepath.Join(parent, e.Name())); err != nil {
				return fmt.Errorf("remove leftover work folder: %w", err)
			}
		}
	}
	return nil
}

// Put writes one file into the work folder.
func (d *Dir) Put(rel string, data []byte) error {
	if err := CheckPath(rel); err != nil {
		return err
	}
	full := filepath.Join(d.tmp, filepath.FromSlash(rel))
	dir := filepath.Dir(full)
	d.mu.Lock()
	known := d.made[dir]
	d.mu.Unlock()
	if !known {
		// One mkdir for the usual case (the parent exists); MkdirAll's stat
		// walk only when it does not.
		if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
		}
		d.mu.Lock()
		d.made[dir] = true
		d.mu.Unlock()
	}
	return writeFile(full, data, 0o644)
}

// Commit makes the work folder the destination.
func (d *Dir) Commit() error {
	if _, err := os.Lstat(d.dest); errors.Is(err, os.ErrNotExist) {
		return os.Rename(d.tmp, d.dest)
	}
	if err := exchange(d.tmp, d.dest); err == nil {
		// d.tmp now holds the previous output.
		return removeAll(d.tmp)
	}
	// No atomic exchange here: move the old output aside first. A crash between
	// the two renames leaves it in a work folder that the next build cleans up.
	old := d.tmp + "-old"
	if err := os.Rename(d.dest, old); err != nil {
		return fmt.Errorf("move previous output aside: %w", err)
	}
	if err := os.Rename(d.tmp, d.dest); err != nil {
		_ = os.Rename(old, d.dest)
		return fmt.Errorf("swap in new output: %w", err)
	}
	return removeAll(old)
}

// removeAll is os.RemoveAll, with the folders two levels down removed in
// parallel: deleting the previous output (thousands of files) is the last
// thing a build does, and nothing else runs beside it.
func removeAll(dir string) error {
	var subs []string
	top, _ := os.ReadDir(dir)
	for _, e := range top {
		if !e.IsDir() {
			continue
		}
		inner, _ := os.ReadDir(filepath.Join(dir, e.Name()))
		for _, f := range inner {
			subs = append(subs, filepath.Join(dir, e.Name(), f.Name()))
		}
	}
	var (
		wg   sync.WaitGroup
		next atomic.Int64
		errs = make([]error, len(subs))
	)
	for range min(runtime.GOMAXPROCS(0), len(subs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < len(subs); i = int(next.Add(1)) - 1 {
				errs[i] = os.RemoveAll(subs[i])
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return os.RemoveAll(dir)
}

// Abort removes the work folder, leaving the destination untouched.
func (d *Dir) Abort() error { return os.RemoveAll(d.tmp) }

// Path is the work folder (for scanning the output before Commit).
func (d *Dir) Path() string { return d.tmp }
