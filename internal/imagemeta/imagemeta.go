// Package imagemeta removes metadata from JPEG, PNG and WebP files without
// touching their pixels.
//
// Published stories are about people whose safety can depend on where a
// photo was taken and by whom, so every image the site publishes passes
// through Strip, and the leak scan runs Metadata over the output. Both work
// on the container only: segments and chunks are dropped or copied verbatim,
// entropy-coded and compressed data is never decoded or re-encoded, so a
// stripped image is pixel-for-pixel identical to its source.
//
// The two functions share one parser per format and obey one invariant, which
// the fuzz tests check: Metadata(f, x) is empty exactly when Strip(f, x)
// returns x unchanged. A clean file therefore round-trips byte for byte, and
// anything Strip would remove is something Metadata reports.
package imagemeta

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// Format is an image container kind.
type Format int

// The zero Format is deliberately not a valid format, so a forgotten
// FormatOf check fails loudly instead of treating everything as JPEG.
const (
	JPEG Format = iota + 1
	PNG
	WebP
)

func (f Format) String() string {
	switch f {
	case JPEG:
		return "JPEG"
	case PNG:
		return "PNG"
	case WebP:
		return "WebP"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// FormatOf returns the format that a file name's extension stands for
// (.jpg, .jpeg, .png, .webp, in any case), and false for anything else.
func FormatOf(name string) (Format, bool) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jpg", ".jpeg":
		return JPEG, true
	case ".png":
		return PNG, true
	case ".webp":
		return WebP, true
	}
	return 0, false
}

// Detect returns the format that data's magic bytes announce. The publish
// step can compare it with FormatOf to catch a PNG saved as photo.jpg, which
// Strip would otherwise reject with a confusing "not a valid JPEG".
func Detect(data []byte) (Format, bool) {
	switch {
	case len(data) >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF:
		return JPEG, true
	case len(data) >= len(pngSignature) && string(data[:len(pngSignature)]) == pngSignature:
		return PNG, true
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return WebP, true
	}
	return 0, false
}

// Strip returns data with all metadata removed, losslessly: segments and
// chunks are dropped, pixels are never re-encoded. Data that carries no
// metadata comes back byte-identical (as a copy). The result never aliases
// data.
func Strip(f Format, data []byte) ([]byte, error) {
	switch f {
	case JPEG:
		j, err := parseJPEG(data)
		if err != nil {
			return nil, err
		}
		return j.strip(), nil
	case PNG:
		p, err := parsePNG(data)
		if err != nil {
			return nil, err
		}
		return p.strip(), nil
	case WebP:
		w, err := parseWebP(data)
		if err != nil {
			return nil, err
		}
		return w.strip(), nil
	}
	return nil, fmt.Errorf("imagemeta: unknown format %v", f)
}

// Metadata lists the metadata blocks present in data, such as "EXIF", "XMP",
// "IPTC", "ICC", "COM" or "tEXt", each name once, in file order. Empty means
// clean. An EXIF block that holds nothing but a non-default Orientation tag,
// exactly as Strip writes it, is not metadata: it only keeps the picture
// upright. It returns an error when data is not a valid image of format f.
func Metadata(f Format, data []byte) ([]string, error) {
	switch f {
	case JPEG:
		j, err := parseJPEG(data)
		if err != nil {
			return nil, err
		}
		return j.metadata(), nil
	case PNG:
		p, err := parsePNG(data)
		if err != nil {
			return nil, err
		}
		return p.metadata(), nil
	case WebP:
		w, err := parseWebP(data)
		if err != nil {
			return nil, err
		}
		return w.metadata(), nil
	}
	return nil, fmt.Errorf("imagemeta: unknown format %v", f)
}

// ErrInvalid matches, through errors.Is, every error that reports data as
// not being a valid image of the requested format.
var ErrInvalid = errors.New("invalid image")

// FormatError says why data is not a valid image. It carries no file name:
// the caller knows it and wraps the error with it.
type FormatError struct {
	Format Format
	Offset int // byte offset of the problem, or -1 when it has none
	Reason string
}

func (e *FormatError) Error() string {
	if e.Offset < 0 {
		return fmt.Sprintf("not a valid %v: %s", e.Format, e.Reason)
	}
	return fmt.Sprintf("not a valid %v: %s at offset %d", e.Format, e.Reason, e.Offset)
}

// Is makes errors.Is(err, ErrInvalid) true for every FormatError.
func (e *FormatError) Is(target error) bool { return target == ErrInvalid }

func invalid(f Format, offset int, format string, args ...any) error {
	return &FormatError{Format: f, Offset: offset, Reason: fmt.Sprintf(format, args...)}
}

// trailerName reports bytes after the image's end marker. Decoders ignore
// them, but phones append whole files there (motion-photo videos, depth
// maps, MPF previews) and those carry their own EXIF and GPS.
const trailerName = "trailing data"

// names collects metadata block names once each, keeping first-seen order so
// that a leak report reads in file order.
type names []string

func (n *names) add(name string) {
	for _, s := range *n {
		if s == name {
			return
		}
	}
	*n = append(*n, name)
}

// printableTag renders a chunk type or segment identifier for a report
// without letting arbitrary bytes into log lines.
func printableTag(b []byte) string {
	for _, c := range b {
		if c < 0x20 || c > 0x7E {
			return fmt.Sprintf("%x", b)
		}
	}
	return strings.TrimRight(string(b), " ")
}
