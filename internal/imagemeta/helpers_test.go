package imagemeta

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// Every secret planted by these helpers contains this marker, so a single
// bytes.Contains proves that none of them survived Strip.
const secret = "SECRET"

// testImage is a deterministic picture with enough detail that a lossy
// re-encode would show up in the pixel comparison.
func testImage(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(x * 5), uint8(y * 7), uint8((x*y + 3*x) % 256), uint8(255 - x%3)})
		}
	}
	return img
}

func makeJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, testImage(w, h), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func makePNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, testImage(w, h)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// seg builds a JPEG marker segment.
func seg(marker byte, payload ...[]byte) []byte {
	body := bytes.Join(payload, nil)
	b := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(b[2:], uint16(len(body)+2))
	return append(b, body...)
}

// afterSOI returns jpg with segs inserted right after its SOI marker.
func afterSOI(jpg []byte, segs ...[]byte) []byte {
	out := append([]byte{}, jpg[:2]...)
	for _, s := range segs {
		out = append(out, s...)
	}
	return append(out, jpg[2:]...)
}

// byteOrder can both read and append, which the EXIF builder needs.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// tiffEntry is one IFD entry for buildExif; value holds the encoded values.
type tiffEntry struct {
	tag, typ uint16
	count    uint32
	value    []byte
}

func asciiEntry(tag uint16, s string) tiffEntry {
	return tiffEntry{tag, 2, uint32(len(s) + 1), append([]byte(s), 0)}
}

func shortEntry(order binary.ByteOrder, tag, v uint16) tiffEntry {
	b := make([]byte, 2)
	order.PutUint16(b, v)
	return tiffEntry{tag, 3, 1, b}
}

func rationalEntry(order binary.ByteOrder, tag uint16, nums ...uint32) tiffEntry {
	b := make([]byte, 4*len(nums))
	for i, n := range nums {
		order.PutUint32(b[4*i:], n)
	}
	return tiffEntry{tag, 5, uint32(len(nums) / 2), b}
}

func ifdSize(entries []tiffEntry) int {
	n := 2 + 12*len(entries) + 4
	for _, e := range entries {
		if len(e.value) > 4 {
			n += len(e.value) + len(e.value)&1
		}
	}
	return n
}

// appendIFD writes an IFD that starts at offset base of the TIFF data,
// followed by the values that do not fit in their entries.
func appendIFD(b []byte, order byteOrder, base int, entries []tiffEntry) []byte {
	sort.Slice(entries, func(i, j int) bool { return entries[i].tag < entries[j].tag })
	extra := base + 2 + 12*len(entries) + 4
	var tail []byte
	b = order.AppendUint16(b, uint16(len(entries)))
	for _, e := range entries {
		b = order.AppendUint16(b, e.tag)
		b = order.AppendUint16(b, e.typ)
		b = order.AppendUint32(b, e.count)
		if len(e.value) <= 4 {
			v := make([]byte, 4)
			copy(v, e.value)
			b = append(b, v...)
			continue
		}
		b = order.AppendUint32(b, uint32(extra+len(tail)))
		tail = append(tail, e.value...)
		if len(e.value)%2 == 1 {
			tail = append(tail, 0)
		}
	}
	b = order.AppendUint32(b, 0)
	return append(b, tail...)
}

// buildExif returns an APP1 EXIF payload the way cameras write it: camera
// make and serial in IFD0, an Orientation tag when orientation is not 0,
// and a GPS IFD with the position and a planted secret.
func buildExif(order byteOrder, orientation uint16) []byte {
	ifd0 := []tiffEntry{
		asciiEntry(0x010F, "Camera-SECRET-Make"),
		asciiEntry(0xA431, "SERIAL-SECRET-0042"),
	}
	if orientation != 0 {
		ifd0 = append(ifd0, shortEntry(order, tagOrientation, orientation))
	}
	gps := []tiffEntry{
		asciiEntry(0x0001, "N"),
		rationalEntry(order, 0x0002, 35, 1, 41, 1, 2220, 100),
		asciiEntry(0x0012, "GPS-SECRET-35.6895"),
	}
	// The GPS pointer's value depends on IFD0's size, which it is part
	// of; a placeholder of the right size settles that.
	ifd0 = append(ifd0, tiffEntry{0x8825, 4, 1, make([]byte, 4)})
	gpsAt := 8 + ifdSize(ifd0)
	order.PutUint32(ifd0[len(ifd0)-1].value, uint32(gpsAt))

	b := []byte(exifHeader)
	if order == binary.BigEndian {
		b = append(b, "MM\x00\x2A"...)
	} else {
		b = append(b, "II\x2A\x00"...)
	}
	b = order.AppendUint32(b, 8)
	tiff := appendIFD(nil, order, 8, ifd0)
	tiff = appendIFD(tiff, order, gpsAt, gps)
	return append(b, tiff...)
}

// readTestExif is the test's own IFD0 reader, written apart from readExif
// so that a bug in one does not hide a bug in the other. It returns the
// tags of IFD0 with their first SHORT value, and IFD0's next-IFD offset.
func readTestExif(t *testing.T, p []byte) (order binary.ByteOrder, tags map[uint16]uint16, next uint32) {
	t.Helper()
	if !bytes.HasPrefix(p, []byte(exifHeader)) {
		t.Fatalf("EXIF payload starts %q", p[:min(len(p), 6)])
	}
	tiff := p[6:]
	switch string(tiff[:4]) {
	case "II\x2A\x00":
		order = binary.LittleEndian
	case "MM\x00\x2A":
		order = binary.BigEndian
	default:
		t.Fatalf("TIFF header %q", tiff[:4])
	}
	ifd := order.Uint32(tiff[4:])
	n := int(order.Uint16(tiff[ifd:]))
	tags = map[uint16]uint16{}
	for i := range n {
		e := tiff[int(ifd)+2+12*i:]
		tags[order.Uint16(e)] = order.Uint16(e[8:])
	}
	next = order.Uint32(tiff[int(ifd)+2+12*n:])
	return order, tags, next
}

// jpegSegments lists the marker segments before the first SOS, for tests
// that check what Strip left in the header.
type testSeg struct {
	marker  byte
	payload []byte
}

func jpegHeader(t *testing.T, jpg []byte) []testSeg {
	t.Helper()
	var segs []testSeg
	for pos := 2; pos+4 <= len(jpg); {
		if jpg[pos] != 0xFF {
			t.Fatalf("no marker at %d", pos)
		}
		m := jpg[pos+1]
		if m == mSOS {
			return segs
		}
		n := int(binary.BigEndian.Uint16(jpg[pos+2:]))
		segs = append(segs, testSeg{m, jpg[pos+4 : pos+2+n]})
		pos += 2 + n
	}
	t.Fatal("no SOS")
	return nil
}

// pngChunkBytes builds a PNG chunk with a correct CRC.
func pngChunkBytes(typ string, body []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(body)))
	b = append(b, typ...)
	b = append(b, body...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

// afterIHDR returns png with chunks inserted after its IHDR chunk, where
// writers put most metadata.
func afterIHDR(p []byte, chunks ...[]byte) []byte {
	const at = 8 + 12 + 13
	out := append([]byte{}, p[:at]...)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, p[at:]...)
}

// beforeIEND returns png with chunks inserted before its IEND chunk.
func beforeIEND(p []byte, chunks ...[]byte) []byte {
	at := len(p) - 12
	out := append([]byte{}, p[:at]...)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, p[at:]...)
}

func zlibBytes(s string) []byte {
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

// samePixels fails unless a and b decode to the same pixels, compared one
// by one in 16-bit RGBA so that any change of colour model shows.
func samePixels(t *testing.T, a, b []byte) {
	t.Helper()
	ia, _, err := image.Decode(bytes.NewReader(a))
	if err != nil {
		t.Fatalf("decode input: %v", err)
	}
	ib, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode stripped: %v", err)
	}
	if msg := diffPixels(ia, ib); msg != "" {
		t.Fatal(msg)
	}
}

func diffPixels(a, b image.Image) string {
	if a.Bounds() != b.Bounds() {
		return "bounds " + a.Bounds().String() + " became " + b.Bounds().String()
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if color.RGBA64Model.Convert(a.At(x, y)) != color.RGBA64Model.Convert(b.At(x, y)) {
				return "pixel " + image.Pt(x, y).String() + " changed"
			}
		}
	}
	return ""
}

// webpChunk builds a RIFF chunk with its pad byte.
func webpChunkBytes(fourcc string, body []byte) []byte {
	b := append([]byte(fourcc), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(body)))
	b = append(b, body...)
	if len(body)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

// riff wraps chunks in a RIFF WEBP container with a correct size.
func riff(chunks ...[]byte) []byte {
	b := []byte("RIFF\x00\x00\x00\x00WEBP")
	for _, c := range chunks {
		b = append(b, c...)
	}
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)-8))
	return b
}

// vp8x builds a VP8X header chunk for a canvas of w×h.
func vp8x(flags byte, w, h int) []byte {
	b := []byte{flags, 0, 0, 0}
	b = append(b, byte(w-1), byte((w-1)>>8), byte((w-1)>>16))
	b = append(b, byte(h-1), byte((h-1)>>8), byte((h-1)>>16))
	return webpChunkBytes("VP8X", b)
}

// losslessPixels is the VP8L bitstream of a 2×2 picture with alpha, as
// written by `cwebp -lossless -exact`. It is 35 bytes long, an odd size,
// so every file built from it also exercises RIFF padding.
var losslessPixels = []byte{
	0x2f, 0x01, 0x40, 0x00, 0x10, 0x1f, 0x30, 0xff, 0x02, 0x82, 0x22, 0xff,
	0x47, 0xdb, 0x7f, 0x81, 0x00, 0xc1, 0xb9, 0x73, 0xc1, 0x8d, 0x2a, 0x41,
	0x4d, 0xdb, 0x06, 0x2c, 0x7e, 0x93, 0x8e, 0x88, 0xfe, 0xc7, 0x01,
}

// testWebPChunk is one chunk as listed by walkTestWebP.
type testWebPChunk struct {
	fourcc string
	body   []byte
}

// walkTestWebP is the test's own RIFF reader: it fails unless the RIFF
// size matches the data and every chunk fits.
func walkTestWebP(t *testing.T, b []byte) []testWebPChunk {
	t.Helper()
	if string(b[:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		t.Fatalf("not RIFF WEBP: %q", b[:12])
	}
	if size := binary.LittleEndian.Uint32(b[4:]); int(size) != len(b)-8 {
		t.Fatalf("RIFF size %d, want %d", size, len(b)-8)
	}
	var chunks []testWebPChunk
	for pos := 12; pos < len(b); {
		n := int(binary.LittleEndian.Uint32(b[pos+4:]))
		if pos+8+n+n%2 > len(b) {
			t.Fatalf("chunk at %d runs past the end", pos)
		}
		chunks = append(chunks, testWebPChunk{string(b[pos : pos+4]), b[pos+8 : pos+8+n]})
		pos += 8 + n + n%2
	}
	return chunks
}
