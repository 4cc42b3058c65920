package group

import "fmt"

// Metadata is what a worker reports in JoinGroup for each protocol it offers
// (connect.md §3.2).
type Metadata struct {
	Version      int16  // 0 (default), 1 (compatible) or 2 (sessioned)
	URL          string // advertised REST URL; Java sends it with a trailing slash
	ConfigOffset int64  // config-topic offset this worker has read to
	// Current is the worker's full current assignment (v1+), encoded with
	// the metadata's version as its header; nil encodes null (first join).
	Current *Assignment
}

// MemberMetadata is one group member's decoded JoinGroup metadata as the
// leader receives it.
type MemberMetadata struct {
	MemberID string
	Metadata
}

// MarshalBinary encodes m with its Version's layout: v0 is version, url and
// config-offset; v1/v2 add the nullable allocation holding Current.
func (m Metadata) MarshalBinary() ([]byte, error) {
	if m.Version < 0 {
		return nil, fmt.Errorf("metadata version %d: must not be negative", m.Version)
	}
	w := &writer{b: make([]byte, 0, 32+len(m.URL))}
	w.int16(m.Version)
	w.string("url", m.URL)
	w.int64(m.ConfigOffset)
	if m.Version >= 1 {
		var alloc []byte
		if m.Current != nil {
			cur := *m.Current
			cur.Version = m.Version
			b, err := cur.MarshalBinary()
			if err != nil {
				return nil, fmt.Errorf("allocation: %w", err)
			}
			alloc = b
		}
		w.nullableBytes(alloc)
	}
	return w.b, w.err
}

// DecodeMetadata decodes JoinGroup member metadata of any version with the
// tolerant v1 schema: a v0 payload (no allocation) decodes with Current nil.
// Errors name the field and byte position; it never panics.
func DecodeMetadata(b []byte) (Metadata, error) {
	var m Metadata
	r := &reader{b: b}
	var err error
	if m.Version, err = r.int16("version"); err != nil {
		return m, fmt.Errorf("decoding connect metadata: %w", err)
	}
	if m.Version < 0 {
		return m, fmt.Errorf("decoding connect metadata: unsupported version %d", m.Version)
	}
	if m.URL, err = r.string("url"); err != nil {
		return m, fmt.Errorf("decoding connect metadata v%d: %w", m.Version, err)
	}
	if m.ConfigOffset, err = r.int64("config-offset"); err != nil {
		return m, fmt.Errorf("decoding connect metadata v%d: %w", m.Version, err)
	}
	if r.remaining() == 0 {
		return m, nil
	}
	alloc, err := r.nullableBytes("allocation")
	if err != nil {
		return m, fmt.Errorf("decoding connect metadata v%d: %w", m.Version, err)
	}
	if alloc == nil {
		return m, nil
	}
	a, err := DecodeAssignment(alloc)
	if err != nil {
		return m, fmt.Errorf("decoding connect metadata v%d: allocation: %w", m.Version, err)
	}
	m.Current = &a
	return m, nil
}
