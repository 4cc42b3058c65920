package filestream

import (
	"bufio"
	"context"
	"fmt"
	"os"

	"github.com/gonnect/gonnect/connectors"
)

// SinkPlugin returns the FileStreamSink plugin.
func SinkPlugin() *connectors.Plugin {
	return &connectors.Plugin{
		Class:        "org.apache.kafka.connect.file.FileStreamSinkConnector",
		Version:      Version,
		NewConnector: func() connectors.Connector { return &SinkConnector{} },
		NewSinkTask:  func() connectors.SinkTask { return &SinkTask{} },
	}
}

func sinkConfigDef() *connectors.ConfigDef {
	return connectors.NewConfigDef().
		Define(connectors.ConfigKey{Name: KeyFile, Type: connectors.TypeString, Importance: connectors.High,
			Documentation: "Destination filename. If not specified, the standard output will be used"})
}

// SinkConnector is FileStreamSinkConnector: one task appending to one file.
type SinkConnector struct {
	connectors.Sink
	cfg connectors.Config
}

// ConfigDef implements connectors.Connector.
func (c *SinkConnector) ConfigDef() *connectors.ConfigDef { return sinkConfigDef() }

// Start implements connectors.Connector.
func (c *SinkConnector) Start(_ context.Context, cfg connectors.Config, _ connectors.ConnectorContext) error {
	c.cfg = cfg
	return nil
}

// TaskConfigs implements connectors.Connector: always one task, as Kafka's.
func (c *SinkConnector) TaskConfigs(int) ([]connectors.Config, error) {
	t := connectors.Config{}
	if f, ok := c.cfg[KeyFile]; ok {
		t[KeyFile] = f
	}
	return []connectors.Config{t}, nil
}

// Stop implements connectors.Connector.
func (c *SinkConnector) Stop(context.Context) error { return nil }

// SinkTask appends each record's value, rendered as text, as one line.
type SinkTask struct {
	f *os.File
	w *bufio.Writer
}

// Start implements connectors.SinkTask.
func (t *SinkTask) Start(_ context.Context, cfg connectors.Config, _ connectors.SinkTaskContext) error {
	name := cfg[KeyFile]
	if name == "" {
		t.w = bufio.NewWriter(os.Stdout)
		return nil
	}
	f, err := os.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("couldn't find or create file '%s' for FileStreamSinkTask: %w", name, err)
	}
	t.f, t.w = f, bufio.NewWriter(f)
	return nil
}

// Put implements connectors.SinkTask.
func (t *SinkTask) Put(_ context.Context, records []*connectors.SinkRecord) error {
	for _, r := range records {
		if _, err := fmt.Fprintln(t.w, render(r.Value)); err != nil {
			return err
		}
	}
	return nil
}

func render(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}

// Flush implements connectors.SinkTask: everything Put so far reaches the file.
func (t *SinkTask) Flush(context.Context, map[connectors.TopicPartition]int64) error {
	if err := t.w.Flush(); err != nil {
		return err
	}
	if t.f != nil {
		return t.f.Sync()
	}
	return nil
}

// Stop implements connectors.SinkTask.
func (t *SinkTask) Stop(ctx context.Context) error {
	err := t.Flush(ctx, nil)
	if t.f != nil {
		if cerr := t.f.Close(); err == nil {
			err = cerr
		}
	}
	return err
}
