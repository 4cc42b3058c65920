// Package filestream is Kafka's FileStream source and sink connectors, for demos and
// tests: org.apache.kafka.connect.file.FileStreamSourceConnector reads lines from a file
// into a topic, FileStreamSinkConnector writes record values to a file, one per line.
package filestream

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
)

// Version is what /connector-plugins reports for these connectors.
const Version = "3.9.0"

// Config keys, as Kafka's FileStream connectors name them.
const (
	KeyFile      = "file"
	KeyTopic     = "topic"
	KeyBatchSize = "batch.size"
	KeyTopics    = "topics"

	// Partition and offset field names Kafka uses: {"filename":...} → {"position":N}.
	FilenameField = "filename"
	PositionField = "position"
)

// SourcePlugin returns the FileStreamSource plugin.
func SourcePlugin() *connectors.Plugin {
	return &connectors.Plugin{
		Class:         "org.apache.kafka.connect.file.FileStreamSourceConnector",
		Version:       Version,
		NewConnector:  func() connectors.Connector { return &SourceConnector{} },
		NewSourceTask: func() connectors.SourceTask { return &SourceTask{} },
	}
}

func sourceConfigDef() *connectors.ConfigDef {
	return connectors.NewConfigDef().
		Define(connectors.ConfigKey{Name: KeyFile, Type: connectors.TypeString, Importance: connectors.High,
			Documentation: "Source filename. If not specified, the standard input will be used"}).
		Define(connectors.ConfigKey{Name: KeyTopic, Type: connectors.TypeList, Required: true, Importance: connectors.High,
			Documentation: "The topic to publish data to", Validator: singleTopic}).
		Define(connectors.ConfigKey{Name: KeyBatchSize, Type: connectors.TypeInt, Default: connectors.Str("2000"), Importance: connectors.Low,
			Documentation: "The maximum number of records the source task can read from the file each time it is polled"})
}

func singleTopic(v any) error {
	if l, _ := v.([]string); len(l) != 1 || l[0] == "" {
		return errors.New("'topic' in FileStreamSourceConnector configuration requires definition of a single topic")
	}
	return nil
}

// SourceConnector is FileStreamSourceConnector: one task reading one file.
type SourceConnector struct {
	connectors.Source
	cfg connectors.Config
}

// ConfigDef implements connectors.Connector.
func (c *SourceConnector) ConfigDef() *connectors.ConfigDef { return sourceConfigDef() }

// Start implements connectors.Connector.
func (c *SourceConnector) Start(_ context.Context, cfg connectors.Config, _ connectors.ConnectorContext) error {
	if _, err := sourceConfigDef().Parse(cfg); err != nil {
		return err
	}
	c.cfg = cfg
	return nil
}

// TaskConfigs implements connectors.Connector: always one task, as Kafka's.
func (c *SourceConnector) TaskConfigs(int) ([]connectors.Config, error) {
	t := connectors.Config{KeyTopic: c.cfg[KeyTopic]}
	if f, ok := c.cfg[KeyFile]; ok {
		t[KeyFile] = f
	}
	if b, ok := c.cfg[KeyBatchSize]; ok {
		t[KeyBatchSize] = b
	}
	return []connectors.Config{t}, nil
}

// Stop implements connectors.Connector.
func (c *SourceConnector) Stop(context.Context) error { return nil }

// SourceTask reads lines appended to a file, resuming at the stored byte position.
type SourceTask struct {
	filename  string
	topic     string
	batchSize int
	tc        connectors.TaskContext

	f      *os.File
	r      *bufio.Reader
	pos    int64 // byte position of the next line to read
	opened bool
	log    *slog.Logger
}

// Start implements connectors.SourceTask.
func (t *SourceTask) Start(_ context.Context, cfg connectors.Config, tc connectors.TaskContext) error {
	t.filename = cfg[KeyFile]
	t.topic = cfg[KeyTopic]
	t.batchSize = 2000
	if s, ok := cfg[KeyBatchSize]; ok {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return fmt.Errorf("invalid value %s for configuration %s", s, KeyBatchSize)
		}
		t.batchSize = n
	}
	t.tc = tc
	t.log = slog.Default().With("connector", "filestream", "file", t.filename)
	return nil
}

func (t *SourceTask) partition() offsets.Partition {
	return offsets.Partition{FilenameField: t.filename}
}

func (t *SourceTask) open(ctx context.Context) error {
	if t.filename == "" {
		t.r = bufio.NewReader(os.Stdin)
		t.opened = true
		return nil
	}
	f, err := os.Open(t.filename)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			t.log.Warn("couldn't find file for FileStreamSourceTask, sleeping to wait for it to be created")
			return nil
		}
		return fmt.Errorf("opening %s: %w", t.filename, err)
	}
	offs, err := t.tc.Offsets().Offsets(ctx, []offsets.Partition{t.partition()})
	if err != nil {
		f.Close()
		return fmt.Errorf("reading stored offset: %w", err)
	}
	if len(offs) == 1 && offs[0] != nil {
		pos, ok := asInt64(offs[0][PositionField])
		if !ok {
			f.Close()
			return fmt.Errorf("offset position is the incorrect type: %T", offs[0][PositionField])
		}
		if _, err := f.Seek(pos, io.SeekStart); err != nil {
			f.Close()
			return fmt.Errorf("seeking to %d: %w", pos, err)
		}
		t.pos = pos
	}
	t.f, t.r, t.opened = f, bufio.NewReader(f), true
	return nil
}

// Poll implements connectors.SourceTask. It returns the complete lines available now,
// at most batch.size of them, or (nil, nil) after about a second without data.
func (t *SourceTask) Poll(ctx context.Context) ([]*connectors.SourceRecord, error) {
	if !t.opened {
		if err := t.open(ctx); err != nil {
			return nil, err
		}
		if !t.opened {
			return nil, wait(ctx, time.Second)
		}
	}
	var out []*connectors.SourceRecord
	for len(out) < t.batchSize {
		line, err := t.r.ReadString('\n')
		if err == io.EOF {
			// An incomplete last line stays unread until its newline arrives.
			if len(line) > 0 && t.f != nil {
				if _, serr := t.f.Seek(t.pos, io.SeekStart); serr != nil {
					return out, serr
				}
				t.r.Reset(t.f)
			}
			break
		}
		if err != nil {
			return out, fmt.Errorf("reading %s: %w", t.filename, err)
		}
		t.pos += int64(len(line))
		text := trimEOL(line)
		out = append(out, &connectors.SourceRecord{
			SourcePartition: t.partition(),
			SourceOffset:    offsets.Offset{PositionField: t.pos},
			Record: connectors.Record{
				Topic:       t.topic,
				ValueSchema: schemas.StringSchema,
				Value:       text,
			},
		})
	}
	if len(out) == 0 {
		return nil, wait(ctx, time.Second)
	}
	return out, nil
}

func trimEOL(s string) string {
	s = s[:len(s)-1]
	if len(s) > 0 && s[len(s)-1] == '\r' {
		s = s[:len(s)-1]
	}
	return s
}

// Stop implements connectors.SourceTask.
func (t *SourceTask) Stop(context.Context) error {
	if t.f != nil {
		return t.f.Close()
	}
	return nil
}

func wait(ctx context.Context, d time.Duration) error {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
	case <-tm.C:
	}
	return nil
}

func asInt64(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int32:
		return int64(n), true
	case int:
		return int64(n), true
	case float64:
		return int64(n), n == float64(int64(n))
	}
	return 0, false
}
