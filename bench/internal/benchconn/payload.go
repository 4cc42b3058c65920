// Package benchconn holds the connectors the benchmarks run through the real worker
// runtime: a synthetic source that emits numbered records of a fixed size, and a sink
// that drops what it is given and reports when it has seen the expected count. It
// also encodes the records the franz-go peers send, so both sides of a comparison
// move the same bytes.
package benchconn

import "strconv"

// PoolSize is how many distinct records both sides of a comparison pre-encode and
// cycle through: record seq carries the key and value of seq % PoolSize, so the
// runtime and the franz-go peer move the same bytes and neither pays for making them.
const PoolSize = 1 << 16

// KeyBytes is the size of every record key: the sequence number, zero-padded.
const KeyBytes = 10

// AppendKey appends the key of record seq to dst.
func AppendKey(dst []byte, seq int64) []byte {
	var digits [20]byte
	d := strconv.AppendInt(digits[:0], seq, 10)
	for i := len(d); i < KeyBytes; i++ {
		dst = append(dst, '0')
	}
	return append(dst, d...)
}

// AppendValue appends the value of record seq, exactly size bytes (at least the
// number's digits), to dst: "seq=<n>;" followed by a printable filler.
func AppendValue(dst []byte, seq int64, size int) []byte {
	start := len(dst)
	dst = append(dst, "seq="...)
	dst = strconv.AppendInt(dst, seq, 10)
	dst = append(dst, ';')
	// The filler is the alphabet repeated, starting at a letter that depends on seq,
	// copied in chunks so the encoding costs little next to the pipeline it feeds.
	shift := int(seq % 26)
	for n := size - (len(dst) - start); n > 0; {
		chunk := alphabet[shift:min(len(alphabet), shift+n)]
		dst = append(dst, chunk...)
		n -= len(chunk)
		shift = 0
	}
	return dst
}

// alphabet is the filler of AppendValue: a..z repeated.
var alphabet = func() string {
	b := make([]byte, 26*40)
	for i := range b {
		b[i] = 'a' + byte(i%26)
	}
	return string(b)
}()
