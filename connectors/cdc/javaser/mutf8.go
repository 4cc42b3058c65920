package javaser

import "unicode/utf16"

// appendModifiedUTF8 appends s in Java's modified UTF-8 (DataOutput.writeUTF's
// encoding): NUL as two bytes, characters outside the BMP as two three-byte
// surrogates.
func appendModifiedUTF8(out []byte, s string) []byte {
	for _, r := range s {
		switch {
		case r == 0:
			out = append(out, 0xC0, 0x80)
		case r < 0x80:
			out = append(out, byte(r))
		case r < 0x800:
			out = append(out, 0xC0|byte(r>>6), 0x80|byte(r&0x3F))
		case r < 0x10000:
			out = append(out, 0xE0|byte(r>>12), 0x80|byte((r>>6)&0x3F), 0x80|byte(r&0x3F))
		default:
			r1, r2 := utf16.EncodeRune(r)
			for _, u := range []rune{r1, r2} {
				out = append(out, 0xE0|byte(u>>12), 0x80|byte((u>>6)&0x3F), 0x80|byte(u&0x3F))
			}
		}
	}
	return out
}

// decodeModifiedUTF8 decodes Java's modified UTF-8. It is lenient as a reader of
// stored offsets should be: a truncated sequence or a lone surrogate becomes U+FFFD.
func decodeModifiedUTF8(b []byte) string {
	units := make([]uint16, 0, len(b))
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c < 0x80:
			units = append(units, uint16(c))
			i++
		case c&0xE0 == 0xC0 && i+1 < len(b):
			units = append(units, uint16(c&0x1F)<<6|uint16(b[i+1]&0x3F))
			i += 2
		case i+2 < len(b):
			units = append(units, uint16(c&0x0F)<<12|uint16(b[i+1]&0x3F)<<6|uint16(b[i+2]&0x3F))
			i += 3
		default:
			units = append(units, 0xFFFD)
			i = len(b)
		}
	}
	return string(utf16.Decode(units))
}
