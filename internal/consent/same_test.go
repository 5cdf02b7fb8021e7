package consent

import (
	"math/rand"
	"reflect"
	"testing"
	"time"
)

// TestDecideAsBefore holds Decide to the decisions, reasons included, of the
// Decide before it read the block in one pass, on random front matter of
// every shape the decoders give.
func TestDecideAsBefore(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	values := []any{nil, true, false, "true", "yes", 1, int64(2), 1.5, []any{true}, []any{"ja"}, []any{"ja", "en"}, []any{" en "},
		[]any{}, []any{1}, []any{""}, "en", "2027-06-30", " 2026-11-26 ", "2026-11-25", "2020-01-01", "not a date",
		time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 25, 23, 0, 0, 0, time.FixedZone("x", -12*3600)),
		map[string]any{"publish": true}}
	keys := []string{"publish", "publish", "publish", "real_name", "photo", "languages", "languages", "expires", "expires",
		"given_by", "given_on", "approved_by", "note", "expire", "pubilsh", "aaa", "zzz"}
	pick := func() any { return values[r.Intn(len(values))] }
	for i := range 50000 {
		front := map[string]any{}
		switch r.Intn(10) {
		case 0:
			front["consent"] = pick()
		case 1:
		default:
			block := map[string]any{}
			for range r.Intn(6) {
				block[keys[r.Intn(len(keys))]] = pick()
			}
			if r.Intn(3) > 0 {
				block["publish"] = true
			}
			front["consent"] = block
		}
		for _, k := range []string{"publish", "real_name", "draft", "expires", "languages"} {
			if r.Intn(8) == 0 {
				front[k] = pick()
			}
		}
		if r.Intn(4) == 0 {
			front["draft"] = []any{true, false, "false", nil}[r.Intn(4)]
		}
		opts := Options{Now: time.Date(2026, 11, 25, r.Intn(24), 0, 0, 0, time.UTC), Drafts: r.Intn(2) == 0}
		for _, lang := range []string{"ja", "en", "fr"} {
			got, want := Decide(front, lang, opts), oldDecide(front, lang, opts)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("case %d %v in %s:\ngot  %#v\nwant %#v", i, front, lang, got, want)
			}
		}
	}
}

var benchFront = map[string]any{
	"title": "x", "date": time.Date(2023, 6, 15, 0, 0, 0, 0, time.UTC),
	"consent": map[string]any{"publish": true, "languages": []any{"ja", "en"}, "expires": time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC),
		"real_name": true, "photo": false, "given_on": time.Date(2023, 5, 1, 0, 0, 0, 0, time.UTC)},
}

func BenchmarkDecide(b *testing.B) {
	opts := Options{Now: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}
	b.Run("now", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Decide(benchFront, "en", opts)
		}
	})
	b.Run("before", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			oldDecide(benchFront, "en", opts)
		}
	})
}
