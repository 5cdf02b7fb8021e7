package minifier

import "strings"

// Most stories convert to the same few tags with nothing to shorten but the
// newlines goldmark puts between blocks and a few character references.
// Running tdewolff's tokenizer over every such page was a twentieth of a
// build; minifyPlain does that case in one pass and gives up (ok false) on
// anything else, which the full minifier then takes. Whatever it accepts,
// it must write exactly what the full minifier writes (FuzzPlainAsFull).

// Tag kinds for minifyPlain.
const (
	tagUnknown uint8 = iota
	tagBlock         // white space beside it is dropped
	tagInline        // white space beside it is text
	tagBreak         // <br>: a newline after it is dropped
)

// plainTagKind is the kind of a tag minifyPlain takes, by its name.
func plainTagKind(name []byte) uint8 {
	switch string(name) {
	case "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "hr", "div",
		"table", "thead", "tbody", "tr", "th", "td":
		return tagBlock
	case "a", "strong", "em", "del", "code", "sup":
		return tagInline
	case "br":
		return tagBreak
	}
	return tagUnknown
}

// plainAttr reports whether the full minifier leaves the attribute's value
// as it is (when it holds no white space or quote).
func plainAttr(name []byte) bool {
	switch string(name) {
	case "href", "id", "class", "role":
		return true
	}
	return false
}

// What the last token was, for the white space after it.
const (
	prevBlock  = iota // a block tag, or the start
	prevInline        // text or an inline tag
	prevBreak         // <br>
)

// minifyPlain minifies src if it is plain converted Markdown: the tags of
// plainTagKind with the attributes of plainAttr in double quotes, text whose
// white space is single spaces and newlines between words, newlines between
// blocks, and no character references but &amp; &lt; &gt; &quot;.
func minifyPlain(src []byte) (string, bool) {
	var out strings.Builder
	out.Grow(len(src))
	prev := prevBlock
	// Whether the last character written, inline tags aside, is a word's or
	// white space: white space is kept only after a word, and never before
	// a block.
	word, space := false, false
	for i := 0; i < len(src); {
		switch c := src[i]; {
		case c == '<':
			j, kind, ok := plainTag(src, i)
			if !ok {
				return "", false
			}
			switch kind {
			case tagBlock:
				if space {
					return "", false
				}
				prev, word = prevBlock, false
			case tagBreak:
				prev, word = prevBreak, false
			default:
				prev = prevInline
			}
			out.Write(src[i:j])
			i = j
		case c == ' ' || c == '\n':
			next := byte(0)
			if i+1 < len(src) {
				next = src[i+1]
			}
			switch {
			case prev == prevBlock && c == '\n' && (next == 0 || next == '<' && blockAt(src, i+1)):
				// Between blocks: dropped.
			case prev == prevBreak && c == '\n' && next > ' ' && next != '<' && next != '&':
				// After <br>, before a word: dropped.
			case word && next > ' ' && (next != '<' || inlineAt(src, i+1)):
				out.WriteByte(c)
				word, space = false, true
			default:
				return "", false
			}
			i++
		case c == '&':
			ref, n := plainRef(src[i:])
			if n == 0 {
				return "", false
			}
			out.WriteString(ref)
			i += n
			prev, word, space = prevInline, true, false
		case c < ' ' || c == '>' || c == 0x7f:
			return "", false
		default:
			// The run goes on over single spaces and newlines between
			// words, which are kept (see above).
			j := i + 1
			for j < len(src) {
				if plainText[src[j]] {
					j++
				} else if (src[j] == ' ' || src[j] == '\n') && j+1 < len(src) && plainText[src[j+1]] {
					j += 2
				} else {
					break
				}
			}
			out.Write(src[i:j])
			i = j
			prev, word, space = prevInline, true, false
		}
	}
	if space {
		return "", false
	}
	return out.String(), true
}

// plainText are the bytes a run of text goes on with: all but white
// space, control bytes and those that start a tag or a reference.
var plainText = func() (t [256]bool) {
	for c := range t {
		t[c] = c > ' ' && c != '<' && c != '&' && c != '>' && c != 0x7f
	}
	return t
}()

// plainRef is the minified form of the character reference that src starts
// with, and its length; n is 0 for one minifyPlain does not take. & stays
// escaped before what could make it a reference.
func plainRef(src []byte) (ref string, n int) {
	switch {
	case hasPrefix(src, "&lt;"):
		return "&lt;", 4
	case hasPrefix(src, "&gt;"):
		return ">", 4
	case hasPrefix(src, "&quot;"):
		return `"`, 6
	case hasPrefix(src, "&amp;"):
		if len(src) > 5 {
			switch c := src[5]; {
			case c == ' ':
				return "&", 5
			case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '#':
				return "&amp;", 5
			}
		}
	}
	return "", 0
}

func hasPrefix(b []byte, s string) bool {
	return len(b) >= len(s) && string(b[:len(s)]) == s
}

// plainTag reads the tag at src[i] ('<'): where it ends, and its kind; ok
// is false for one minifyPlain does not take.
func plainTag(src []byte, i int) (end int, kind uint8, ok bool) {
	j := i + 1
	closing := j < len(src) && src[j] == '/'
	if closing {
		j++
	}
	start := j
	for j < len(src) && (src[j] >= 'a' && src[j] <= 'z' || src[j] >= '1' && src[j] <= '6') {
		j++
	}
	kind = plainTagKind(src[start:j])
	if kind == tagUnknown || closing && (kind == tagBreak || string(src[start:j]) == "hr") {
		return 0, 0, false
	}
	for j < len(src) && src[j] == ' ' && !closing {
		// name="value"
		j++
		n := j
		for j < len(src) && src[j] >= 'a' && src[j] <= 'z' {
			j++
		}
		if !plainAttr(src[n:j]) || j+2 > len(src) || src[j] != '=' || src[j+1] != '"' {
			return 0, 0, false
		}
		j += 2
		v := j
		for j < len(src) && src[j] != '"' {
			c := src[j]
			if c <= ' ' || c == '<' || c == '>' || c == '\'' || c == '`' || c == 0x7f {
				return 0, 0, false
			}
			if c == '&' {
				// Kept as written only where it cannot be read otherwise.
				if ref, n := plainRef(src[j:]); ref != "&amp;" || n == 0 {
					return 0, 0, false
				}
			}
			j++
		}
		if j == v || j == len(src) {
			return 0, 0, false
		}
		j++ // the closing quote
	}
	if j == len(src) || src[j] != '>' {
		return 0, 0, false
	}
	return j + 1, kind, true
}

// blockAt and inlineAt report whether the tag at src[i] is a block tag, or
// an inline one, that minifyPlain takes.
func blockAt(src []byte, i int) bool {
	_, kind, ok := plainTag(src, i)
	return ok && kind == tagBlock
}

func inlineAt(src []byte, i int) bool {
	_, kind, ok := plainTag(src, i)
	return ok && kind == tagInline
}
