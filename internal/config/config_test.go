package config

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	c, err := Parse("site.yaml", []byte("\ufefftitle: { ja: \"タイトル\", en: Title }\nbaseURL: https://org.github.io/site\nlanguages: [en, ja]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL != "https://org.github.io/site/" || c.BasePath() != "/site/" || c.DefaultLanguage() != "en" || c.Title["ja"] != "タイトル" {
		t.Errorf("got %+v", c)
	}
	d, err := Parse("site.yaml", nil)
	if err != nil || strings.Join(d.Languages, ",") != "ja,en" || d.BaseURL != "/" {
		t.Errorf("empty settings: %+v, %v", d, err)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ text, want string }{
		{"title: {en: x}\ntitel: x\n", `site.yaml:2: unknown setting "titel": check its spelling`},
		{"languages: [ja, EN]\n", `site.yaml:1: languages: "EN" is not a language code`},
		{"languages: [ja, ja]\n", `"ja" is listed twice`},
		{"baseURL: javascript:alert(1)\n", "site.yaml:1: baseURL"},
		{"baseURL: https://x.org/?a=b\n", "must not have a query"},
		{"title: [\n", "site.yaml:"},
	}
	for _, tt := range tests {
		_, err := Parse("site.yaml", []byte(tt.text))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: err = %v, want %q", tt.text, err, tt.want)
		}
	}
}
