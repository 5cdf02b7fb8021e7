package search_test

import (
	"fmt"
	"strings"
	"testing"

	"kakehashi/internal/search"
)

// BenchmarkBuild indexes 200 stories of about 6 KB each (Japanese and English).
func BenchmarkBuild(b *testing.B) {
	ja := strings.Repeat("難民認定申請中のエンジニアが東京の会社でネットワークの仕事を始めました。", 60)
	en := strings.Repeat("She restarted her career as a network engineer in Tokyo. ", 60)
	var docs []search.Doc
	for i := 0; i < 200; i++ {
		docs = append(docs, search.Doc{URL: fmt.Sprintf("/ja/talents/p%03d/", i), Title: fmt.Sprintf("物語 %d", i), Text: ja + en})
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := search.Build(docs); err != nil {
			b.Fatal(err)
		}
	}
}
