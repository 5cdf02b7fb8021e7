package build

import (
	"strings"
	"testing"

	"kakehashi/internal/guard"
	"kakehashi/internal/leakscan"
	"kakehashi/internal/search"
)

func TestSearchCheckRefusesAnIndexHoldingAName(t *testing.T) {
	check := searchCheck([]leakscan.Needle{
		{Text: "Amina Karimi", Kind: guard.KindRealName, Owner: "talents/amina-k"},
		{Text: "山田花子", Kind: guard.KindRealName, Owner: "talents/hanako"},
		{Text: "A common title", Kind: guard.KindTitle, Owner: "talents/x"},
	})
	tests := []struct {
		text string
		leak bool
	}{
		{"We hired Amina   Karimi.", true},
		{"Karimi and Amina appear apart, still a leak of both words.", true},
		{"入社した山田花子さん", true},
		{"Amina alone is not the name.", false},
		{"A common title is not a name.", false},
	}
	for _, tt := range tests {
		index, err := search.Build([]search.Doc{{URL: "/en/x/", Title: "X", Text: tt.text}})
		if err != nil {
			t.Fatal(err)
		}
		err = check("en/search.json", index)
		if (err != nil) != tt.leak {
			t.Errorf("%q: err = %v, want leak %v", tt.text, err, tt.leak)
		}
		if err != nil && !strings.Contains(err.Error(), "en/search.json: leak") {
			t.Errorf("error does not name the file: %v", err)
		}
		if check("en/index.html", index) != nil {
			t.Error("the search check ran on a page")
		}
	}
}
