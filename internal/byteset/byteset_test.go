package byteset

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestNext(t *testing.T) {
	set := Of("&<\x00")
	tests := []struct {
		s    string
		from int
		want int
	}{
		{"", 0, 0},
		{"abc", 0, 3},
		{"&", 0, 0},
		{"abcdefgh&", 0, 8},
		{"abcdefghijklmnop<", 0, 16},
		{"a&b&c", 2, 3},
		{"a&b&c", 4, 5},
		{"日本語&", 0, 9},
		{"\x00", 0, 0},
		{"abc", 3, 3},
	}
	for _, tt := range tests {
		if got := Next(tt.s, tt.from, set); got != tt.want {
			t.Errorf("Next(%q, %d) = %d, want %d", tt.s, tt.from, got, tt.want)
		}
		if got := Next([]byte(tt.s), tt.from, set); got != tt.want {
			t.Errorf("Next([]byte(%q), %d) = %d, want %d", tt.s, tt.from, got, tt.want)
		}
	}
	// Against a plain search, from every start, on random text.
	r := rand.New(rand.NewPCG(1, 1))
	for range 2000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = "ab&<\x00\xff "[r.IntN(7)]
		}
		for from := 0; from <= len(b); from++ {
			want := strings.IndexAny(string(b[from:]), "&<\x00")
			if want < 0 {
				want = len(b)
			} else {
				want += from
			}
			if got := Next(b, from, set); got != want {
				t.Fatalf("Next(%q, %d) = %d, want %d", b, from, got, want)
			}
		}
	}
}
