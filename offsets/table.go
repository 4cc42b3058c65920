package offsets

import (
	"fmt"
	"maps"
)

// table is the in-memory view every Store keeps: per connector, the latest offset
// of each partition, keyed by the partition's canonical Java key bytes. It is not
// safe for concurrent use; its owner guards it.
type table map[string]map[string]Entry

// put applies one entry: a nil offset removes the partition.
func (t table) put(connector, id string, e Entry) {
	if e.Offset == nil {
		if m := t[connector]; m != nil {
			delete(m, id)
			if len(m) == 0 {
				delete(t, connector)
			}
		}
		return
	}
	m := t[connector]
	if m == nil {
		m = make(map[string]Entry)
		t[connector] = m
	}
	m[id] = e
}

// get returns copies of the stored offsets for ps (nil where none).
func (t table) get(connector string, ps []Partition) ([]Offset, error) {
	out := make([]Offset, len(ps))
	for i, p := range ps {
		id, err := partitionID(connector, p)
		if err != nil {
			return nil, fmt.Errorf("partition %d: %w", i, err)
		}
		if e, ok := t[connector][id]; ok {
			out[i] = maps.Clone(e.Offset)
		}
	}
	return out, nil
}

// partitions returns copies of the connector's partitions with a stored offset.
func (t table) partitions(connector string) []Partition {
	out := make([]Partition, 0, len(t[connector]))
	for _, e := range t[connector] {
		out = append(out, maps.Clone(e.Partition))
	}
	return out
}

// encodedEntry is an Entry with its Java key and value bytes.
type encodedEntry struct {
	Entry
	id    string // canonical key bytes, also the record key
	value []byte // nil for a tombstone
}

// encodeEntries validates and encodes es before anything is written, so a bad
// entry fails the whole Set. The returned entries hold copies normalized through
// the codec.
func encodeEntries(connector string, es []Entry) ([]encodedEntry, error) {
	out := make([]encodedEntry, len(es))
	for i, e := range es {
		if e.Partition == nil {
			return nil, fmt.Errorf("offset entry %d for connector %q: nil source partition", i, connector)
		}
		id, err := partitionID(connector, e.Partition)
		if err != nil {
			return nil, fmt.Errorf("offset entry %d: %w", i, err)
		}
		v, err := EncodeValue(e.Offset)
		if err != nil {
			return nil, fmt.Errorf("offset entry %d for connector %q: %w", i, connector, err)
		}
		// Keep what a reader of the bytes gets (int64, float64, ...), so every
		// store returns the same Go types whether or not it round-tripped.
		_, p, err := DecodeKey([]byte(id))
		if err != nil {
			return nil, fmt.Errorf("offset entry %d: re-reading key: %w", i, err)
		}
		o, err := DecodeValue(v)
		if err != nil {
			return nil, fmt.Errorf("offset entry %d: re-reading value: %w", i, err)
		}
		out[i] = encodedEntry{Entry: Entry{Partition: p, Offset: o}, id: id, value: v}
	}
	return out, nil
}
