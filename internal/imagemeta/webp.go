package imagemeta

import (
	"encoding/binary"
)

// VP8X flag bits for the chunks that Strip drops. The alpha and animation
// bits describe pixels and stay.
const (
	vp8xICC  = 0x20
	vp8xEXIF = 0x08
	vp8xXMP  = 0x04
	vp8xMeta = vp8xICC | vp8xEXIF | vp8xXMP
)

// webpKeep lists the chunks that survive: the extended header, the still
// and animation bitstreams and their alpha. EXIF, "XMP " and ICCP are
// dropped, and so are unknown chunks, which the format lets writers add
// and readers ignore: whatever they hold, no decoder needs it.
//
// An EXIF orientation is not written back: browsers and libwebp ignore
// orientation in WebP, so what visitors see is the pixels as stored, and
// dropping the tag changes nothing on screen.
var webpKeep = map[string]bool{
	"VP8X": true, "VP8 ": true, "VP8L": true,
	"ALPH": true, "ANIM": true, "ANMF": true,
}

// webpChunk is one chunk, header and pad byte included: data[start:end].
type webpChunk struct {
	start, end int
	name       string // metadata block name, empty when the chunk is kept
}

type webpFile struct {
	data   []byte
	chunks []webpChunk
	vp8x   int // offset of the VP8X flags byte, 0 when the file is simple
	// trailer holds bytes after the RIFF data, reported and dropped.
	trailer bool
}

func webpError(offset int, format string, args ...any) error {
	return invalid(WebP, offset, format, args...)
}

// parseWebP walks the RIFF chunks. It checks structure only (container,
// chunk sizes, that there is a bitstream and that it starts the way VP8 and
// VP8L bitstreams must) and never decodes pixels.
func parseWebP(data []byte) (*webpFile, error) {
	if len(data) == 0 {
		return nil, webpError(-1, "empty input")
	}
	if len(data) < 12 {
		return nil, webpError(0, "truncated RIFF header")
	}
	if string(data[:4]) != "RIFF" || string(data[8:12]) != "WEBP" {
		return nil, webpError(0, "wrong signature")
	}
	size := uint64(binary.LittleEndian.Uint32(data[4:]))
	if size+8 > uint64(len(data)) {
		return nil, webpError(4, "RIFF size %d past end of data", size)
	}
	end := int(size) + 8
	w := &webpFile{data: data, trailer: end < len(data)}
	seenImage := false
	for pos := 12; pos < end; {
		if pos+8 > end {
			return nil, webpError(pos, "truncated chunk header")
		}
		fourcc := string(data[pos : pos+4])
		n := uint64(binary.LittleEndian.Uint32(data[pos+4:]))
		padded := n + n&1 // chunks are padded to an even size
		if uint64(pos)+8+padded > uint64(end) {
			return nil, webpError(pos, "chunk size %d past end of data", n)
		}
		body := data[pos+8 : pos+8+int(n)]
		first := len(w.chunks) == 0
		switch fourcc {
		case "VP8X":
			if !first {
				return nil, webpError(pos, "VP8X chunk not first")
			}
			if len(body) < 10 {
				return nil, webpError(pos, "VP8X chunk too short")
			}
			w.vp8x = pos + 8
		case "VP8L":
			if len(body) < 5 || body[0] != 0x2F {
				return nil, webpError(pos, "bad VP8L signature")
			}
			seenImage = true
		case "VP8 ":
			if len(body) < 10 || body[3] != 0x9D || body[4] != 0x01 || body[5] != 0x2A {
				return nil, webpError(pos, "bad VP8 start code")
			}
			seenImage = true
		case "ANMF":
			seenImage = true
		}
		if first && fourcc != "VP8X" && fourcc != "VP8L" && fourcc != "VP8 " {
			return nil, webpError(pos, "first chunk is %q, not VP8, VP8L or VP8X", fourcc)
		}
		c := webpChunk{start: pos, end: pos + 8 + int(padded)}
		if !webpKeep[fourcc] {
			c.name = webpName(data[pos : pos+4])
		}
		w.chunks = append(w.chunks, c)
		pos = c.end
	}
	if !seenImage {
		return nil, webpError(-1, "no image data")
	}
	return w, nil
}

func webpName(fourcc []byte) string {
	switch string(fourcc) {
	case "EXIF":
		return "EXIF"
	case "XMP ":
		return "XMP"
	case "ICCP":
		return "ICC"
	}
	return printableTag(fourcc)
}

func (w *webpFile) strip() []byte {
	out := make([]byte, 0, len(w.data))
	out = append(out, "RIFF\x00\x00\x00\x00WEBP"...)
	for _, c := range w.chunks {
		if c.name != "" {
			continue
		}
		if c.start+8 == w.vp8x {
			// A flag without its chunk would make readers look for
			// metadata that is gone; clear the bits of what was dropped.
			out = append(out, w.data[c.start:w.vp8x]...)
			out = append(out, w.data[w.vp8x]&^vp8xMeta)
			out = append(out, w.data[w.vp8x+1:c.end]...)
			continue
		}
		out = append(out, w.data[c.start:c.end]...)
	}
	binary.LittleEndian.PutUint32(out[4:], uint32(len(out)-8))
	return out
}

func (w *webpFile) metadata() []string {
	var n names
	for _, c := range w.chunks {
		if c.name != "" {
			n.add(c.name)
		}
	}
	// A set flag with no chunk behind it is not a leak, but Strip would
	// still change the file, and Metadata reports whatever Strip would
	// change. Beside a dropped chunk it would only be noise.
	if len(n) == 0 && w.vp8x != 0 && w.data[w.vp8x]&vp8xMeta != 0 {
		n.add("VP8X metadata flags")
	}
	if w.trailer {
		n.add(trailerName)
	}
	return n
}
