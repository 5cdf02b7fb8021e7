//go:build unix

package build_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// crashItems is the size of the generated site: talents plus employers, each
// in two languages.
const crashItems = 2000

// writeCrashSite writes a generated site of crashItems items.
func writeCrashSite(t *testing.T, dir string) {
	t.Helper()
	write := func(rel, body string) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("site.yaml", "title: { ja: \"クラッシュ試験\", en: \"Crash test\" }\nbaseURL: https://example.org/\nlanguages: [ja, en]\n")
	para := strings.Repeat("A story of work, language and a new start, told with consent. ", 8) + "\n\n"
	employers := crashItems / 10
	talents := crashItems/2 - employers
	for i := 0; i < talents; i++ {
		for _, lang := range []string{"ja", "en"} {
			write(fmt.Sprintf("content/talents/t%04d.%s.md", i, lang), fmt.Sprintf(
				"---\ntitle: \"Talent story %d\"\nalias: \"T.%d\"\nrole: Engineer\nskills: [s%d]\nemployer: e%04d\ndate: 2024-%02d-%02d\nconsent:\n  publish: %v\n---\n%s",
				i, i, i%20, i%employers, 1+i%12, 1+i%28, i%10 != 0, para))
		}
	}
	for i := 0; i < employers; i++ {
		for _, lang := range []string{"ja", "en"} {
			write(fmt.Sprintf("content/employers/e%04d.%s.md", i, lang), fmt.Sprintf(
				"---\ntitle: \"Case study %d\"\ncompany: \"Company %d\"\nindustry: i%d\ntalents: [t%04d]\ndate: 2024-01-01\nconsent:\n  publish: true\n---\n%s",
				i, i, i%5, i, para))
		}
	}
}

// setVariant makes the site give one of two outputs: variant 1 has one more
// story, listed on the home, section and feed pages.
func setVariant(t *testing.T, dir string, variant int) {
	t.Helper()
	p := filepath.Join(dir, "content", "talents", "variant.en.md")
	if variant == 1 {
		if err := os.WriteFile(p, []byte("---\ntitle: Variant story\ndate: 2025-01-01\nconsent:\n  publish: true\n---\nOnly in variant 1.\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	} else if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
}

// fastTemp is a temporary folder in memory where there is one: the test
// measures the builder's swap, not the disk.
func fastTemp(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("/dev/shm", "kakehashi-crash-")
	if err != nil {
		return t.TempDir()
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// digest maps every file under dir to the hash of its bytes.
func digest(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	out := map[string][32]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = sha256.Sum256(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameTree(a, b map[string][32]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// leftovers lists the work folders beside dest.
func leftovers(t *testing.T, dest string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(dest))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "."+filepath.Base(dest)+".kakehashi-tmp-") {
			out = append(out, e.Name())
		}
	}
	return out
}

// TestKilledBuildLeavesOutputIntact builds a generated site of 2,000 items
// with the real binary, kills builds with SIGKILL at different moments, and
// checks each time that the output is exactly the previous build's (or, if
// the kill came after the swap, exactly the new build's: never a mixture),
// and that the next successful build removes the work folders left behind.
func TestKilledBuildLeavesOutputIntact(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real binary")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build the binary with")
	}
	deadline := time.Now().Add(25 * time.Second)
	tmp := fastTemp(t)
	bin := filepath.Join(tmp, "kakehashi")
	start := time.Now()
	if out, err := exec.Command(goTool, "build", "-o", bin, "kakehashi/cmd/kakehashi").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("go build: %v", time.Since(start))
	site := filepath.Join(tmp, "site")
	dest := filepath.Join(tmp, "out", "public")
	writeCrashSite(t, site)
	build := func(variant int, out string) (*exec.Cmd, *bytes.Buffer) {
		setVariant(t, site, variant)
		cmd := exec.Command(bin, "build", "-q", "-s", site, "-d", out, "--now", "2026-11-25")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, &stderr
	}
	complete := func(variant int, out string) (map[string][32]byte, time.Duration) {
		start := time.Now()
		cmd, stderr := build(variant, out)
		if err := cmd.Wait(); err != nil {
			t.Fatalf("build of variant %d: %v\n%s", variant, err, stderr)
		}
		return digest(t, out), time.Since(start)
	}
	// The two outputs a build may leave (the second is built only if a kill
	// comes too late to stop a build), and how long a build takes.
	want := make([]map[string][32]byte, 2)
	var took time.Duration
	want[0], took = complete(0, dest)
	if len(want[0]) < crashItems/2 {
		t.Fatalf("the site gives only %d files", len(want[0]))
	}
	t.Logf("a build of %d files takes %v", len(want[0]), took)
	output := func(variant int) map[string][32]byte {
		if want[variant] == nil {
			want[variant], _ = complete(variant, filepath.Join(tmp, fmt.Sprint("variant", variant), "public"))
			if sameTree(want[0], want[1]) {
				t.Fatal("the variants give the same output")
			}
		}
		return want[variant]
	}

	seed := time.Now().UnixNano()
	r := rand.New(rand.NewSource(seed))
	// Kills at different moments of the build; the estimate of how long a
	// build takes follows what the rounds see (a shared machine's builds
	// vary), so that enough kills land while the output is being written.
	fractions := []float64{0.02, 0.35, 0.5, 0.65, 0.8, 0.9, 0.5, 0.7}
	current, killedMidway := 0, 0
	for i := 0; i < 16 && (i < len(fractions) || killedMidway < 3); i++ {
		if i >= 5 && time.Now().Add(took).After(deadline) {
			break
		}
		f := fractions[i%len(fractions)]
		next := 1 - current
		delay := time.Duration((f + 0.1*r.Float64()) * float64(took))
		cmd, stderr := build(next, dest)
		time.Sleep(delay)
		left := leftovers(t, dest)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		var ee *exec.ExitError
		killed := errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signaled()
		if err != nil && !killed {
			t.Fatalf("round %d: build failed: %v\n%s", i, err, stderr)
		}
		got := digest(t, dest)
		switch {
		case sameTree(got, output(current)):
			if !killed {
				t.Fatalf("round %d: a build that finished left the previous output", i)
			}
		case sameTree(got, output(next)):
			current = next // the kill came after the swap, or the build finished
		default:
			t.Fatalf("round %d (seed %d, kill after %v): the output is neither the previous nor the new build", i, seed, delay)
		}
		switch {
		case killed && len(left) > 0:
			killedMidway++
		case !killed:
			took = took * 7 / 10 // builds are quicker than estimated
		case f > 0.1:
			took = took * 12 / 10 // killed before it wrote anything
		}
		t.Logf("round %d: killed=%v after %v, work folders %v, output is variant %d", i, killed, delay, left, current)
	}
	if killedMidway < 3 {
		t.Errorf("only %d builds were killed while writing: the test proved little (seed %d)", killedMidway, seed)
	}
	// The next build succeeds and cleans up.
	if got, _ := complete(current, dest); !sameTree(got, output(current)) {
		t.Error("a complete build after the kills gave another output")
	}
	if left := leftovers(t, dest); len(left) > 0 {
		t.Errorf("work folders left after a successful build: %v", left)
	}
	if time.Now().After(deadline) {
		t.Logf("took longer than planned (a slow machine?)")
	}
}
