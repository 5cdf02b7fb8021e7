package render

import (
	"bytes"
	"testing"
)

// TestConstantsRenderAsTheCalls: the per-language template sets, with UI
// strings and asset addresses written in, render every page of the sample
// site exactly as the theme as written does with its method calls.
func TestConstantsRenderAsTheCalls(t *testing.T) {
	sm := loadSample(t, false)
	s, r, views := sm.s, sm.r, sm.views
	var a, b bytes.Buffer
	for _, p := range s.Pages {
		v := views.page(p)
		a.Reset()
		b.Reset()
		if err := r.theme(p.Lang).executePage(&a, string(p.Kind), v); err != nil {
			t.Fatal(err)
		}
		written, err := r.written()
		if err != nil {
			t.Fatal(err)
		}
		if err := written.executePage(&b, string(p.Kind), v); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: the page differs when rendered with constants", p.Path)
		}
	}
}

func TestConstantsLeaveOtherCallsAlone(t *testing.T) {
	read := constants(func(string) ([]byte, error) {
		return []byte(`{{ .T "a" }}|{{ $.T "a" }}|{{ printf ($.T "a") }}|{{ $x.T "a" }}|{{ .T "missing" }}|{{ .Asset "/theme/x.css" }}|{{ .TIn "en" "a" }}`), nil
	}, map[string]string{"a": "A \"quoted\"\n"}, "/site/")
	got, err := read("x")
	if err != nil {
		t.Fatal(err)
	}
	want := `{{ "A \"quoted\"\n" }}|{{ "A \"quoted\"\n" }}|{{ printf ("A \"quoted\"\n") }}|{{ $x.T "a" }}|{{ .T "missing" }}|{{ "/site/theme/x.css" }}|{{ .TIn "en" "a" }}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
