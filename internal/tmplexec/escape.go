package tmplexec

import (
	"bytes"
	"html/template"
	"reflect"
	"strconv"
	"strings"

	"kakehashi/internal/byteset"
)

// The escapers below are html/template's (html/template/html.go and url.go),
// for the contexts of ordinary HTML: text, quoted attributes, RCDATA and
// URLs. Each is written once against its original and tested against it
// (escape_test.go runs both on the same inputs, FuzzEscapers on any).

// contentType is the kind of a typed string (template.HTML, template.URL...).
type contentType uint8

const (
	ctPlain contentType = iota
	ctHTML
	ctURL
	ctOther // CSS, HTMLAttr, JS, JSStr, Srcset: escaped as plain text by the escapers here
)

var (
	htmlType = reflect.TypeFor[template.HTML]()
	urlType  = reflect.TypeFor[template.URL]()
	// typedOther are the other content types, which the escapers here treat as plain text.
	typedOther = map[reflect.Type]bool{
		reflect.TypeFor[template.CSS]():      true,
		reflect.TypeFor[template.HTMLAttr](): true,
		reflect.TypeFor[template.JS]():       true,
		reflect.TypeFor[template.JSStr]():    true,
		reflect.TypeFor[template.Srcset]():   true,
	}
)

// stringify is html/template's stringify of one argument, for strings,
// typed strings, integers and booleans; ok is false for anything else.
func stringify(v reflect.Value) (s string, ct contentType, ok bool) {
	if !v.IsValid() {
		return "", ctPlain, true // a nil argument is skipped: fmt.Sprint()
	}
	t := v.Type()
	switch {
	case t == stringType:
		return v.String(), ctPlain, true
	case t == htmlType:
		return v.String(), ctHTML, true
	case t == urlType:
		return v.String(), ctURL, true
	case typedOther[t]:
		return v.String(), ctOther, true
	case t.Implements(stringerType) || t.Implements(errorType):
		return "", 0, false
	}
	switch v.Kind() {
	case reflect.String:
		return v.String(), ctPlain, true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), ctPlain, true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(v.Uint(), 10), ctPlain, true
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), ctPlain, true
	}
	return "", 0, false // pointers, structs, interfaces...: fmt's rules
}

// printValue prints what an action without escapers evaluates to, as
// text/template does (fmt.Fprint), for the values stringify knows.
func printValue(w *bytes.Buffer, v reflect.Value) error {
	if v.Kind() == reflect.Pointer {
		var isNil bool
		if v, isNil = indirect(v); isNil {
			return errFallback
		}
	}
	if !v.IsValid() {
		w.WriteString("<no value>")
		return nil
	}
	if v.CanAddr() {
		if pt := reflect.PointerTo(v.Type()); pt.Implements(stringerType) || pt.Implements(errorType) {
			return errFallback
		}
	}
	s, _, ok := stringify(v)
	if !ok {
		return errFallback
	}
	w.WriteString(s)
	return nil
}

// An escaper is one of html/template's escapers: apply returns the
// escaped string; write, where set, appends it to w instead (the last
// escaper of an action writes into the page).
type escaper struct {
	apply func(s string, ct contentType) (string, contentType, bool)
	write func(w *bytes.Buffer, s string, ct contentType) bool
}

var escapers = map[string]escaper{
	"_html_template_htmlescaper":   {apply: htmlEscaper, write: writeHTMLEscaper},
	"_html_template_attrescaper":   {apply: attrEscaper, write: writeAttrEscaper},
	"_html_template_rcdataescaper": {apply: rcdataEscaper, write: writeRCDATAEscaper},
	"_html_template_urlfilter":     {apply: urlFilter},
	"_html_template_urlnormalizer": {apply: urlNormalizer},
	"_html_template_urlescaper":    {apply: urlEscaper},
}

func applyEscapers(w *bytes.Buffer, s string, ct contentType, es []escaper) error {
	last := len(es) - 1
	for _, e := range es[:last] {
		var ok bool
		if s, ct, ok = e.apply(s, ct); !ok {
			return errFallback
		}
	}
	if e := es[last]; e.write != nil {
		if !e.write(w, s, ct) {
			return errFallback
		}
		return nil
	}
	s, _, ok := es[last].apply(s, ct)
	if !ok {
		return errFallback
	}
	w.WriteString(s)
	return nil
}

// htmlEscaper: HTML content as it is, anything else escaped.
func htmlEscaper(s string, ct contentType) (string, contentType, bool) {
	if ct == ctHTML {
		return s, ctPlain, true
	}
	return replaceString(s, false), ctPlain, true
}

func writeHTMLEscaper(w *bytes.Buffer, s string, ct contentType) bool {
	if ct == ctHTML {
		w.WriteString(s)
	} else {
		replaceInto(w, s, false)
	}
	return true
}

// attrEscaper: HTML content loses its tags first (not done here: left to html/template).
func attrEscaper(s string, ct contentType) (string, contentType, bool) {
	if ct == ctHTML {
		return "", 0, false
	}
	return replaceString(s, false), ctPlain, true
}

func writeAttrEscaper(w *bytes.Buffer, s string, ct contentType) bool {
	if ct == ctHTML {
		return false
	}
	replaceInto(w, s, false)
	return true
}

// rcdataEscaper: HTML content keeps its character references.
func rcdataEscaper(s string, ct contentType) (string, contentType, bool) {
	return replaceString(s, ct == ctHTML), ctPlain, true
}

func writeRCDATAEscaper(w *bytes.Buffer, s string, ct contentType) bool {
	replaceInto(w, s, ct == ctHTML)
	return true
}

// replacement is html/template's htmlReplacementTable; norm leaves '&'
// alone (htmlNormReplacementTable). Every byte it replaces is ASCII, and
// html/template's rune loop leaves every other byte as it is (invalid
// UTF-8 included), so a byte loop is the same.
func replacement(c byte, norm bool) string {
	switch c {
	case 0:
		return "\uFFFD"
	case '"':
		return "&#34;"
	case '&':
		if norm {
			return ""
		}
		return "&amp;"
	case '\'':
		return "&#39;"
	case '+':
		return "&#43;"
	case '<':
		return "&lt;"
	case '>':
		return "&gt;"
	}
	return ""
}

// special is what replacement may replace.
var special = byteset.Of("\x00\"&'+<>")

func replaceInto(w *bytes.Buffer, s string, norm bool) {
	written := 0
	for i := byteset.Next(s, 0, special); i < len(s); i = byteset.Next(s, i+1, special) {
		if r := replacement(s[i], norm); r != "" {
			w.WriteString(s[written:i])
			w.WriteString(r)
			written = i + 1
		}
	}
	w.WriteString(s[written:])
}

func replaceString(s string, norm bool) string {
	for i := byteset.Next(s, 0, special); i < len(s); i = byteset.Next(s, i+1, special) {
		if replacement(s[i], norm) != "" {
			var b bytes.Buffer
			b.Grow(len(s) + 16)
			replaceInto(&b, s, norm)
			return b.String()
		}
	}
	return s
}

// urlFilter refuses a URL whose scheme is not http, https or mailto.
func urlFilter(s string, ct contentType) (string, contentType, bool) {
	if ct == ctURL {
		return s, ctPlain, true
	}
	if protocol, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(protocol, "/") {
		if !strings.EqualFold(protocol, "http") && !strings.EqualFold(protocol, "https") && !strings.EqualFold(protocol, "mailto") {
			return "#ZgotmplZ", ctPlain, true
		}
	}
	return s, ctPlain, true
}

// urlNormalizer percent-encodes what may not stand in a URL, keeping its
// reserved characters and valid escapes.
func urlNormalizer(s string, _ contentType) (string, contentType, bool) {
	return processURL(s, true), ctPlain, true
}

// urlEscaper percent-encodes all but the unreserved characters (a part of a query).
func urlEscaper(s string, ct contentType) (string, contentType, bool) {
	return processURL(s, ct == ctURL), ctPlain, true
}

func processURL(s string, norm bool) string {
	var b strings.Builder
	written := 0
	for i, n := 0, len(s); i < n; i++ {
		c := s[i]
		switch c {
		case '!', '#', '$', '&', '*', '+', ',', '/', ':', ';', '=', '?', '@', '[', ']':
			if norm {
				continue
			}
		case '-', '.', '_', '~':
			continue
		case '%':
			if norm && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
				continue
			}
		default:
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				continue
			}
		}
		if written == 0 {
			b.Grow(len(s) + 16)
		}
		b.WriteString(s[written:i])
		b.WriteByte('%')
		b.WriteByte(lowerHex[c>>4])
		b.WriteByte(lowerHex[c&15])
		written = i + 1
	}
	if written == 0 {
		return s
	}
	b.WriteString(s[written:])
	return b.String()
}

const lowerHex = "0123456789abcdef"

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
