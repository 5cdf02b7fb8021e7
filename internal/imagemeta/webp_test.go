package imagemeta

import (
	"bytes"
	"encoding/binary"
	"slices"
	"testing"
)

func TestStripWebP(t *testing.T) {
	vp8l := webpChunkBytes("VP8L", losslessPixels)
	exif := webpChunkBytes("EXIF", buildExif(binary.LittleEndian, 6)[len(exifHeader):])
	xmp := webpChunkBytes("XMP ", []byte("<x:xmpmeta>XMP-SECRET</x:xmpmeta>"))
	icc := webpChunkBytes("ICCP", []byte("ICC-SECRET-profile"))
	const alpha = 0x10
	tests := []struct {
		name      string
		in        []byte
		want      []string
		wantFlags byte // VP8X flags after Strip
	}{
		{"simple lossless", riff(vp8l), nil, 0},
		{"extended clean", riff(vp8x(alpha, 2, 2), vp8l), nil, alpha},
		{
			"extended with ICC, EXIF and XMP",
			riff(vp8x(alpha|vp8xICC|vp8xEXIF|vp8xXMP, 2, 2), icc, vp8l, exif, xmp),
			[]string{"ICC", "EXIF", "XMP"}, alpha,
		},
		{"EXIF only", riff(vp8x(alpha|vp8xEXIF, 2, 2), vp8l, exif), []string{"EXIF"}, alpha},
		{"unknown chunk", riff(vp8x(alpha, 2, 2), vp8l, webpChunkBytes("ZZZZ", []byte("SECRET"))), []string{"ZZZZ"}, alpha},
		{"unprintable chunk name", riff(vp8x(alpha, 2, 2), vp8l, webpChunkBytes("\x00\x01ab", []byte("SECRET"))), []string{"0001" + "6162"}, alpha},
		{"flags without chunks", riff(vp8x(alpha|vp8xEXIF|vp8xXMP, 2, 2), vp8l), []string{"VP8X metadata flags"}, alpha},
		// Not allowed by the format, but written by some tools.
		{"EXIF after simple bitstream", riff(vp8l, exif), []string{"EXIF"}, 0},
		{"trailer after RIFF", append(riff(vp8l), "TRAILER-SECRET"...), []string{trailerName}, 0},
		{"webpmux", readTestdata(t, "webpmux.webp"), []string{"ICC", "EXIF", "XMP"}, alpha},
		{"animated", readTestdata(t, "animated.webp"), []string{"EXIF", "XMP"}, alpha | 0x02},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkStripped(t, WebP, tt.in, tt.want)
			out := mustStrip(t, WebP, tt.in)
			chunks := walkTestWebP(t, out) // also checks the RIFF size
			for _, c := range chunks {
				switch c.fourcc {
				case "VP8X":
					if c.body[0] != tt.wantFlags {
						t.Errorf("VP8X flags = %#02x, want %#02x", c.body[0], tt.wantFlags)
					}
				case "VP8 ", "VP8L", "ALPH", "ANIM", "ANMF":
				default:
					t.Errorf("chunk %q left", c.fourcc)
				}
			}
			// The bitstream chunks survive unchanged and in order.
			if got, want := bitstreams(t, out), bitstreams(t, tt.in); !slices.EqualFunc(got, want, func(a, b testWebPChunk) bool {
				return a.fourcc == b.fourcc && bytes.Equal(a.body, b.body)
			}) {
				t.Error("image chunks changed")
			}
		})
	}
}

func bitstreams(t *testing.T, b []byte) []testWebPChunk {
	t.Helper()
	// The input of the trailer case has bytes after the RIFF data, which
	// walkTestWebP rejects; look at the RIFF data alone.
	b = b[:8+binary.LittleEndian.Uint32(b[4:])]
	var out []testWebPChunk
	for _, c := range walkTestWebP(t, b) {
		switch c.fourcc {
		case "VP8 ", "VP8L", "ALPH", "ANIM", "ANMF":
			out = append(out, c)
		}
	}
	return out
}

func TestStripWebPVP8(t *testing.T) {
	// A lossy key frame header: frame tag, start code, 1×1 size. Strip
	// checks only the start code, so the rest of the bitstream can be
	// made up.
	vp8 := webpChunkBytes("VP8 ", []byte{0x30, 0x01, 0x00, 0x9D, 0x01, 0x2A, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00})
	alph := webpChunkBytes("ALPH", []byte{0x00, 0xFF})
	in := riff(vp8x(0x10|vp8xXMP, 1, 1), alph, vp8, webpChunkBytes("XMP ", []byte("XMP-SECRET")))
	checkStripped(t, WebP, in, []string{"XMP"})
	want := riff(vp8x(0x10, 1, 1), alph, vp8)
	if out := mustStrip(t, WebP, in); !bytes.Equal(out, want) {
		t.Errorf("Strip = %x\nwant    %x", out, want)
	}
}
