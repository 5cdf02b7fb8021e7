package content

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// fastYAML decodes the plain shape almost every front matter block has, over
// ten times faster than yaml.v3 (which spends ~100 µs on twenty lines):
//
//	title: "A network engineer's second start"   # comment
//	skills: [networking, 'linux', go]
//	date: 2023-06-15
//	consent:
//	  publish: true
//	  languages:
//	    - ja
//
// That is: block mappings with consistent indentation (spaces only) and keys
// of letters, digits, _ and -; values on one line that are plain scalars,
// single- or double-quoted scalars, or flow sequences of those; nested block
// mappings; block sequences of such scalars; comments and blank lines.
//
// It returns ok == false for anything outside that shape, or anything it is
// not sure yaml.v3 would decode to exactly the same value (anchors, tags, block
// scalars, scalars over several lines, flow mappings, null, floats, 0x1F, yes,
// duplicate keys, tabs, ...): the caller then decodes with yaml.v3, so errors,
// limits and their line numbers are exactly yaml.v3's. What it accepts it
// decodes as yaml.v3 does into map[string]any: strings, bools, ints,
// time.Time for YYYY-MM-DD dates, []any and map[string]any. FuzzFastYAML and
// TestFastYAMLRandomShapes compare the two.
func fastYAML(data []byte) (map[string]any, bool) {
	if len(data) > MaxFrontMatterSize || !fastYAMLChars(data) {
		return nil, false
	}
	// One string holds every key and value that needs no unescaping.
	p := fastParser{s: string(data), kvs: make([]fastKV, 0, 16)}
	if !p.next() {
		return nil, false // empty: yaml.v3 leaves the map nil
	}
	m, ok := p.mapping(p.indent, 0)
	if !ok || p.have {
		return nil, false
	}
	return m, true
}

// Bounds well inside the limits of limits.go, so that what the fast path
// accepts never passes one of them (yaml.v3's path reports those).
const (
	fastMaxDepth  = 8
	fastMaxKeys   = 64
	fastMaxValues = 2000
	fastMaxKey    = 64
)

// fastYAMLChars reports whether data holds only characters that yaml.v3 reads
// as themselves: printable ASCII, LF and non-ASCII text. Tabs, CR, control
// characters, invalid UTF-8, the BOM and the characters YAML counts as line
// breaks (NEL, LS, PS) are left to yaml.v3.
func fastYAMLChars(data []byte) bool {
	for i := 0; i < len(data); {
		c := data[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\n') || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(data[i:])
		switch {
		case n == 1:
			return false // invalid UTF-8
		case r == 0x2028 || r == 0x2029 || r == 0xfeff:
			return false
		case r >= 0xa0 && r <= 0xd7ff, r >= 0xe000 && r <= 0xfffd, r >= 0x10000 && r <= utf8.MaxRune:
		default:
			return false
		}
		i += n
	}
	return true
}

type fastParser struct {
	s   string
	pos int // start of the next unread line
	// The current content line (have): its text after the indentation,
	// without the line end, and its indentation.
	have   bool
	line   string
	indent int
	values int
	kvs    []fastKV // keys and values of the mappings being read
}

type fastKV struct {
	key   string
	value any
}

// next moves to the next line that is neither blank nor only a comment.
func (p *fastParser) next() bool {
	for p.pos < len(p.s) {
		end := strings.IndexByte(p.s[p.pos:], '\n')
		var line string
		if end < 0 {
			line, p.pos = p.s[p.pos:], len(p.s)
		} else {
			line, p.pos = p.s[p.pos:p.pos+end], p.pos+end+1
		}
		indent := 0
		for indent < len(line) && line[indent] == ' ' {
			indent++
		}
		if indent == len(line) || line[indent] == '#' {
			continue
		}
		p.have, p.line, p.indent = true, line[indent:], indent
		return true
	}
	p.have, p.line, p.indent = false, "", 0
	return false
}

// count counts one more value against fastMaxValues.
func (p *fastParser) count() bool {
	p.values++
	return p.values <= fastMaxValues
}

// mapping reads a block mapping whose keys are indented by indent, starting at
// the current line. It stops at the first line indented less.
func (p *fastParser) mapping(indent, depth int) (map[string]any, bool) {
	if depth > fastMaxDepth || !p.count() {
		return nil, false
	}
	start := len(p.kvs)
	for p.have && p.indent == indent {
		key, rest, ok := fastKey(p.line)
		if !ok {
			return nil, false
		}
		var v any
		if rest == "" || rest[0] == '#' {
			// A nested block: more indented, or a sequence at the same indentation.
			if !p.next() {
				return nil, false // null
			}
			switch {
			case p.indent > indent && isSeqItem(p.line):
				v, ok = p.sequence(p.indent, depth+1)
			case p.indent > indent:
				v, ok = p.mapping(p.indent, depth+1)
			case p.indent == indent && isSeqItem(p.line):
				v, ok = p.sequence(p.indent, depth+1)
			default:
				return nil, false // null
			}
		} else {
			v, ok = p.lineValue(rest, true)
			if ok {
				p.next()
			}
		}
		if !ok {
			return nil, false
		}
		p.kvs = append(p.kvs, fastKV{key, v})
		if p.have && p.indent > indent {
			return nil, false // a continuation line, or indentation yaml.v3 must judge
		}
	}
	kvs := p.kvs[start:]
	if len(kvs) > fastMaxKeys {
		return nil, false
	}
	m := make(map[string]any, len(kvs))
	for _, kv := range kvs {
		m[kv.key] = kv.value
	}
	if len(m) != len(kvs) {
		return nil, false // a duplicate key: yaml.v3's path reports it
	}
	clear(kvs)
	p.kvs = p.kvs[:start]
	return m, true
}

// sequence reads a block sequence of scalars whose dashes are indented by indent.
func (p *fastParser) sequence(indent, depth int) ([]any, bool) {
	if depth > fastMaxDepth || !p.count() {
		return nil, false
	}
	var items []any
	for p.have && p.indent == indent && isSeqItem(p.line) {
		rest := strings.TrimLeft(p.line[1:], " ")
		if rest == "" || rest[0] == '#' {
			return nil, false // null or a nested block
		}
		v, ok := p.lineValue(rest, false)
		if !ok {
			return nil, false
		}
		items = append(items, v)
		if p.next() && p.indent > indent {
			return nil, false
		}
	}
	return items, true
}

func isSeqItem(line string) bool {
	return line[0] == '-' && (len(line) == 1 || line[1] == ' ')
}

// fastKey splits "key: rest" and returns rest without its leading spaces. A
// key is a letter or _ then letters, digits, _ and -, and not a word yaml.v3
// might read as something other than text.
func fastKey(line string) (key, rest string, ok bool) {
	if c := line[0]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_') {
		return "", "", false
	}
	i := 1
	for i < len(line) && isKeyByte(line[i]) {
		i++
	}
	if i > fastMaxKey || i == len(line) || line[i] != ':' || (i+1 < len(line) && line[i+1] != ' ') {
		return "", "", false
	}
	key = line[:i]
	if special(key) {
		return "", "", false
	}
	return key, strings.TrimLeft(line[i+1:], " "), true
}

func isKeyByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// special reports words that YAML (1.1 or 1.2) reads as a boolean or null,
// whatever their case: yaml.v3 reads some of them as text and some not.
func special(s string) bool {
	if len(s) > 5 {
		return false
	}
	switch s[0] | 0x20 {
	case 't', 'f', 'n', 'y', 'o':
		for _, w := range specialWords {
			if strings.EqualFold(s, w) {
				return true
			}
		}
	}
	return false
}

var specialWords = []string{"true", "false", "null", "yes", "no", "on", "off", "y", "n"}

// lineValue reads the value that fills the rest of a line (s starts with a
// non-space): a quoted or plain scalar or, in a mapping, a flow sequence,
// then optional spaces and a comment.
func (p *fastParser) lineValue(s string, flowOK bool) (any, bool) {
	var v any
	var rest string
	var ok bool
	switch s[0] {
	case '"', '\'':
		v, rest, ok = quoted(s)
	case '[':
		if !flowOK {
			return nil, false
		}
		v, rest, ok = p.flowSequence(s)
	default:
		end := len(s)
		for i := 1; i < len(s); i++ {
			c := s[i]
			if c == '#' && s[i-1] == ' ' {
				end = i
				break
			}
			if c == ':' && (i+1 == len(s) || s[i+1] == ' ') {
				return nil, false // a mapping on one line, or a key in a sequence
			}
		}
		v, ok = plain(strings.TrimRight(s[:end], " "))
		rest = ""
	}
	if !ok || !p.count() || !endOfLine(rest) {
		return nil, false
	}
	return v, true
}

// endOfLine reports whether rest, what follows a value, is only spaces and
// maybe a comment after at least one space.
func endOfLine(rest string) bool {
	t := strings.TrimLeft(rest, " ")
	return t == "" || (t[0] == '#' && len(t) < len(rest))
}

// flowSequence reads "[a, 'b', "c"]" from the start of s and returns what
// follows it on the line. Nested collections and empty entries are left to yaml.v3.
func (p *fastParser) flowSequence(s string) ([]any, string, bool) {
	// Room for every entry, so that appending never copies.
	end := strings.IndexByte(s, ']')
	if end < 0 {
		return nil, "", false
	}
	items := make([]any, 0, strings.Count(s[:end], ",")+1)
	i := 1
	for {
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if i == len(s) {
			return nil, "", false // continued on the next line
		}
		if s[i] == ']' && len(items) == 0 {
			return items, s[i+1:], true
		}
		var v any
		var ok bool
		switch s[i] {
		case '"', '\'':
			var rest string
			v, rest, ok = quoted(s[i:])
			i = len(s) - len(rest)
		default:
			j := i
			for j < len(s) && s[j] != ',' && s[j] != ']' {
				switch s[j] {
				case '[', ']', '{', '}', '#', ':', '?':
					return nil, "", false
				}
				j++
			}
			v, ok = plain(strings.TrimRight(s[i:j], " "))
			i = j
		}
		if !ok || !p.count() {
			return nil, "", false
		}
		items = append(items, v)
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if i == len(s) {
			return nil, "", false
		}
		switch s[i] {
		case ']':
			return items, s[i+1:], true
		case ',':
			i++
			for i < len(s) && s[i] == ' ' {
				i++
			}
			if i < len(s) && (s[i] == ']' || s[i] == ',') {
				return nil, "", false // a trailing comma or an empty entry
			}
		default:
			return nil, "", false
		}
	}
}

// quoted reads a single- or double-quoted scalar that closes on its line, from
// the start of s, and returns what follows it.
func quoted(s string) (string, string, bool) {
	q := s[0]
	// The common case: nothing to unescape, the value is part of s.
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case q:
			if q == '\'' && i+1 < len(s) && s[i+1] == '\'' {
				return unquote(s)
			}
			return s[1:i], s[i+1:], true
		case '\\':
			if q == '"' {
				return unquote(s)
			}
		}
	}
	return "", "", false // continued on the next line
}

// unquote reads a quoted scalar with doubled single quotes or backslash escapes.
func unquote(s string) (string, string, bool) {
	q := s[0]
	b := make([]byte, 0, len(s))
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == q && q == '\'' && i+1 < len(s) && s[i+1] == '\'':
			b = append(b, '\'')
			i++
		case c == q:
			return string(b), s[i+1:], true
		case c == '\\' && q == '"':
			if i+1 == len(s) {
				return "", "", false // an escaped line break
			}
			i++
			if r, ok := simpleEscapes[s[i]]; ok {
				b = append(b, r...)
				continue
			}
			var n int
			switch s[i] {
			case 'x':
				n = 2
			case 'u':
				n = 4
			case 'U':
				n = 8
			default:
				return "", "", false // yaml.v3 refuses it
			}
			if i+n >= len(s) {
				return "", "", false
			}
			r, err := strconv.ParseUint(s[i+1:i+1+n], 16, 32)
			if err != nil || (r >= 0xd800 && r <= 0xdfff) || r > utf8.MaxRune || s[i+1] == '+' {
				return "", "", false
			}
			b = utf8.AppendRune(b, rune(r))
			i += n
		default:
			b = append(b, c)
		}
	}
	return "", "", false
}

// simpleEscapes are yaml.v3's one-character escapes in double quotes.
var simpleEscapes = map[byte]string{
	'0': "\x00", 'a': "\a", 'b': "\b", 't': "\t", 'n': "\n", 'v': "\v", 'f': "\f",
	'r': "\r", 'e': "\x1b", ' ': " ", '"': "\"", '\'': "'", '\\': "\\",
	'N': "\u0085", '_': "\u00a0", 'L': "\u2028", 'P': "\u2029",
}

// plain resolves a plain scalar as yaml.v3 does, for the forms it accepts:
// text, true and false, decimal integers and YYYY-MM-DD dates.
func plain(s string) (any, bool) {
	if s == "" {
		return nil, false
	}
	c := s[0]
	switch {
	case c >= '0' && c <= '9' || c == '-':
		// Numbers and dates; anything else that starts like a number (1.5,
		// 0x1F, 1_000, 2024-1-2, 3rd, 2024-01-02 10:00) is left to yaml.v3.
		if isDate(s) {
			// As time.Parse("2006-1-2", s) in yaml.v3; an impossible date
			// (2023-02-30) is text there.
			y, m, d := atoi(s[:4]), time.Month(atoi(s[5:7])), atoi(s[8:])
			t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
			return t, t.Month() == m && t.Day() == d
		}
		if isDecimal(s) {
			n, err := strconv.Atoi(s)
			return n, err == nil
		}
		return nil, false
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		switch s {
		case "true", "True", "TRUE":
			return true, true
		case "false", "False", "FALSE":
			return false, true
		}
		if special(s) {
			return nil, false
		}
		return s, true
	case c >= utf8.RuneSelf:
		return s, true
	}
	// Of the other ASCII characters, these start text in YAML; the rest are
	// indicators (- ? : , [ ] { } # & * ! | > ' " % @ `) or may start a
	// number or null (+ . ~), or a merge key (<).
	switch c {
	case '$', '(', ')', '/', ';', '=', '\\', '^', '_':
		return s, true
	}
	return nil, false
}

// isDate reports the shape YYYY-MM-DD.
func isDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for i := 0; i < 10; i++ {
		if i != 4 && i != 7 && (s[i] < '0' || s[i] > '9') {
			return false
		}
	}
	return true
}

// atoi reads digits known to be digits.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// isDecimal reports -?(0|[1-9][0-9]*) of at most 18 digits (no overflow).
func isDecimal(s string) bool {
	d := strings.TrimPrefix(s, "-")
	if d == "" || len(d) > 18 || (d[0] == '0' && len(d) > 1) {
		return false
	}
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return false
		}
	}
	return true
}
