package imagemeta

import (
	"bytes"
	"encoding/binary"
	"slices"
	"testing"
)

func TestStripPNG(t *testing.T) {
	base := makePNG(t, 29, 17)
	exif := buildExif(binary.BigEndian, 6)[len(exifHeader):] // eXIf holds bare TIFF
	// Chunks that change how pixels are shown, all of which stay.
	rendering := [][]byte{
		pngChunkBytes("gAMA", []byte{0, 0, 0xB1, 0x8F}),
		pngChunkBytes("cHRM", make([]byte, 32)),
		pngChunkBytes("sRGB", []byte{0}),
		pngChunkBytes("sBIT", []byte{8, 8, 8, 8}),
		pngChunkBytes("pHYs", []byte{0, 0, 0x0B, 0x13, 0, 0, 0x0B, 0x13, 1}),
		pngChunkBytes("bKGD", []byte{0, 0, 0, 0, 0, 0}),
		pngChunkBytes("cICP", []byte{1, 13, 0, 1}),
	}
	// Animation control chunks of an APNG: acTL before the first IDAT,
	// fcTL for each frame, fdAT for frame data after IDAT.
	actl := pngChunkBytes("acTL", []byte{0, 0, 0, 1, 0, 0, 0, 0})
	fctl := pngChunkBytes("fcTL", make([]byte, 26))
	fdat := pngChunkBytes("fdAT", []byte{0, 0, 0, 1, 0x78, 0x9C})
	tests := []struct {
		name string
		in   []byte
		want []string
	}{
		{"clean", base, nil},
		{"rendering chunks kept", afterIHDR(base, rendering...), nil},
		{"APNG chunks kept", beforeIEND(afterIHDR(base, actl, fctl), fdat), nil},
		{"tEXt", afterIHDR(base, pngChunkBytes("tEXt", []byte("Author\x00TEXT-SECRET"))), []string{"tEXt"}},
		{"zTXt", afterIHDR(base, pngChunkBytes("zTXt", append([]byte("Comment\x00\x00"), zlibBytes("ZTXT-SECRET")...))), []string{"zTXt"}},
		{"iTXt", afterIHDR(base, pngChunkBytes("iTXt", []byte("Title\x00\x00\x00en\x00\x00ITXT-SECRET"))), []string{"iTXt"}},
		{"XMP in iTXt", afterIHDR(base, pngChunkBytes("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00<x>XMP-SECRET</x>"))), []string{"XMP"}},
		{"eXIf", afterIHDR(base, pngChunkBytes("eXIf", exif)), []string{"EXIF"}},
		{"iCCP", afterIHDR(base, pngChunkBytes("iCCP", append([]byte("ICC-SECRET\x00\x00"), zlibBytes("profile")...))), []string{"ICC"}},
		{"tIME", afterIHDR(base, pngChunkBytes("tIME", []byte{0x07, 0xE9, 1, 2, 3, 4, 5})), []string{"tIME"}},
		{"private chunk", afterIHDR(base, pngChunkBytes("prVt", []byte("SECRET"))), []string{"prVt"}},
		{"after IDAT", beforeIEND(base, pngChunkBytes("tEXt", []byte("Late\x00TEXT-SECRET"))), []string{"tEXt"}},
		{"trailer after IEND", append(slices.Clip(base), "TRAILER-SECRET"...), []string{trailerName}},
		{
			"everything",
			beforeIEND(afterIHDR(base,
				pngChunkBytes("iCCP", append([]byte("ICC-SECRET\x00\x00"), zlibBytes("p")...)),
				rendering[0],
				pngChunkBytes("tEXt", []byte("Author\x00TEXT-SECRET")),
				pngChunkBytes("eXIf", exif)),
				pngChunkBytes("tIME", make([]byte, 7))),
			[]string{"ICC", "tEXt", "EXIF", "tIME"},
		},
		{"exiftool", readTestdata(t, "exiftool.png"), []string{"tEXt", "XMP", "EXIF"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkStripped(t, PNG, tt.in, tt.want)
			samePixels(t, tt.in, mustStrip(t, PNG, tt.in))
		})
	}
}

// TestStripPNGKeepsOrder checks that kept chunks stay in their order, since
// PNG rules tie PLTE, tRNS and IDAT to positions.
func TestStripPNGKeepsOrder(t *testing.T) {
	base := makePNG(t, 4, 4)
	in := afterIHDR(base,
		pngChunkBytes("tEXt", []byte("a\x00SECRET")),
		pngChunkBytes("gAMA", []byte{0, 0, 0xB1, 0x8F}),
		pngChunkBytes("tEXt", []byte("b\x00SECRET")),
		pngChunkBytes("pHYs", make([]byte, 9)))
	want := afterIHDR(base,
		pngChunkBytes("gAMA", []byte{0, 0, 0xB1, 0x8F}),
		pngChunkBytes("pHYs", make([]byte, 9)))
	if out := mustStrip(t, PNG, in); !bytes.Equal(out, want) {
		t.Error("kept chunks were reordered or changed")
	}
}
