package fileerr

import (
	"errors"
	"testing"
)

func TestFromYAML(t *testing.T) {
	tests := []struct {
		err  string
		want string
	}{
		{"yaml: line 3: did not find expected key", "f.md:4: did not find expected key"},
		{"toml: line 2 (last key \"x\"): bad", "f.md:3: bad"},
		{"yaml: unmarshal errors:\n  line 5: field x not found", "f.md:6: field x not found"},
		{"something else", "f.md:2: something else"},
	}
	for _, tt := range tests {
		if got := FromYAML("f.md", 1, errors.New(tt.err)).Error(); got != tt.want {
			t.Errorf("%q → %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestLineOf(t *testing.T) {
	data := []byte("a: 1\n  title : x\nphoto = \"y\"\n")
	for key, want := range map[string]int{"a": 1, "title": 2, "photo": 3, "none": 0} {
		if got := LineOf(data, key); got != want {
			t.Errorf("LineOf(%q) = %d, want %d", key, got, want)
		}
	}
}
