package imagemeta

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
)

const pngSignature = "\x89PNG\r\n\x1a\n"

// pngKeep lists the chunks that survive: the critical ones, the ancillary
// ones that change how pixels are shown (transparency, gamma, colour space,
// significant bits, aspect ratio, background), and the APNG animation
// chunks, without which an animation would show its first frame only.
// cICP, mDCV and cLLI describe HDR colour and are honoured by browsers;
// they hold numbers about the encoding, nothing about the picture's origin.
//
// Dropped are all text chunks (tEXt, zTXt, iTXt, where XMP also lives),
// eXIf, iCCP, tIME and anything unknown. eXIf goes without writing back an
// orientation: browsers apply PNG eXIf orientation inconsistently (most
// ignore it outside image-orientation: from-image), so the pixels as
// stored are what nearly every visitor already sees.
var pngKeep = map[string]bool{
	"IHDR": true, "PLTE": true, "IDAT": true, "IEND": true,
	"tRNS": true, "gAMA": true, "cHRM": true, "sRGB": true, "sBIT": true,
	"pHYs": true, "bKGD": true,
	"acTL": true, "fcTL": true, "fdAT": true,
	"cICP": true, "mDCV": true, "cLLI": true,
}

// pngChunk is one chunk, header and CRC included: data[start:end].
type pngChunk struct {
	start, end int
	name       string // metadata block name, empty when the chunk is kept
}

type pngFile struct {
	data   []byte
	chunks []pngChunk
}

func pngError(offset int, format string, args ...any) error {
	return invalid(PNG, offset, format, args...)
}

// parsePNG checks the signature, every chunk's length and CRC, and that the
// file starts with IHDR, has image data and ends with IEND.
func parsePNG(data []byte) (*pngFile, error) {
	if len(data) == 0 {
		return nil, pngError(-1, "empty input")
	}
	if !bytes.HasPrefix(data, []byte(pngSignature)) {
		return nil, pngError(0, "wrong signature")
	}
	p := &pngFile{data: data}
	pos := len(pngSignature)
	seenIDAT := false
	for {
		if pos == len(data) {
			return nil, pngError(pos, "missing IEND chunk")
		}
		if pos+8 > len(data) {
			return nil, pngError(pos, "truncated chunk header")
		}
		n := binary.BigEndian.Uint32(data[pos:])
		// Compare in uint64 so that a huge length cannot overflow.
		if n > 1<<31-1 || uint64(pos)+12+uint64(n) > uint64(len(data)) {
			return nil, pngError(pos, "chunk length %d past end of data", n)
		}
		typ := data[pos+4 : pos+8]
		for _, c := range typ {
			if (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') {
				return nil, pngError(pos, "invalid chunk type %q", typ)
			}
		}
		end := pos + 12 + int(n)
		if crc32.ChecksumIEEE(data[pos+4:end-4]) != binary.BigEndian.Uint32(data[end-4:]) {
			return nil, pngError(pos, "CRC mismatch in %s chunk", typ)
		}
		name := string(typ)
		switch {
		case len(p.chunks) == 0 && name != "IHDR":
			return nil, pngError(pos, "first chunk is %s, not IHDR", typ)
		case len(p.chunks) > 0 && name == "IHDR":
			return nil, pngError(pos, "second IHDR chunk")
		case name == "IDAT":
			seenIDAT = true
		}
		c := pngChunk{start: pos, end: end}
		if !pngKeep[name] {
			// An unknown critical chunk (upper-case first letter) means
			// no decoder can show the image; dropping it would not help.
			if typ[0] < 'a' {
				return nil, pngError(pos, "unknown critical chunk %s", typ)
			}
			c.name = pngName(name, data[pos+8:end-4])
		}
		p.chunks = append(p.chunks, c)
		pos = end
		if name == "IEND" {
			if !seenIDAT {
				return nil, pngError(pos, "no IDAT chunk")
			}
			if pos < len(data) {
				p.chunks = append(p.chunks, pngChunk{start: pos, end: len(data), name: trailerName})
			}
			return p, nil
		}
	}
}

// pngName names a dropped chunk the way the leak report speaks of it.
func pngName(typ string, body []byte) string {
	switch typ {
	case "eXIf":
		return "EXIF"
	case "iCCP":
		return "ICC"
	case "iTXt":
		if bytes.HasPrefix(body, []byte("XML:com.adobe.xmp\x00")) {
			return "XMP"
		}
	}
	return typ
}

func (p *pngFile) strip() []byte {
	out := make([]byte, 0, len(p.data))
	out = append(out, pngSignature...)
	for _, c := range p.chunks {
		if c.name == "" {
			out = append(out, p.data[c.start:c.end]...)
		}
	}
	return out
}

func (p *pngFile) metadata() []string {
	var n names
	for _, c := range p.chunks {
		if c.name != "" {
			n.add(c.name)
		}
	}
	return n
}
