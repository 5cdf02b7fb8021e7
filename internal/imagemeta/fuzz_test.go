package imagemeta

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"slices"
	"testing"
)

// The fuzz targets are one per format, so that `go test -fuzz` spends its
// time on one parser at a time; their corpora live in
// testdata/fuzz/FuzzStrip{JPEG,PNG,WebP} and run as ordinary tests.

func FuzzStripJPEG(f *testing.F) {
	base := makeJPEG(f, 9, 7)
	f.Add(base)
	f.Add(afterSOI(base, seg(mAPP0, jfifThumb), seg(mAPP1, buildExif(binary.BigEndian, 6)), seg(mCOM, []byte("c"))))
	f.Add(afterSOI(base, seg(mAPP1, orientationExif(binary.LittleEndian, 8)), seg(mAP14, adobePayload)))
	f.Add(afterSOI(base, seg(mAPP1, xmpPayload), seg(mAP13, iptcPayload), seg(mAPP2, iccPart1)))
	f.Add(readTestdata(f, "progressive.jpg"))
	f.Add(readTestdata(f, "restart.jpg"))
	f.Fuzz(func(t *testing.T, data []byte) {
		out := checkStripProperties(t, JPEG, data)
		if out != nil {
			checkSameDecode(t, data, out)
		}
	})
}

func FuzzStripPNG(f *testing.F) {
	base := makePNG(f, 5, 3)
	f.Add(base, false)
	f.Add(afterIHDR(base, pngChunkBytes("tEXt", []byte("a\x00b")), pngChunkBytes("gAMA", []byte{0, 0, 0xB1, 0x8F})), false)
	f.Add(beforeIEND(base, pngChunkBytes("eXIf", []byte("MM\x00\x2A\x00\x00\x00\x08"))), true)
	f.Add(readTestdata(f, "exiftool.png"), false)
	// fixCRC repairs the CRCs of fuzzed chunks; without it nearly every
	// mutation dies at the CRC check and the chunk logic never runs.
	f.Fuzz(func(t *testing.T, data []byte, fixCRC bool) {
		if fixCRC {
			data = fixPNGCRCs(data)
		}
		out := checkStripProperties(t, PNG, data)
		if out != nil {
			checkSameDecode(t, data, out)
		}
	})
}

func FuzzStripWebP(f *testing.F) {
	vp8l := webpChunkBytes("VP8L", losslessPixels)
	f.Add(riff(vp8l))
	f.Add(riff(vp8x(0x3C, 2, 2), webpChunkBytes("ICCP", []byte("i")), vp8l, webpChunkBytes("EXIF", []byte("e")), webpChunkBytes("XMP ", []byte("x"))))
	f.Add(readTestdata(f, "animated.webp"))
	f.Add(readTestdata(f, "webpmux.webp"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkStripProperties(t, WebP, data)
	})
}

// checkStripProperties checks what must hold for any input and returns
// the stripped data, or nil when the input is rejected.
func checkStripProperties(t *testing.T, f Format, data []byte) []byte {
	in := slices.Clone(data)
	out, err := Strip(f, data)
	names, merr := Metadata(f, data)
	if !bytes.Equal(in, data) {
		t.Fatal("input was modified")
	}
	if (err == nil) != (merr == nil) {
		t.Fatalf("Strip error %v but Metadata error %v", err, merr)
	}
	if err != nil {
		if !errors.Is(err, ErrInvalid) {
			t.Fatalf("error %v is not ErrInvalid", err)
		}
		return nil
	}
	if len(out) > len(data)+4+orientationExifLen {
		t.Fatalf("output grew from %d to %d bytes", len(data), len(out))
	}
	if left, err := Metadata(f, out); err != nil || len(left) != 0 {
		t.Fatalf("Metadata(Strip(x)) = %q, %v", left, err)
	}
	again, err := Strip(f, out)
	if err != nil || !bytes.Equal(again, out) {
		t.Fatalf("Strip is not idempotent (err %v)", err)
	}
	if clean := len(names) == 0; clean != bytes.Equal(out, data) {
		t.Fatalf("Metadata = %q but Strip changed the data: %v", names, !clean)
	}
	return out
}

// checkSameDecode fails when data decodes but out does not decode to the
// same pixels. Images too large to decode quickly are skipped: the header
// says how big they are, and fuzzed headers ask for gigabytes.
func checkSameDecode(t *testing.T, data, out []byte) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width*cfg.Height > 1<<16 {
		return
	}
	a, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return
	}
	b, _, err := image.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("input decodes, stripped output does not: %v", err)
	}
	if msg := diffPixels(a, b); msg != "" {
		t.Fatal(msg)
	}
}

// fixPNGCRCs returns a copy of data with the CRC of every complete chunk
// set right.
func fixPNGCRCs(data []byte) []byte {
	data = slices.Clone(data)
	for pos := 8; pos+12 <= len(data); {
		n := uint64(binary.BigEndian.Uint32(data[pos:]))
		if uint64(pos)+12+n > uint64(len(data)) {
			break
		}
		end := pos + 12 + int(n)
		binary.BigEndian.PutUint32(data[end-4:], crc32.ChecksumIEEE(data[pos+4:end-4]))
		pos = end
	}
	return data
}

// BenchmarkStripJPEG strips a phone-sized photo's worth of EXIF, XMP and
// ICC from a 1024×768 JPEG; the time should be that of one copy.
func BenchmarkStripJPEG(b *testing.B) {
	in := afterSOI(makeJPEG(b, 1024, 768),
		seg(mAPP0, jfifPlain), seg(mAPP1, buildExif(binary.BigEndian, 6)),
		seg(mAPP1, xmpPayload), seg(mAPP2, iccPart1), seg(mCOM, []byte("comment")))
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Strip(JPEG, in); err != nil {
			b.Fatal(err)
		}
	}
}
