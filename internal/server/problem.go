package server

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"

	"kakehashi/internal/fileerr"
	"kakehashi/internal/publish"
)

// Problem is one thing wrong with the site, as the overlay and the terminal show it.
type Problem struct {
	// File is site-relative ("content/talents/a.en.md", "layouts/talent.html");
	// for a leak, the output file. Empty when the error names no file.
	File string `json:"file,omitempty"`
	// Line is 1-based; 0 when unknown or the file as a whole.
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	switch {
	case p.File != "" && p.Line > 0:
		return p.File + ":" + strconv.Itoa(p.Line) + ": " + p.Message
	case p.File != "":
		return p.File + ": " + p.Message
	}
	return p.Message
}

// Problems splits a build error into one Problem per broken file, in order.
func Problems(err error) []Problem {
	if err == nil {
		return nil
	}
	var all []Problem
	collect(err, &all)
	// One broken template fails every page it renders: show it once.
	var out []Problem
	index := map[Problem]int{}
	more := map[int]int{}
	for _, p := range all {
		key := Problem{File: p.File, Line: p.Line}
		if i, dup := index[key]; dup && p.File != "" {
			more[i]++
			continue
		}
		index[key] = len(out)
		out = append(out, p)
	}
	for i, n := range more {
		out[i].Message += fmt.Sprintf(" (and %d more like it)", n)
	}
	return out
}

func collect(err error, out *[]Problem) {
	if fe, ok := err.(*fileerr.Error); ok {
		*out = append(*out, Problem{File: fe.File, Line: fe.Line, Message: fe.Err.Error()})
		return
	}
	if le, ok := err.(*publish.LeakError); ok {
		*out = append(*out, Problem{File: le.File, Line: le.Line, Message: strings.TrimPrefix(le.Error(), le.File+":"+strconv.Itoa(le.Line)+": ")})
		return
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			collect(e, out)
		}
		return
	}
	// A wrapped error that holds a positioned one: show the position, keep the words around it.
	var fe *fileerr.Error
	var le *publish.LeakError
	if errors.As(err, &fe) || errors.As(err, &le) {
		n := len(*out)
		collect(errors.Unwrap(err), out)
		if len(*out) == n+1 {
			if inner := errors.Unwrap(err).Error(); strings.HasSuffix(err.Error(), inner) {
				if prefix := strings.TrimSuffix(err.Error(), inner); prefix != "" {
					(*out)[n].Message = prefix + (*out)[n].Message
				}
			}
		}
		return
	}
	*out = append(*out, fromMessage(err.Error()))
}

var (
	// "template: talent.html:12:5: executing ..." or "template: partials/card.html:3: ..."
	templatePos = regexp.MustCompile(`template: ([^:\s]+):(\d+)(?::\d+)?: `)
	// "layouts/talent.html: rendering ...", "site.yaml: ...", "content/a.md:12: ..."
	leadingFile = regexp.MustCompile(`^([^\s:]*/[^\s:]+|[^\s:/]+\.[A-Za-z0-9]+)(?::(\d+))?(?::\d+)?: `)
)

// fromMessage finds the file and line in an error that only has them in its text
// (html/template errors).
func fromMessage(msg string) Problem {
	p := Problem{Message: msg}
	if m := leadingFile.FindStringSubmatch(msg); m != nil {
		p.File = m[1]
		p.Line, _ = strconv.Atoi(m[2])
		p.Message = msg[len(m[0]):]
	}
	if m := templatePos.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[2])
		name := m[1]
		switch {
		case p.File != "" && path.Base(p.File) == path.Base(name):
			// The file the error names is the template's own.
		case strings.HasPrefix(p.File, "layouts/") && path.Ext(p.File) == "":
			// A folder ("layouts/partials: template: footer.html:1: ...").
			p.File += "/" + path.Base(name)
		case strings.Contains(name, "/"):
			p.File = "layouts/" + name
		case name == "base.html":
			p.File = "layouts/base.html"
		default:
			// html/template names a template by its file's base name: a template
			// other than the page's own and base.html is a partial.
			p.File = "layouts/partials/" + name
		}
		p.Line = line
	}
	return p
}
