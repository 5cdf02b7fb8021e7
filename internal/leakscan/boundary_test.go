package leakscan

import "testing"

func TestTagsThatSeparateText(t *testing.T) {
	tests := []struct {
		needle, text string
		found        bool
	}{
		{"Amina Karimi", "<p>Amina <em>Karimi</em></p>", true},
		{"Amina Karimi", "<p>Amina<br>Karimi</p>", true},
		{"Amina Karimi", `<p><a href="/x/">Amina</a> <span class="x">Karimi</span></p>`, true},
		{"Supply-chain planner 15", `<span class="card-role">Supply-chain planner</span>` + "\n" + `<time datetime="2023-06-15">15 June 2023</time>`, false},
		{"Amina Karimi", "<td>Amina</td><td>Karimi</td>", false},
		{"Amina Karimi", "<li>Amina</li>\n<li>Karimi</li>", false},
		{"Amina Karimi", "<div>Amina Karimi</div>", true},
		{"山田花子", "<p>山田<ruby>花子<rt>はなこ</rt></ruby></p>", true},
		{"山田花子", "<p>山田<strong>花子</strong>さん</p>", true},
	}
	for _, tt := range tests {
		s := New([]Needle{{Text: tt.needle, Kind: "real name"}}, WithHTML())
		if _, found := s.First([]byte(tt.text)); found != tt.found {
			t.Errorf("%q in %q: found = %v, want %v", tt.needle, tt.text, found, tt.found)
		}
	}
}
