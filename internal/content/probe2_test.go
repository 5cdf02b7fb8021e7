package content_test

import (
	"strings"
	"testing"
	"fmt"
)

func TestProbe2(t *testing.T) {
	for _, n := range []int{1000, 10000, 50000} {
		var b strings.Builder
		for i := 0; i < n; i++ { fmt.Fprintf(&b, "k%d: 1\n", i) }
		probe(t, fmt.Sprint("unique keys ", n), "---\n"+b.String()+"---\n")
		b.Reset()
		for i := 0; i < n; i++ { fmt.Fprintf(&b, "k%d: 1\n", i%100) }
		probe(t, fmt.Sprint("dup keys ", n), "---\n"+b.String()+"---\n")
		b.Reset()
		for i := 0; i < n; i++ { fmt.Fprintf(&b, "k%d = 1\n", i) }
		probe(t, fmt.Sprint("toml keys ", n), "+++\n"+b.String()+"+++\n")
	}
}
