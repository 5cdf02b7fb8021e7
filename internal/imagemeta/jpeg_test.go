package imagemeta

import (
	"bytes"
	"encoding/binary"
	"slices"
	"testing"
)

var (
	xmpPayload  = []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><rdf:Description>XMP-SECRET</rdf:Description></x:xmpmeta>")
	xmpExtended = []byte("http://ns.adobe.com/xmp/extension/\x000123456789ABCDEF0123456789ABCDEF\x00\x00\x01\x00\x00\x00\x00\x00XMP-SECRET-2")
	// An IPTC-IIM record 2:80 (By-line) inside a Photoshop 8BIM 0x0404 block.
	iptcPayload = []byte("Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x10\x1c\x02\x50\x00\x0bIPTC-SECRET\x00")
	// Real ICC profiles are split over APP2 segments numbered 1 of N.
	iccPart1     = []byte("ICC_PROFILE\x00\x01\x02\x00\x00\x02\x00appl ICC-SECRET-a")
	iccPart2     = []byte("ICC_PROFILE\x00\x02\x02ICC-SECRET-b")
	jfifPlain    = []byte("JFIF\x00\x01\x02\x01\x00\x48\x00\x48\x00\x00")
	jfifThumb    = append([]byte("JFIF\x00\x01\x02\x01\x00\x48\x00\x48\x01\x02"), "THUMB-SECRET"[:6]...)
	jfxxPayload  = []byte("JFXX\x00\x13THUMB-SECRET")
	adobePayload = []byte("Adobe\x00\x64\x80\x00\x00\x00\x01")
)

func TestStripJPEG(t *testing.T) {
	base := makeJPEG(t, 37, 23)
	exifII := buildExif(binary.LittleEndian, 0)
	tests := []struct {
		name string
		in   []byte
		want []string // what Metadata reports before Strip
	}{
		{"clean", base, nil},
		{"JFIF kept", afterSOI(base, seg(mAPP0, jfifPlain)), nil},
		{"Adobe kept", afterSOI(base, seg(mAP14, adobePayload)), nil},
		{"EXIF with GPS", afterSOI(base, seg(mAPP1, exifII)), []string{"EXIF"}},
		{"EXIF big-endian", afterSOI(base, seg(mAPP1, buildExif(binary.BigEndian, 0))), []string{"EXIF"}},
		{"XMP", afterSOI(base, seg(mAPP1, xmpPayload)), []string{"XMP"}},
		{"extended XMP", afterSOI(base, seg(mAPP1, xmpPayload), seg(mAPP1, xmpExtended)), []string{"XMP"}},
		{"IPTC", afterSOI(base, seg(mAP13, iptcPayload)), []string{"IPTC"}},
		{"ICC in two parts", afterSOI(base, seg(mAPP2, iccPart1), seg(mAPP2, iccPart2)), []string{"ICC"}},
		{"FlashPix", afterSOI(base, seg(mAPP2, []byte("FPXR\x00\x00SECRET"))), []string{"FlashPix"}},
		{"MPF", afterSOI(base, seg(mAPP2, []byte("MPF\x00MM\x00\x2ASECRET"))), []string{"MPF"}},
		{"COM", afterSOI(base, seg(mCOM, []byte("COM-SECRET"))), []string{"COM"}},
		{"unknown APP1", afterSOI(base, seg(mAPP1, []byte("Other-SECRET"))), []string{"APP1"}},
		{"Ducky APP12", afterSOI(base, seg(0xEC, []byte("Ducky\x00SECRET"))), []string{"APP12"}},
		{"APP15", afterSOI(base, seg(mAP15, []byte("SECRET"))), []string{"APP15"}},
		{"non-Adobe APP14", afterSOI(base, seg(mAP14, []byte("Other-SECRET"))), []string{"APP14"}},
		{"AVI1 APP0", afterSOI(base, seg(mAPP0, []byte("AVI1\x00SECRET"))), []string{"APP0"}},
		{"JFIF thumbnail", afterSOI(base, seg(mAPP0, jfifThumb)), []string{"JFIF thumbnail"}},
		{"JFXX thumbnail", afterSOI(base, seg(mAPP0, jfifPlain), seg(mAPP0, jfxxPayload)), []string{"JFXX thumbnail"}},
		{"trailer after EOI", append(slices.Clip(base), "MOTION-PHOTO-SECRET"...), []string{trailerName}},
		{
			"everything",
			append(afterSOI(base,
				seg(mAPP0, jfifThumb), seg(mAPP1, exifII), seg(mAPP1, xmpPayload),
				seg(mAPP2, iccPart1), seg(mAP13, iptcPayload), seg(mAP14, adobePayload),
				seg(mCOM, []byte("COM-SECRET"))), "TRAILER-SECRET"...),
			[]string{"JFIF thumbnail", "EXIF", "XMP", "ICC", "IPTC", "COM", trailerName},
		},
		{"exiftool", readTestdata(t, "exiftool.jpg"), []string{"EXIF", "IPTC", "XMP", "COM"}},
		{"progressive", readTestdata(t, "progressive.jpg"), nil},
		{"progressive EXIF", afterSOI(readTestdata(t, "progressive.jpg"), seg(mAPP1, exifII)), []string{"EXIF"}},
		{"restart markers", readTestdata(t, "restart.jpg"), nil},
		{"restart markers and EXIF", afterSOI(readTestdata(t, "restart.jpg"), seg(mAPP1, exifII)), []string{"EXIF"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkStripped(t, JPEG, tt.in, tt.want)
			samePixels(t, tt.in, mustStrip(t, JPEG, tt.in))
		})
	}
}

func mustStrip(t *testing.T, f Format, in []byte) []byte {
	t.Helper()
	out, err := Strip(f, in)
	if err != nil {
		t.Fatalf("Strip: %v", err)
	}
	return out
}

// checkStripped holds for every format: Metadata names what is there,
// Strip removes all of it and every planted secret, stripping again
// changes nothing, and clean input comes back byte-identical.
func checkStripped(t *testing.T, f Format, in []byte, want []string) {
	t.Helper()
	got, err := Metadata(f, in)
	if err != nil {
		t.Fatalf("Metadata(input): %v", err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("Metadata(input) = %q, want %q", got, want)
	}
	out := mustStrip(t, f, in)
	if bytes.Contains(out, []byte(secret)) {
		i := bytes.Index(out, []byte(secret))
		t.Errorf("secret left at offset %d: %q", i, out[max(0, i-20):min(len(out), i+20)])
	}
	if left, err := Metadata(f, out); err != nil || len(left) != 0 {
		t.Errorf("Metadata(stripped) = %q, %v; want nothing", left, err)
	}
	if again := mustStrip(t, f, out); !bytes.Equal(again, out) {
		t.Error("Strip is not idempotent")
	}
	if len(want) == 0 && !bytes.Equal(out, in) {
		t.Error("clean input changed")
	}
	if len(want) != 0 && bytes.Equal(out, in) {
		t.Error("input with metadata came back unchanged")
	}
}

func TestStripJPEGOrientation(t *testing.T) {
	base := makeJPEG(t, 16, 8)
	orders := []struct {
		name  string
		order byteOrder
	}{{"II", binary.LittleEndian}, {"MM", binary.BigEndian}}
	tests := []struct {
		name        string
		orientation uint16 // 0: no tag
		jfif        bool   // a JFIF APP0 leads the file
		want        uint16 // 0: no EXIF at all after Strip
	}{
		{"rotate 90", 6, false, 6},
		{"rotate 90 after JFIF", 6, true, 6},
		{"rotate 180", 3, false, 3},
		{"rotate 270", 8, false, 8},
		{"mirrored", 2, false, 2},
		{"upright", 1, false, 0},
		{"no tag", 0, false, 0},
		{"out of range", 9, false, 0},
	}
	for _, o := range orders {
		for _, tt := range tests {
			t.Run(o.name+"/"+tt.name, func(t *testing.T) {
				segs := [][]byte{seg(mAPP1, buildExif(o.order, tt.orientation)), seg(mCOM, []byte("COM-SECRET"))}
				if tt.jfif {
					segs = append([][]byte{seg(mAPP0, jfifPlain)}, segs...)
				}
				in := afterSOI(base, segs...)
				out := mustStrip(t, JPEG, in)
				if bytes.Contains(out, []byte(secret)) {
					t.Error("secret left")
				}
				if left, _ := Metadata(JPEG, out); len(left) != 0 {
					t.Errorf("Metadata(stripped) = %q", left)
				}
				samePixels(t, in, out)

				hdr := jpegHeader(t, out)
				var exifs []int
				for i, s := range hdr {
					if s.marker == mAPP1 {
						exifs = append(exifs, i)
					}
				}
				if tt.want == 0 {
					if len(exifs) != 0 {
						t.Fatalf("EXIF left for orientation %d", tt.orientation)
					}
					return
				}
				if len(exifs) != 1 {
					t.Fatalf("%d APP1 segments, want 1", len(exifs))
				}
				// Readers want JFIF first and EXIF right after it.
				wantAt := 0
				if tt.jfif {
					wantAt = 1
				}
				if exifs[0] != wantAt {
					t.Errorf("EXIF is segment %d, want %d", exifs[0], wantAt)
				}
				order, tags, next := readTestExif(t, hdr[exifs[0]].payload)
				if order != o.order {
					t.Errorf("byte order changed to %v", order)
				}
				if len(tags) != 1 || tags[tagOrientation] != tt.want {
					t.Errorf("tags = %v, want only orientation %d", tags, tt.want)
				}
				if next != 0 {
					t.Errorf("IFD0 links to IFD1 at %d; a thumbnail could follow", next)
				}
			})
		}
	}
}

func TestStripJPEGOrientationOnlyExif(t *testing.T) {
	base := makeJPEG(t, 16, 8)
	minimalMM := orientationExif(binary.BigEndian, 6)
	tests := []struct {
		name string
		in   []byte
		want []string
	}{
		// What Strip writes is clean, in either byte order.
		{"minimal II", afterSOI(base, seg(mAPP1, orientationExif(binary.LittleEndian, 6))), nil},
		{"minimal MM", afterSOI(base, seg(mAPP1, minimalMM)), nil},
		{"minimal after JFIF", afterSOI(base, seg(mAPP0, jfifPlain), seg(mAPP1, minimalMM)), nil},
		// Orientation 1 says nothing, so Strip drops it.
		{"minimal upright", afterSOI(base, seg(mAPP1, orientationExif(binary.LittleEndian, 1))), []string{"EXIF"}},
		// Bytes after the IFD could carry anything.
		{"minimal plus padding", afterSOI(base, seg(mAPP1, minimalMM, []byte("SECRET"))), []string{"EXIF"}},
		// A second EXIF segment is dropped even after a clean first one.
		{"minimal then full", afterSOI(base, seg(mAPP1, minimalMM), seg(mAPP1, buildExif(binary.BigEndian, 3))), []string{"EXIF"}},
		// EXIF between scans is never read for orientation.
		{"minimal after SOS", insertBeforeEOI(base, seg(mAPP1, minimalMM)), []string{"EXIF"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkStripped(t, JPEG, tt.in, tt.want)
		})
	}

	// The first EXIF decides the orientation, as in readers.
	in := afterSOI(base, seg(mAPP1, buildExif(binary.BigEndian, 6)), seg(mAPP1, buildExif(binary.LittleEndian, 3)))
	hdr := jpegHeader(t, mustStrip(t, JPEG, in))
	if !bytes.Equal(hdr[0].payload, minimalMM) {
		t.Errorf("first segment after Strip = %q, want orientation 6 big-endian", hdr[0].payload)
	}
}

func insertBeforeEOI(jpg []byte, segs ...[]byte) []byte {
	out := append([]byte{}, jpg[:len(jpg)-2]...)
	for _, s := range segs {
		out = append(out, s...)
	}
	return append(out, 0xFF, mEOI)
}

func TestReadExif(t *testing.T) {
	le := binary.LittleEndian
	valid := buildExif(le, 6)
	corrupt := func(at int, b ...byte) []byte {
		p := slices.Clone(valid)
		copy(p[at:], b)
		return p
	}
	tests := []struct {
		name    string
		in      []byte
		want    uint16
		minimal bool
	}{
		{"full II", valid, 6, false},
		{"full MM", buildExif(binary.BigEndian, 8), 8, false},
		{"minimal", orientationExif(le, 5), 5, true},
		{"minimal upright", orientationExif(le, 1), 1, false},
		{"0xFF after Exif", corrupt(5, 0xFF), 6, false},
		{"empty", nil, 1, false},
		{"header only", []byte(exifHeader), 1, false},
		{"no Exif header", valid[6:], 1, false},
		{"bad byte order", corrupt(6, 'X', 'X'), 1, false},
		{"bad magic", corrupt(8, 0, 0), 1, false},
		{"IFD0 past the end", corrupt(10, 0xFF, 0xFF, 0xFF, 0x7F), 1, false},
		{"IFD0 at the last byte", corrupt(10, byte(len(valid)-7), 0, 0, 0), 1, false},
		{"entry count past the end", corrupt(14, 0xFF, 0xFF), 6, false}, // read as far as it goes
		{"truncated IFD", valid[:6+8+2+12], 1, false},
		{"orientation as LONG", orientationLong(le, 6), 1, false},
		{"orientation 0", orientationExif(le, 0), 1, false},
		{"orientation 9", orientationExif(le, 9), 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readExif(tt.in)
			if got.orientation != tt.want || got.minimal != tt.minimal {
				t.Errorf("readExif = orientation %d minimal %v, want %d %v", got.orientation, got.minimal, tt.want, tt.minimal)
			}
		})
	}
}

func orientationLong(order binary.ByteOrder, v uint16) []byte {
	p := orientationExif(order, 0)
	order.PutUint16(p[6+8+2+2:], 4)
	order.PutUint32(p[6+8+2+8:], uint32(v))
	return p
}

// TestStripJPEGBetweenScans plants segments between the scans of
// multi-scan files, where a walk that stops at the first SOS would miss
// them. Removing them must give back the file as it was before.
func TestStripJPEGBetweenScans(t *testing.T) {
	// Before the second SOS, after that scan's DHT; the second one with
	// fill bytes before its marker.
	beforeSecondScan := func(jpg []byte) []byte {
		second := indexMarker(jpg, mSOS, 2)
		return slices.Concat(jpg[:second],
			seg(mCOM, []byte("COM-SECRET-between-scans")),
			[]byte{0xFF, 0xFF}, seg(mAPP1, xmpPayload),
			jpg[second:])
	}
	afterLastScan := func(jpg []byte) []byte { return insertBeforeEOI(jpg, seg(mAP13, iptcPayload)) }
	tests := []struct {
		file    string
		plant   func([]byte) []byte
		want    []string
		decodes bool // image/jpeg cannot decode progressive files with restart markers
	}{
		{"progressive.jpg", beforeSecondScan, []string{"COM", "XMP"}, true},
		{"progressive.jpg", afterLastScan, []string{"IPTC"}, true},
		{"progressive-restart.jpg", beforeSecondScan, []string{"COM", "XMP"}, false},
		{"restart.jpg", afterLastScan, []string{"IPTC"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.want[0], func(t *testing.T) {
			orig := readTestdata(t, tt.file)
			in := tt.plant(orig)
			checkStripped(t, JPEG, in, tt.want)
			out := mustStrip(t, JPEG, in)
			if !bytes.Equal(out, orig) {
				t.Error("stripped file differs from the file before the segments were planted")
			}
			if tt.decodes {
				samePixels(t, in, out)
			}
		})
	}
}

// indexMarker returns the offset of the nth 0xFF m in jpg. Outside headers
// 0xFF is always followed by 0x00 or RSTn, so a plain search is enough for
// SOS in the test fixtures.
func indexMarker(jpg []byte, m byte, nth int) int {
	off := 0
	for i := 0; i < nth; i++ {
		j := bytes.Index(jpg[off:], []byte{0xFF, m})
		if j < 0 {
			return -1
		}
		off += j
		if i < nth-1 {
			off += 2
		}
	}
	return off
}

func TestStripJPEGFillBytes(t *testing.T) {
	base := makeJPEG(t, 8, 8)
	// Fill bytes before a kept marker survive; before a dropped one they
	// go with it.
	clean := slices.Concat(base[:2], []byte{0xFF, 0xFF, 0xFF}, base[2:])
	checkStripped(t, JPEG, clean, nil)
	dirty := slices.Concat(base[:2], []byte{0xFF, 0xFF}, seg(mCOM, []byte("COM-SECRET")), base[2:])
	checkStripped(t, JPEG, dirty, []string{"COM"})
	if out := mustStrip(t, JPEG, dirty); !bytes.Equal(out, base) {
		t.Error("fill bytes of a dropped segment were kept")
	}
}

func TestStripJPEGKeepsJFIFHeader(t *testing.T) {
	in := afterSOI(makeJPEG(t, 8, 8), seg(mAPP0, jfifThumb))
	hdr := jpegHeader(t, mustStrip(t, JPEG, in))
	want := slices.Concat(jfifThumb[:12], []byte{0, 0})
	if hdr[0].marker != mAPP0 || !bytes.Equal(hdr[0].payload, want) {
		t.Errorf("first segment = %X %q, want JFIF without thumbnail %q", hdr[0].marker, hdr[0].payload, want)
	}
}
