package oracle

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// spillFile is the on-disk part of one large transaction: an append-only file of
// length-prefixed entries, written when the buffer passes its memory bound and read
// back once, in order, at COMMIT. It is a deliberately small format of our own
// (varint lengths, no index): the only access patterns are append and one sequential
// scan, so an embedded key-value store would add a dependency and write
// amplification for nothing. The file is removed when the transaction ends.
type spillFile struct {
	f     *os.File
	w     *bufio.Writer
	count int
	buf   []byte
}

func newSpillFile(dir string) (*spillFile, error) {
	f, err := os.CreateTemp(dir, "gonnect-oracle-tx-*.spill")
	if err != nil {
		return nil, fmt.Errorf("creating transaction spill file in %q: %w", dir, err)
	}
	return &spillFile{f: f, w: bufio.NewWriterSize(f, 256<<10)}, nil
}

func (s *spillFile) append(e *entry) error {
	b := s.buf[:0]
	b = binary.AppendUvarint(b, e.SCN)
	b = binary.AppendVarint(b, e.Time.Unix())
	b = append(b, e.OpCode)
	b = appendString(b, e.SQL)
	b = appendString(b, e.RsID)
	b = binary.AppendVarint(b, e.SSN)
	b = appendString(b, e.RowID)
	b = appendString(b, e.Owner)
	b = appendString(b, e.Table)
	b = appendString(b, e.Username)
	b = binary.AppendVarint(b, int64(e.Thread))
	b = binary.AppendVarint(b, e.DataObj)
	s.buf = b
	var hdr [binary.MaxVarintLen64]byte
	n := binary.PutUvarint(hdr[:], uint64(len(b)))
	if _, err := s.w.Write(hdr[:n]); err != nil {
		return fmt.Errorf("writing spill file: %w", err)
	}
	if _, err := s.w.Write(b); err != nil {
		return fmt.Errorf("writing spill file: %w", err)
	}
	s.count++
	return nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// each reads every spilled entry in order.
func (s *spillFile) each(fn func(i int, e *entry) error) error {
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("flushing spill file: %w", err)
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("reading spill file: %w", err)
	}
	defer s.f.Seek(0, io.SeekEnd) //nolint:errcheck // appends continue at the end
	r := bufio.NewReaderSize(s.f, 256<<10)
	var buf []byte
	for i := 0; i < s.count; i++ {
		n, err := binary.ReadUvarint(r)
		if err != nil {
			return fmt.Errorf("reading spill file entry %d: %w", i, err)
		}
		if cap(buf) < int(n) {
			buf = make([]byte, n)
		}
		buf = buf[:n]
		if _, err := io.ReadFull(r, buf); err != nil {
			return fmt.Errorf("reading spill file entry %d: %w", i, err)
		}
		var e entry
		if err := e.decode(buf); err != nil {
			return fmt.Errorf("spill file entry %d: %w", i, err)
		}
		if err := fn(i, &e); err != nil {
			return err
		}
	}
	return nil
}

var errCorruptSpill = errors.New("corrupt entry")

func (e *entry) decode(b []byte) error {
	d := decoder{b: b}
	e.SCN = d.uvarint()
	e.Time = time.Unix(d.varint(), 0).UTC()
	e.OpCode = d.byte()
	e.SQL = d.string()
	e.RsID = d.string()
	e.SSN = d.varint()
	e.RowID = d.string()
	e.Owner = d.string()
	e.Table = d.string()
	e.Username = d.string()
	e.Thread = int(d.varint())
	e.DataObj = d.varint()
	if d.bad {
		return errCorruptSpill
	}
	return nil
}

type decoder struct {
	b   []byte
	bad bool
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) byte() uint8 {
	if len(d.b) == 0 {
		d.bad = true
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) string() string {
	n := d.uvarint()
	if d.bad || uint64(len(d.b)) < n {
		d.bad = true
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (s *spillFile) close() {
	name := s.f.Name()
	s.f.Close()
	os.Remove(name)
}
