package imagemeta

import (
	"bytes"
	"encoding/binary"
)

// exifHeader opens the payload of a JPEG APP1 segment that holds EXIF.
const exifHeader = "Exif\x00\x00"

// tagOrientation is the TIFF tag that tells viewers how to rotate or flip
// the stored pixels. Cameras store portrait photos sideways and set it to
// 6 or 8, so dropping it would publish those photos lying on their side.
const tagOrientation = 0x0112

// orientationExifLen is the size of the payload that orientationExif builds:
// the 6-byte header, an 8-byte TIFF header, a 2-byte entry count, one
// 12-byte entry and a 4-byte next-IFD offset.
const orientationExifLen = len(exifHeader) + 8 + 2 + 12 + 4

// orientationExif returns the payload of the only EXIF that Strip ever
// writes: IFD0 with a single Orientation entry and no further IFDs, so no
// thumbnail, GPS, maker note or camera serial can ride along.
func orientationExif(order binary.ByteOrder, orientation uint16) []byte {
	b := make([]byte, 0, orientationExifLen)
	b = append(b, exifHeader...)
	var o binary.AppendByteOrder = binary.LittleEndian
	if order == binary.BigEndian {
		o = binary.BigEndian
		b = append(b, 'M', 'M')
	} else {
		b = append(b, 'I', 'I')
	}
	b = o.AppendUint16(b, 42)
	b = o.AppendUint32(b, 8) // IFD0 follows the header directly
	b = o.AppendUint16(b, 1) // one entry
	b = o.AppendUint16(b, tagOrientation)
	b = o.AppendUint16(b, 3) // SHORT
	b = o.AppendUint32(b, 1) // one value
	b = o.AppendUint16(b, orientation)
	b = o.AppendUint16(b, 0) // the value field is 4 bytes wide
	b = o.AppendUint32(b, 0) // no IFD1: no thumbnail
	return b
}

// exifInfo is what Strip needs to know about one EXIF payload.
type exifInfo struct {
	order       binary.ByteOrder
	orientation uint16 // 1 (upright) when absent or out of range
	// minimal says the payload is byte for byte what orientationExif
	// writes for an orientation other than 1. Anything looser, even
	// padding after the IFD, could hide data and counts as metadata.
	minimal bool
}

// readExif finds the Orientation tag in an EXIF payload. Malformed EXIF is
// not an error: it is dropped like any other, and the picture is taken to
// be upright, which is what most viewers do with EXIF they cannot read.
// Every offset is checked against len(p), so no input makes it allocate
// or read out of range.
func readExif(p []byte) exifInfo {
	info := exifInfo{order: binary.LittleEndian, orientation: 1}
	// Some writers put 0xFF instead of 0x00 in the last header byte, and
	// readers accept it, so only the first five bytes are checked.
	if len(p) < len(exifHeader)+8 || string(p[:5]) != exifHeader[:5] {
		return info
	}
	tiff := p[len(exifHeader):]
	switch string(tiff[:2]) {
	case "II":
	case "MM":
		info.order = binary.BigEndian
	default:
		return info
	}
	order := info.order
	if order.Uint16(tiff[2:]) != 42 {
		return info
	}
	ifd := uint64(order.Uint32(tiff[4:]))
	if ifd+2 > uint64(len(tiff)) {
		return info
	}
	count := int(order.Uint16(tiff[ifd:]))
	entries := tiff[ifd+2:]
	for i := 0; i < count && 12*(i+1) <= len(entries); i++ {
		e := entries[12*i : 12*(i+1)]
		if order.Uint16(e) != tagOrientation {
			continue
		}
		// SHORT with one value, stored in the first two bytes of the
		// value field; a readable tag of another shape is ignored, as
		// browsers do.
		if order.Uint16(e[2:]) == 3 && order.Uint32(e[4:]) == 1 {
			if v := order.Uint16(e[8:]); v >= 1 && v <= 8 {
				info.orientation = v
			}
		}
		break
	}
	info.minimal = info.orientation != 1 &&
		bytes.Equal(p, orientationExif(order, info.orientation))
	return info
}
