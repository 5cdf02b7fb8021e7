// Package leakscan finds forbidden strings ("needles": the real names,
// titles, slugs and distinctive sentences of people who did not consent) in
// a text ("haystack": Markdown source, front matter, or built HTML, XML,
// JSON and JavaScript), and reports where they are in the original bytes.
//
// A Scanner is built once from all needles (New) and is then safe for
// concurrent use. Find makes one pass over the text: a streaming normaliser
// feeds an Aho–Corasick automaton for the short needles (names, slugs) and
// a hash of fixed windows, looked up every 16th byte, for the long ones
// (sentences; see longkeys.go), so the cost is linear in the text plus the
// matches, whatever the number of needles.
//
// Compiling the needles is the costly part of New. To scan the same
// needles in several modes (plain text, HTML, JSON), compile them once and
// take a Scanner per mode from the Set:
//
//	set := leakscan.Compile(needles)
//	plain := set.Scanner(leakscan.WithEscapes())
//	markup := set.Scanner(leakscan.WithHTML(), leakscan.WithEscapes())
//
// # Matching rules
//
// Needle and haystack are normalised the same way before they are compared
// (Normalize shows the result):
//
//  1. Unicode NFKC, so full-width "Ａｍｉｎａ" is "Amina" and half-width
//     "ｱﾐﾅ" is "アミナ"; a base letter and a combining mark compose ("e"
//     + U+0301 is "é").
//  2. Simple case folding (lower(upper(r))), plus "ß" → "ss"; so "AMINA",
//     "Amina" and "amina" are equal, and so are "Σ", "σ" and "ς".
//  3. Every run of white space (after NFKC, so NBSP U+00A0, the ideographic
//     space U+3000, newlines, tabs and CRLF included) is one space; leading
//     and trailing space is dropped.
//  4. Invisible format characters (category Cf: soft hyphen, zero-width
//     space/joiner/non-joiner, word joiner, BOM, bidi marks) and variation
//     selectors are dropped, so "Ami\u00adna" is "Amina".
//
// A space in a needle matches any amount of white space in the haystack,
// including none: "山田 太郎" matches "山田太郎", "山田　太郎" and "山田  太郎";
// "Amina Karimi" matches "amina\nkarimi", "AMINA   KARIMI" and also
// "AminaKarimi" (a glued name is still the name, and a false alarm is
// cheaper than a leak). The other way round holds only between two CJK
// characters (Han, kana, Hangul): the needle "山田太郎" matches "山田 太郎",
// but the needle "Amina" does not match "Ami na" and "AminaKarimi" does not
// match "Amina Karimi" (so give Latin names with their spaces).
//
// Word boundaries: when the first (last) character of a needle is a letter
// or digit of a script that separates words with spaces (Latin, Greek,
// Cyrillic, Armenian, Georgian) or any decimal digit, the haystack character
// just before (after) the match must not be such a letter or digit or a
// combining mark. So "Amina" does not match "Aminah" or "Samina", but it
// does match "Amina's", "(Amina)", "amina-karimi" and "Aminaさん". Needles
// that start or end in any other script (Han, kana, Hangul, Arabic,
// Hebrew, Thai, ...) match anywhere: Japanese and Korean attach particles to
// names, and Arabic and Hebrew attach conjunctions and prepositions.
//
// Short needles: a needle whose normalised form has fewer than WithMinRunes
// runes (default 4), not counting spaces, is not matched at all; Ignored
// lists them so that a caller can warn. This keeps names like "Li" from
// matching everywhere, but note that it also skips two- and three-character
// CJK names unless the minimum is lowered.
//
// # Markup and escapes
//
// Without options the haystack is plain text (Markdown source: "Amina
// *Karimi*" is not "Amina Karimi" there; scan the rendered HTML for that).
//
// WithHTML is for built HTML, XML, SVG and RSS:
//   - character references are decoded (&amp; &#39; &#x41; &nbsp; and every
//     named reference of HTML5), also when double-escaped ("&amp;#39;");
//   - tags are zero-width: "Amina <em>Karimi</em>" and "Ami<b>na</b>" match;
//     a tag also counts as a word boundary, so "<p>x</p>Amina" matches;
//   - escaped markup ("&lt;em&gt;", as in RSS descriptions; with
//     WithEscapes also "\u003cem\u003e" in JSON) is treated as tags too;
//   - the inside of a tag (attribute values: alt, title, content, href...)
//     and of a comment is scanned as its own little text, so names in
//     attributes and comments are found without breaking the text around
//     the tag; the inside of <![CDATA[...]]>, <script> and <style> is text.
//
// A "<" counts as a tag only when a tag name (or "/", "!", "?") follows and
// the tag closes within 64 KiB; otherwise it is text ("a<b" in a script).
//
// WithEscapes is for JSON and JavaScript (and combines with WithHTML for
// inline scripts): backslash escapes (\uXXXX with surrogate pairs,
// \u{X...}, \xXX, \n \t \r, \" \' \/ \\) and URL percent-escapes of UTF-8
// (%E5%B1%B1) are decoded. WithEntities decodes character references only
// (CommonMark allows them in Markdown).
//
// # Not covered
//
// Look-alike letters from other scripts (Cyrillic "а" in "Аmina"),
// dropped or different diacritics ("Amína", "Amina" for "Āmina"),
// transliterations ("Karimi" / "カリミ" / "كريمي"), names split by
// punctuation ("Amina-Karimi" for "Amina Karimi"; slugs are their own
// needles), ruby annotations inside a name, and text in images are not
// found. Give such variants as needles of their own.
//
// # Memo
//
// A build scans much that it has scanned before: the header and footer of
// every page, cards shown on several listing pages, and, in the preview
// server, whole files written again after a small edit. A Memo shared by
// the Scanners of a build (WithMemo) remembers the chunks of text in which
// they found nothing and skips them when they come again; the results are
// exactly those without it. memo.go explains how, and why it is exact.
//
//	memo := leakscan.NewMemo() // one for the build, or for the server's life
//	markup := set.Scanner(leakscan.WithHTML(), leakscan.WithEscapes(), leakscan.WithMemo(memo))
//
// # Positions
//
// Match.Offset and Match.End are byte offsets into the original text: the
// start of the first and the end of the last original unit (character,
// character reference, escape, or NFKC segment) that produced the match.
// Line is 1-based and counts '\n' (so CRLF is one line break); Col is the
// 1-based byte column of Offset on that line.
package leakscan
