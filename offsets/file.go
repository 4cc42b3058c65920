package offsets

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
)

// FileFormat names the layout of a FileStore file, recorded in the file itself.
//
// Java's standalone worker keeps offset.storage.file.filename as a Java-serialized
// HashMap<ByteBuffer,ByteBuffer>, which Gonnect does not read or write. Gonnect's file
// is JSON instead, holding the same key and value bytes Java would put in that map:
//
//	{"format":"gonnect.offsets.v1","offsets":[
//	{"key":["file-src",{"filename":"/in.txt"}],"value":{"position":42}}
//	]}
//
// one entry per line, sorted by key bytes, so that the file diffs and greps well.
const FileFormat = "gonnect.offsets.v1"

// FileStore is the standalone-mode Store in one file (offset.storage.file.filename).
// Every Set rewrites the whole file atomically: a temporary file in the same
// directory, fsync, rename over the old file, fsync of the directory. A file that
// cannot be parsed makes NewFileStore fail; it is never silently reset.
//
// It is safe for concurrent use; writes are serialized.
type FileStore struct {
	path string

	mu   sync.Mutex // guards data and the file
	data table
}

var _ Store = (*FileStore)(nil)

type fileEntry struct {
	Key   json.RawMessage `json:"key"`
	Value json.RawMessage `json:"value"`
}

type fileDoc struct {
	Format  string      `json:"format"`
	Offsets []fileEntry `json:"offsets"`
}

// NewFileStore opens the offsets file at path, loading it when it exists. A missing
// file is an empty store (created at the first Set); a missing directory, an
// unreadable file or one that does not parse is an error that names the file and
// says how to recover.
func NewFileStore(path string) (*FileStore, error) {
	if path == "" {
		return nil, errors.New("offset.storage.file.filename is empty")
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("offset.storage.file.filename %q: directory %q does not exist; create it or choose another path", path, dir)
	}
	s := &FileStore{path: path, data: make(table)}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading offsets file %q: %w", path, err)
	}
	if err := s.load(b); err != nil {
		return nil, fmt.Errorf("offsets file %q is corrupt: %w. The file was left unchanged: restore it from a backup, "+
			"or move it aside to start every connector without stored offsets (sources will re-read from their beginning)", path, err)
	}
	return s, nil
}

func (s *FileStore) load(b []byte) error {
	var doc fileDoc
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("not a %s JSON document: %w", FileFormat, err)
	}
	if doc.Format != FileFormat {
		return fmt.Errorf("format %q, want %q", doc.Format, FileFormat)
	}
	for i, e := range doc.Offsets {
		connector, p, err := DecodeKey(e.Key)
		if err != nil {
			return fmt.Errorf("entry %d: %w", i, err)
		}
		o, err := DecodeValue(e.Value)
		if err != nil {
			return fmt.Errorf("entry %d: %w", i, err)
		}
		if o == nil {
			continue
		}
		id, err := partitionID(connector, p)
		if err != nil {
			return fmt.Errorf("entry %d: %w", i, err)
		}
		s.data.put(connector, id, Entry{Partition: p, Offset: o})
	}
	return nil
}

// Get returns copies of the stored offsets (nil where none). It does not touch the file.
func (s *FileStore) Get(_ context.Context, connector string, ps []Partition) ([]Offset, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data.get(connector, ps)
}

// Partitions lists the connector's partitions with a stored offset, in no order.
func (s *FileStore) Partitions(_ context.Context, connector string) ([]Partition, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data.partitions(connector), nil
}

// Set applies the entries (a nil Offset removes the partition) and returns once the
// rewritten file is durable. If writing fails, memory and file keep their previous
// state. ctx is not consulted: the write is short and must not be torn.
func (s *FileStore) Set(_ context.Context, connector string, es []Entry) error {
	enc, err := encodeEntries(connector, es)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	next := make(table, len(s.data)+1)
	for c, m := range s.data {
		next[c] = make(map[string]Entry, len(m))
		for id, e := range m {
			next[c][id] = e
		}
	}
	for _, e := range enc {
		next.put(connector, e.id, e.Entry)
	}
	if err := writeAtomic(s.path, render(next)); err != nil {
		return fmt.Errorf("writing offsets file %q: %w", s.path, err)
	}
	s.data = next
	return nil
}

// render produces the file bytes for t, entries sorted by key.
func render(t table) []byte {
	var ids []string
	entries := make(map[string]Entry)
	for _, m := range t {
		for id, e := range m {
			ids = append(ids, id)
			entries[id] = e
		}
	}
	slices.Sort(ids)
	var b bytes.Buffer
	b.WriteString(`{"format":"` + FileFormat + `","offsets":[`)
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		v, _ := EncodeValue(entries[id].Offset) // encodable: it was encoded in Set
		b.WriteString("\n{\"key\":")
		b.WriteString(id)
		b.WriteString(",\"value\":")
		b.Write(v)
		b.WriteByte('}')
	}
	b.WriteString("\n]}\n")
	return b.Bytes()
}

// writeAtomic replaces path with b: temp file, fsync, rename, directory fsync.
func writeAtomic(path string, b []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(b); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
