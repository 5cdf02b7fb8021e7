package content_test

import (
	"strings"
	"testing"
	"time"
	"runtime"

	"kakehashi/internal/content"
)

func probe(t *testing.T, name, text string) {
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	start := time.Now()
	_, err := content.Parse("content/x.en.md", []byte(text), cfg)
	runtime.ReadMemStats(&m1)
	es := ""
	if err != nil { es = err.Error(); if len(es) > 200 { es = es[:200] } }
	t.Logf("%s: %v total alloc %d MB, err=%s", name, time.Since(start), (m1.TotalAlloc-m0.TotalAlloc)>>20, es)
}

func TestProbe(t *testing.T) {
	bomb := "---\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	prev := "a"
	for i, n := range []string{"b","c","d","e","f","g","h","i"} {
		_ = i
		bomb += n + ": &" + n + " [" + strings.Repeat("*"+prev+",", 8) + "*" + prev + "]\n"
		prev = n
	}
	bomb += "---\nbody\n"
	probe(t, "yaml bomb", bomb)
	n := 4 << 20 - 100
	probe(t, "yaml deep flow", "---\na: "+strings.Repeat("[", n)+"\n---\n")
	for _, d := range []int{1000, 10000, 100000} { probe(t, "toml deep array", "+++\na = "+strings.Repeat("[", d)+strings.Repeat("]", d)+"\n+++\n") }
	//, "+++\na = "+strings.Repeat("[", n)+"\n+++\n")
	// table", "+++\na = "+strings.Repeat("{b=", n)+"\n+++\n")
	probe(t, "yaml deep block", "---\n"+strings.Repeat("- ", n)+"\n---\n")
	probe(t, "big body", "---\na: 1\n---\n"+strings.Repeat("x", 8<<20))
	probe(t, "big yaml string", "---\na: "+strings.Repeat("x", 8<<20)+"\n---\n")
	probe(t, "many keys", "---\n"+strings.Repeat("k: 1\n", 1)+ func() string { var b strings.Builder; for i := 0; i < 500000; i++ { b.WriteString("k"); b.WriteString(strings.Repeat("x", i%7)); b.WriteString(string(rune('a'+i%26))); b.WriteString(": 1\n") }; return b.String() }() +"---\n")
}
