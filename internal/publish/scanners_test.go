package publish

import (
	"errors"
	"testing"

	"kakehashi/internal/leakscan"
)

// TestScannersFromALargerSet: scanners made from the guard's compiled set
// ignore its needles that are no fingerprints, and still find every one that is.
func TestScannersFromALargerSet(t *testing.T) {
	secret := leakscan.Needle{Text: "Hidden Realname", Kind: "real name", Owner: "talents/x"}
	shared := leakscan.Needle{Text: "A shared heading text", Kind: "sentence", Owner: "talents/y"}
	set := leakscan.Compile([]leakscan.Needle{secret, shared})
	f := New(NewMem(), WithScanners(NewScannersFrom(set, []leakscan.Needle{secret})))
	tests := []struct {
		name, rel, data string
		leak            bool
	}{
		{"shared text is published", "a/index.html", "<p>A shared heading text</p>", false},
		{"fingerprint in a page", "b/index.html", "<p>A shared heading text</p><p>Hidden <em>Real</em>name</p>", true},
		{"fingerprint after shared text in JSON", "c.json", `{"t":"A shared heading text","u":"Hidden Realname"}`, true},
		{"fingerprint as escapes", "d.json", `{"u":"Hidden \u0052ealname"}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := f.Write(tt.rel, []byte(tt.data))
			var le *LeakError
			if got := errors.As(err, &le); got != tt.leak {
				t.Fatalf("leak found = %v (err %v), want %v", got, err, tt.leak)
			}
			if tt.leak && le.Needle != secret {
				t.Errorf("reported %v", le.Needle)
			}
		})
	}
}
