package audit

import (
	"bufio"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/width"
)

// jsonEntry is the JSON form of an Entry. The field names and their order
// are part of the command line's contract (README: "kakehashi consent
// --json"); add fields at the end, never rename or remove one.
//
//	file             string  slash path from the site root
//	section          string  first folder under content/ ("" at the root)
//	slug             string
//	lang             string  language code of the file
//	status           string  "published" or "skipped"
//	reason           string  why it is skipped; "" when published
//	real_name_shown  bool    the page shows the real name
//	photo_shown      bool    the page shows its photo
//	expires          string  YYYY-MM-DD, the first day the file is skipped; "" for none
//	draft            bool    the file's draft flag
type jsonEntry struct {
	File          string `json:"file"`
	Section       string `json:"section"`
	Slug          string `json:"slug"`
	Lang          string `json:"lang"`
	Status        Status `json:"status"`
	Reason        string `json:"reason"`
	RealNameShown bool   `json:"real_name_shown"`
	PhotoShown    bool   `json:"photo_shown"`
	Expires       string `json:"expires"`
	Draft         bool   `json:"draft"`
}

const dateFormat = "2006-01-02"

// WriteJSON writes list as a JSON array, one object per entry in list order,
// indented by two spaces and ending in a newline. An empty list is "[]".
// Text is written as is (no \u escapes for <, > and &), so Japanese reasons
// stay readable.
func WriteJSON(w io.Writer, list []Entry) error {
	out := make([]jsonEntry, 0, len(list))
	for _, e := range list {
		je := jsonEntry{
			File: e.File, Section: e.Section, Slug: e.Slug, Lang: e.Lang,
			Status: e.Status, Reason: e.Reason,
			RealNameShown: e.RealName, PhotoShown: e.Photo, Draft: e.Draft,
		}
		if !e.Expires.IsZero() {
			je.Expires = e.Expires.Format(dateFormat)
		}
		out = append(out, je)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// tableHeader names the table's columns; REASON comes last because it is
// the only long one, so that no row has to be padded to its width.
var tableHeader = []string{"FILE", "LANG", "STATUS", "REAL NAME", "PHOTO", "EXPIRES", "DRAFT", "REASON"}

// WriteTable writes list as a table with aligned columns, one row per entry,
// for reading in a terminal. Columns are aligned by display width, so a
// file name or reason in Japanese (two columns per character) keeps the
// table straight. Titles are not shown: the file name identifies the item.
func WriteTable(w io.Writer, list []Entry) error {
	rows := [][]string{tableHeader}
	for _, e := range list {
		expires := "-"
		if !e.Expires.IsZero() {
			expires = e.Expires.Format(dateFormat)
		}
		rows = append(rows, []string{
			e.File, e.Lang, string(e.Status), yesNo(e.RealName), yesNo(e.Photo),
			expires, yesNo(e.Draft), e.Reason,
		})
	}
	return writeColumns(w, rows)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// writeColumns pads every cell but the last of a row to its column's display
// width, with two spaces between columns, and trims trailing space.
func writeColumns(w io.Writer, rows [][]string) error {
	var widths []int
	for _, row := range rows {
		for i, cell := range row {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], DisplayWidth(cell))
		}
	}
	bw := bufio.NewWriter(w)
	var line strings.Builder
	for _, row := range rows {
		line.Reset()
		for i, cell := range row {
			cell = printable(cell)
			line.WriteString(cell)
			if i < len(row)-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-DisplayWidth(cell)+2))
			}
		}
		bw.WriteString(strings.TrimRight(line.String(), " "))
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// printable replaces control characters (a tab or a newline in a reason would
// break the table, an escape sequence could rewrite the terminal) with a space.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// DisplayWidth is the number of terminal columns s takes: two for East Asian
// wide and full-width characters, none for combining marks and invisible
// format characters, one for the rest.
func DisplayWidth(s string) int {
	n := 0
	for _, r := range printable(s) {
		n += runeWidth(r)
	}
	return n
}

func runeWidth(r rune) int {
	switch {
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || unicode.Is(unicode.Cf, r):
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// WriteExpiring writes the entries of list (as returned by Expiring) as a
// table of file, language, end date and days left, counted from now.
func WriteExpiring(w io.Writer, list []Entry, now time.Time) error {
	rows := [][]string{{"FILE", "LANG", "EXPIRES", "DAYS LEFT"}}
	for _, e := range list {
		rows = append(rows, []string{e.File, e.Lang, e.Expires.Format(dateFormat), strconv.Itoa(DaysLeft(e, now))})
	}
	return writeColumns(w, rows)
}
