package imagemeta

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

func TestFormatOf(t *testing.T) {
	tests := []struct {
		name string
		want Format
		ok   bool
	}{
		{"a.jpg", JPEG, true},
		{"a.JPEG", JPEG, true},
		{"dir.png/a.Jpeg", JPEG, true},
		{"content/talents/b.png", PNG, true},
		{"c.WebP", WebP, true},
		{"d.gif", 0, false},
		{"jpg", 0, false},
		{"e.jpg.txt", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, ok := FormatOf(tt.name)
		if got != tt.want || ok != tt.ok {
			t.Errorf("FormatOf(%q) = %v, %v; want %v, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want Format
		ok   bool
	}{
		{"jpeg", makeJPEG(t, 2, 2), JPEG, true},
		{"png", makePNG(t, 2, 2), PNG, true},
		{"webp", riff(webpChunkBytes("VP8L", losslessPixels)), WebP, true},
		{"gif", []byte("GIF89a"), 0, false},
		{"wav", []byte("RIFF\x00\x00\x00\x00WAVE"), 0, false},
		{"empty", nil, 0, false},
	}
	for _, tt := range tests {
		if got, ok := Detect(tt.data); got != tt.want || ok != tt.ok {
			t.Errorf("%s: Detect = %v, %v; want %v, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

func TestUnknownFormat(t *testing.T) {
	if _, err := Strip(0, makeJPEG(t, 2, 2)); err == nil {
		t.Error("Strip with the zero Format succeeded")
	}
	if _, err := Metadata(Format(7), nil); err == nil {
		t.Error("Metadata with an unknown Format succeeded")
	}
}

// TestInvalid lists broken files. Each must give an error that names the
// format and the problem, match ErrInvalid, and never panic.
func TestInvalid(t *testing.T) {
	jpg := makeJPEG(t, 8, 8)
	pngData := makePNG(t, 8, 8)
	webp := riff(webpChunkBytes("VP8L", losslessPixels))
	with := func(b []byte, at int, v ...byte) []byte {
		b = slices.Clone(b)
		copy(b[at:], v)
		return b
	}
	sos := indexMarker(jpg, mSOS, 1)
	tests := []struct {
		name string
		f    Format
		in   []byte
		want string
	}{
		{"JPEG empty", JPEG, nil, "not a valid JPEG: empty input"},
		{"JPEG one byte", JPEG, []byte{0xFF}, "missing SOI marker at offset 0"},
		{"JPEG wrong magic", JPEG, pngData, "missing SOI marker at offset 0"},
		{"JPEG SOI only", JPEG, []byte{0xFF, 0xD8}, "missing SOS marker at offset 2"},
		{"JPEG truncated in header", JPEG, jpg[:40], "truncated segment at offset"},
		{"JPEG truncated length", JPEG, []byte{0xFF, 0xD8, 0xFF, 0xE1, 0x01}, "truncated segment at offset 2"},
		{"JPEG length past end", JPEG, afterSOI(jpg, []byte{0xFF, 0xE1, 0xFF, 0xFF, 'E', 'x'})[:12], "truncated segment at offset 2"},
		{"JPEG length past end of file", JPEG, with(jpg, 4, 0xFF, 0xFF), "truncated segment at offset 2"},
		{"JPEG length below 2", JPEG, with(jpg, 4, 0, 1), "segment length 1 too small at offset 2"},
		{"JPEG garbage between segments", JPEG, afterSOI(jpg, []byte{0x00}), "expected a marker, found 0x00 at offset 2"},
		{"JPEG marker FF00", JPEG, afterSOI(jpg, []byte{0xFF, 0x00}), "invalid marker 0xFF00 at offset 2"},
		{"JPEG only fill bytes", JPEG, []byte{0xFF, 0xD8, 0xFF, 0xFF}, "truncated marker at offset 2"},
		{"JPEG EOI before SOS", JPEG, []byte{0xFF, 0xD8, 0xFF, 0xD9}, "EOI before any SOS at offset 2"},
		{"JPEG second SOI", JPEG, afterSOI(jpg, []byte{0xFF, 0xD8}), "unexpected SOI marker at offset 2"},
		{"JPEG no EOI", JPEG, jpg[:len(jpg)-2], "missing EOI marker at offset"},
		{"JPEG cut in scan", JPEG, jpg[:sos+40], "missing EOI marker at offset"},
		{"JPEG cut after 0xFF in scan", JPEG, append(slices.Clone(jpg[:sos+40]), 0xFF), "truncated marker at offset"},
		{"JPEG cut after SOS header", JPEG, jpg[:sos+14], "missing EOI marker at offset"},

		{"PNG empty", PNG, nil, "not a valid PNG: empty input"},
		{"PNG wrong magic", PNG, jpg, "wrong signature at offset 0"},
		{"PNG signature only", PNG, pngData[:8], "missing IEND chunk at offset 8"},
		{"PNG truncated header", PNG, pngData[:12], "truncated chunk header at offset 8"},
		{"PNG truncated chunk", PNG, pngData[:30], "chunk length 13 past end of data at offset 8"},
		{"PNG huge length", PNG, with(pngData, 8, 0xFF, 0xFF, 0xFF, 0xF0), "chunk length 4294967280 past end of data at offset 8"},
		{"PNG bad CRC", PNG, with(pngData, 8+8+13, 0, 0, 0, 0), "CRC mismatch in IHDR chunk at offset 8"},
		{"PNG bad CRC in text", PNG, afterIHDR(pngData, with(pngChunkBytes("tEXt", []byte("a\x00b")), 9, 'X')), "CRC mismatch in tEXt chunk at offset 33"},
		{"PNG bad chunk type", PNG, afterIHDR(pngData, pngChunkBytes("t3Xt", nil)), "invalid chunk type \"t3Xt\" at offset 33"},
		{"PNG first chunk not IHDR", PNG, slices.Concat(pngData[:8], pngChunkBytes("tEXt", []byte("a\x00b")), pngData[8:]), "first chunk is tEXt, not IHDR at offset 8"},
		{"PNG second IHDR", PNG, afterIHDR(pngData, pngData[8:33]), "second IHDR chunk at offset 33"},
		{"PNG unknown critical chunk", PNG, afterIHDR(pngData, pngChunkBytes("CgBI", []byte{0, 0, 0, 0})), "unknown critical chunk CgBI at offset 33"},
		{"PNG no IDAT", PNG, slices.Concat(pngData[:33], pngChunkBytes("IEND", nil)), "no IDAT chunk at offset 45"},
		{"PNG no IEND", PNG, pngData[:len(pngData)-12], "missing IEND chunk at offset"},

		{"WebP empty", WebP, nil, "not a valid WebP: empty input"},
		{"WebP short", WebP, []byte("RIFF"), "truncated RIFF header at offset 0"},
		{"WebP wrong magic", WebP, []byte("RIFF\x04\x00\x00\x00WAVE"), "wrong signature at offset 0"},
		{"WebP RIFF size past end", WebP, with(webp, 4, 0xFF, 0xFF, 0xFF, 0xFF), "RIFF size 4294967295 past end of data at offset 4"},
		{"WebP truncated", WebP, webp[:30], "RIFF size 48 past end of data at offset 4"},
		{"WebP chunk size past end", WebP, with(webp, 16, 0xFF, 0xFF, 0, 0), "chunk size 65535 past end of data at offset 12"},
		{"WebP truncated chunk header", WebP, riff(webpChunkBytes("VP8L", losslessPixels), []byte("EXIF")), "truncated chunk header at offset 56"},
		{"WebP no chunks", WebP, riff(), "no image data"},
		{"WebP only metadata", WebP, riff(webpChunkBytes("EXIF", []byte("SECRET"))), "first chunk is \"EXIF\", not VP8, VP8L or VP8X at offset 12"},
		{"WebP VP8X without image", WebP, riff(vp8x(0, 2, 2)), "no image data"},
		{"WebP VP8X short", WebP, riff(webpChunkBytes("VP8X", []byte{0, 0, 0})), "VP8X chunk too short at offset 12"},
		{"WebP VP8X not first", WebP, riff(webpChunkBytes("VP8L", losslessPixels), vp8x(0, 2, 2)), "VP8X chunk not first at offset 56"},
		{"WebP bad VP8L", WebP, riff(webpChunkBytes("VP8L", []byte{0, 1, 2, 3, 4})), "bad VP8L signature at offset 12"},
		{"WebP bad VP8", WebP, riff(webpChunkBytes("VP8 ", make([]byte, 10))), "bad VP8 start code at offset 12"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Strip(tt.f, tt.in)
			if err == nil {
				t.Fatal("Strip succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %q is not ErrInvalid", err)
			}
			var fe *FormatError
			if !errors.As(err, &fe) || fe.Format != tt.f {
				t.Errorf("error %q is not a FormatError for %v", err, tt.f)
			}
			if _, merr := Metadata(tt.f, tt.in); merr == nil || merr.Error() != err.Error() {
				t.Errorf("Metadata error %v differs from Strip error %v", merr, err)
			}
		})
	}
}

// TestGolden strips the files in testdata, written by real tools (exiftool,
// jpegtran, webpmux; see testdata/README.md), and compares the result with
// testdata/golden, so that any change in what Strip writes shows in review.
// Run with -update to rewrite the golden files.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.*")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range files {
		f, ok := FormatOf(path)
		if !ok {
			continue
		}
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			in := readTestdata(t, name)
			out := mustStrip(t, f, in)
			if left, err := Metadata(f, out); err != nil || len(left) != 0 {
				t.Errorf("Metadata(stripped) = %q, %v", left, err)
			}
			golden := filepath.Join("testdata", "golden", name)
			if *update {
				if err := os.WriteFile(golden, out, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(out, want) {
				t.Errorf("Strip(%s) differs from %s (%d bytes, want %d); run go test -update and review the diff", name, golden, len(out), len(want))
			}
		})
	}
}

func TestFormatErrorMessage(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{invalid(JPEG, 1234, "truncated segment"), "not a valid JPEG: truncated segment at offset 1234"},
		{invalid(PNG, -1, "empty input"), "not a valid PNG: empty input"},
		{invalid(Format(9), 0, "x"), "not a valid Format(9): x at offset 0"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

// The orientation EXIF is written with a one-byte length; make sure the
// constant and the builder agree.
func TestOrientationExifLen(t *testing.T) {
	for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		if n := len(orientationExif(order, 6)); n != orientationExifLen || n+2 > 255 {
			t.Errorf("orientationExif is %d bytes, constant says %d", n, orientationExifLen)
		}
	}
}
