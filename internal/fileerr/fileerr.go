// Package fileerr gives errors a position in a file, so that every message a
// volunteer sees says where to look: "content/talents/a.en.md:12: message".
package fileerr

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
)

// Error is an error at a position in a file. Line 0 means the file as a whole.
type Error struct {
	File string
	Line int
	Err  error
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error at file:line.
func New(file string, line int, err error) *Error {
	return &Error{File: file, Line: line, Err: err}
}

// Errorf is New with a formatted message.
func Errorf(file string, line int, format string, args ...any) *Error {
	return New(file, line, fmt.Errorf(format, args...))
}

var (
	lineInMessage = regexp.MustCompile(`^(?:yaml|toml): line (\d+)(?: \([^)]*\))?: `)
	// yaml.v3 lists decoding errors as "yaml: unmarshal errors:\n  line 3: ...".
	lineInList = regexp.MustCompile(`(?m)^\s*line (\d+): (.*)$`)
)

// FromYAML turns a YAML or TOML decoder error, whose line numbers count from the
// start of the decoded text, into an Error whose line counts from the start of
// the file; offset is the number of file lines before the decoded text.
func FromYAML(file string, offset int, err error) *Error {
	var pe interface{ Position() (int, int) }
	msg := err.Error()
	if m := lineInMessage.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return New(file, offset+n, errors.New(msg[len(m[0]):]))
	}
	if m := lineInList.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return New(file, offset+n, errors.New(m[2]))
	}
	if errors.As(err, &pe) {
		l, _ := pe.Position()
		return New(file, offset+l, err)
	}
	return New(file, offset+1, err)
}

// LineOf returns the 1-based line of the first line that sets key at the
// start of a line ("key:" or "key ="), or 0 if there is none. It is used to
// point at a setting when the decoder itself gives no position.
func LineOf(data []byte, key string) int {
	line := 1
	for len(data) > 0 {
		end := bytes.IndexByte(data, '\n')
		cur := data
		if end >= 0 {
			cur = data[:end]
		}
		t := bytes.TrimLeft(cur, " \t")
		if bytes.HasPrefix(t, []byte(key)) {
			rest := bytes.TrimLeft(t[len(key):], " \t")
			if len(rest) > 0 && (rest[0] == ':' || rest[0] == '=') {
				return line
			}
		}
		if end < 0 {
			break
		}
		data = data[end+1:]
		line++
	}
	return 0
}
