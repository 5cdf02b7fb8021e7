package imagemeta

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// JPEG marker bytes (the byte after 0xFF) that the walker treats specially.
const (
	mSOI  = 0xD8
	mEOI  = 0xD9
	mSOS  = 0xDA
	mTEM  = 0x01
	mRST0 = 0xD0
	mRST7 = 0xD7
	mAPP0 = 0xE0
	mAPP1 = 0xE1
	mAPP2 = 0xE2
	mAP13 = 0xED
	mAP14 = 0xEE
	mAP15 = 0xEF
	mCOM  = 0xFE
)

// jpegAction is what Strip does with one span of a JPEG file.
type jpegAction uint8

const (
	jpegKeep jpegAction = iota // copy verbatim
	jpegDrop                   // metadata: leave out
	jpegJFIF                   // JFIF header with a thumbnail: write it without
)

// jpegSpan is a byte range of the input, data[start:end]. A segment's span
// starts at its first fill byte, so that dropping a segment drops its
// padding too and keeping one keeps the file byte-identical.
type jpegSpan struct {
	start, end int
	body       int // offset of the segment payload, for jpegJFIF
	action     jpegAction
	name       string // metadata block name when action is not jpegKeep
}

// jpegFile is a parsed JPEG: the whole input cut into spans, plus what is
// needed to write the orientation back.
type jpegFile struct {
	data  []byte
	spans []jpegSpan
	// insertAt is the span index before which a new orientation EXIF
	// goes: after SOI and the APP0 segments that lead the file, since
	// JFIF readers insist on APP0 coming first.
	insertAt int
	// exif describes the first EXIF segment before the first scan, the
	// one readers take the orientation from. newExif says Strip must
	// write a minimal one because that segment is being dropped.
	exif    exifInfo
	newExif bool
}

func (j *jpegFile) add(s jpegSpan) {
	if s.start == s.end {
		return
	}
	// Merging neighbouring kept spans keeps the span list short for
	// files with many restart markers or tiny segments. Spans before
	// insertAt stay apart, so the insertion point stays a span boundary.
	if n := len(j.spans); n > j.insertAt && s.action == jpegKeep {
		if last := &j.spans[n-1]; last.action == jpegKeep && last.end == s.start {
			last.end = s.end
			return
		}
	}
	j.spans = append(j.spans, s)
}

func jpegError(offset int, format string, args ...any) error {
	return invalid(JPEG, offset, format, args...)
}

// parseJPEG walks the marker segments of data. Before the first SOS it is
// the usual segment walk. After each SOS it skips the entropy-coded data up
// to the next real marker and carries on walking, because progressive and
// multi-scan files put DHT, DQT, SOS, and now and then APPn and COM
// segments, between their scans. It stops at EOI; what follows is dropped.
func parseJPEG(data []byte) (*jpegFile, error) {
	if len(data) == 0 {
		return nil, jpegError(-1, "empty input")
	}
	if len(data) < 2 || data[0] != 0xFF || data[1] != mSOI {
		return nil, jpegError(0, "missing SOI marker")
	}
	j := &jpegFile{data: data, exif: exifInfo{orientation: 1}}
	j.add(jpegSpan{start: 0, end: 2})
	j.insertAt = 1
	leading := true // still in the APP0 segments right after SOI
	seenExif := false
	seenSOS := false
	pos := 2
	for {
		start := pos
		if pos >= len(data) {
			if seenSOS {
				return nil, jpegError(pos, "missing EOI marker")
			}
			return nil, jpegError(pos, "missing SOS marker")
		}
		if data[pos] != 0xFF {
			return nil, jpegError(pos, "expected a marker, found 0x%02X", data[pos])
		}
		for pos < len(data) && data[pos] == 0xFF {
			pos++ // fill bytes may precede any marker
		}
		if pos >= len(data) {
			return nil, jpegError(start, "truncated marker")
		}
		m := data[pos]
		pos++
		switch {
		case m == mEOI:
			if !seenSOS {
				return nil, jpegError(start, "EOI before any SOS")
			}
			j.add(jpegSpan{start: start, end: pos})
			j.add(jpegSpan{start: pos, end: len(data), action: jpegDrop, name: trailerName})
			return j, nil
		case m == mSOI:
			return nil, jpegError(start, "unexpected SOI marker")
		case m == 0x00:
			return nil, jpegError(start, "invalid marker 0xFF00")
		case m == mTEM || (m >= mRST0 && m <= mRST7):
			// Standalone markers without a length. Inside scans the
			// entropy walk consumes RSTn; stray ones elsewhere are
			// kept as they are harmless.
			j.add(jpegSpan{start: start, end: pos})
			leading = false
			continue
		}
		if pos+2 > len(data) {
			return nil, jpegError(start, "truncated segment")
		}
		n := int(binary.BigEndian.Uint16(data[pos:]))
		if n < 2 {
			return nil, jpegError(start, "segment length %d too small", n)
		}
		end := pos + n
		if end > len(data) {
			return nil, jpegError(start, "truncated segment")
		}
		s := jpegSpan{start: start, end: end, body: pos + 2}
		payload := data[pos+2 : end]
		pos = end

		switch {
		case m == mAPP1 && bytes.HasPrefix(payload, []byte(exifHeader[:5])):
			s.action, s.name = jpegDrop, "EXIF"
			if !seenSOS && !seenExif {
				seenExif = true
				j.exif = readExif(payload)
				if j.exif.minimal {
					s.action, s.name = jpegKeep, ""
				} else {
					j.newExif = j.exif.orientation != 1
				}
			}
		case m >= mAPP0 && m <= mAP15, m == mCOM:
			s.action, s.name = classifyJPEGApp(m, payload)
		}
		j.add(s)

		if m == mAPP0 && leading {
			j.insertAt = len(j.spans)
		} else {
			leading = false
		}
		if m == mSOS {
			seenSOS = true
			end, err := skipEntropy(data, pos)
			if err != nil {
				return nil, err
			}
			j.add(jpegSpan{start: pos, end: end})
			pos = end
		}
	}
}

// skipEntropy returns the offset of the marker (its first fill byte) that
// ends the entropy-coded data starting at pos. Inside that data 0xFF is
// followed by 0x00 (a stuffed byte) or by RSTn; like libjpeg, runs of 0xFF
// before either are taken as fill.
func skipEntropy(data []byte, pos int) (int, error) {
	for {
		i := bytes.IndexByte(data[pos:], 0xFF)
		if i < 0 {
			return 0, jpegError(len(data), "missing EOI marker")
		}
		i += pos
		k := i + 1
		for k < len(data) && data[k] == 0xFF {
			k++
		}
		if k >= len(data) {
			return 0, jpegError(i, "truncated marker")
		}
		if b := data[k]; b != 0x00 && (b < mRST0 || b > mRST7) {
			return i, nil
		}
		pos = k + 1
	}
}

// classifyJPEGApp decides about an APPn or COM segment other than EXIF.
// Only two application segments survive, both because decoders read them:
// JFIF (libjpeg uses it to settle the colour space) and Adobe APP14 (its
// transform flag says whether the data is YCbCr, RGB or YCCK). Everything
// else is a place where writers put captions, locations, profiles and
// previews.
func classifyJPEGApp(m byte, p []byte) (jpegAction, string) {
	has := func(prefix string) bool { return bytes.HasPrefix(p, []byte(prefix)) }
	switch m {
	case mAPP0:
		switch {
		case has("JFIF\x00"):
			// A JFIF header can embed an RGB thumbnail, which may show
			// what a crop was meant to hide; it is cut, the header kept.
			if len(p) > 14 || (len(p) == 14 && (p[12] != 0 || p[13] != 0)) {
				return jpegJFIF, "JFIF thumbnail"
			}
			return jpegKeep, ""
		case has("JFXX\x00"):
			// The JFIF extension exists only to carry a thumbnail.
			return jpegDrop, "JFXX thumbnail"
		}
	case mAPP1:
		if has("http://ns.adobe.com/xap/1.0/\x00") || has("http://ns.adobe.com/xmp/extension/\x00") {
			return jpegDrop, "XMP"
		}
	case mAPP2:
		switch {
		case has("ICC_PROFILE\x00"):
			return jpegDrop, "ICC"
		case has("FPXR\x00"):
			return jpegDrop, "FlashPix"
		case has("MPF\x00"):
			return jpegDrop, "MPF"
		}
	case mAP13:
		if has("Photoshop 3.0\x00") {
			return jpegDrop, "IPTC"
		}
	case mAP14:
		if has("Adobe") {
			return jpegKeep, ""
		}
	case mCOM:
		return jpegDrop, "COM"
	}
	return jpegDrop, fmt.Sprintf("APP%d", m-mAPP0)
}

func (j *jpegFile) strip() []byte {
	out := make([]byte, 0, len(j.data)+4+orientationExifLen)
	for i, s := range j.spans {
		if i == j.insertAt && j.newExif {
			out = append(out, 0xFF, mAPP1, 0, byte(2+orientationExifLen))
			out = append(out, orientationExif(j.exif.order, j.exif.orientation)...)
		}
		switch s.action {
		case jpegKeep:
			out = append(out, j.data[s.start:s.end]...)
		case jpegJFIF:
			// Version, density units and densities stay; the
			// thumbnail size becomes 0x0 and its pixels go.
			out = append(out, 0xFF, mAPP0, 0, 16)
			out = append(out, j.data[s.body:s.body+12]...)
			out = append(out, 0, 0)
		}
	}
	return out
}

func (j *jpegFile) metadata() []string {
	var n names
	for _, s := range j.spans {
		if s.action != jpegKeep {
			n.add(s.name)
		}
	}
	return n
}
