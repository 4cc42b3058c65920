package mysql

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/cdc/cdctest"
	"github.com/gonnect/gonnect/connectors/mysql/mysqltest"
)

func TestMain(m *testing.M) { os.Exit(mysqltest.Main(m)) }

var serverIDs atomic.Int64

// fixedNow is the connector clock in tests, so envelopes are reproducible.
var fixedNow = time.Date(2026, 3, 4, 5, 6, 7, 123456789, time.UTC)

// harness drives one Task the way the worker does: Start, Poll in a loop, remember the
// offset of the last polled record as committed.
type harness struct {
	t       *testing.T
	srv     *mysqltest.Server
	cfg     connectors.Config
	offsets *cdctest.Offsets
	history cdc.HistoryStore
	task    *Task
	got     []*connectors.SourceRecord
}

func newHarness(t *testing.T, srv *mysqltest.Server, db string, extra map[string]string) *harness {
	t.Helper()
	cfg := connectors.Config{
		"name": "test-" + db, "topic.prefix": "srv", "database.hostname": srv.Host, "database.port": strconv.Itoa(srv.Port),
		"database.user": srv.User, "database.password": srv.Password,
		"database.server.id":    strconv.FormatInt(5000+serverIDs.Add(1), 10),
		"database.include.list": db, "schema.history.internal": "io.debezium.relational.history.MemorySchemaHistory",
		"poll.interval.ms": "50",
	}
	for k, v := range extra {
		cfg[k] = v
	}
	return &harness{t: t, srv: srv, cfg: cfg, offsets: &cdctest.Offsets{}, history: &cdc.MemoryHistory{}}
}

func (h *harness) start() {
	h.t.Helper()
	h.task = NewTask(true)
	h.task.now = func() time.Time { return fixedNow }
	h.task.history = h.history
	if err := h.task.Start(context.Background(), h.cfg, cdctest.TaskContext{O: h.offsets}); err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(h.stop)
}

func (h *harness) stop() {
	if h.task != nil {
		_ = h.task.Stop(context.Background())
		h.task = nil
	}
}

// poll polls until pred holds for the records received so far or the deadline passes.
func (h *harness) poll(what string, pred func([]*connectors.SourceRecord) bool) []*connectors.SourceRecord {
	h.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !pred(h.got) {
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s; got %d records", what, len(h.got))
		}
		rs, err := h.task.Poll(context.Background())
		if err != nil {
			h.t.Fatalf("poll: %v", err)
		}
		for _, r := range rs {
			h.got = append(h.got, r)
			h.offsets.Set(r.SourcePartition, r.Offset())
		}
	}
	return h.got
}

// pollTopic waits until n records of topic arrived and returns them.
func (h *harness) pollTopic(topic string, n int) []*connectors.SourceRecord {
	h.t.Helper()
	h.poll(strconv.Itoa(n)+" records on "+topic, func(rs []*connectors.SourceRecord) bool { return len(onTopic(rs, topic)) >= n })
	return onTopic(h.got, topic)
}

func onTopic(rs []*connectors.SourceRecord, topic string) []*connectors.SourceRecord {
	var out []*connectors.SourceRecord
	for _, r := range rs {
		if r.Topic == topic {
			out = append(out, r)
		}
	}
	return out
}

// volatile masks what differs between runs: binlog coordinates, server clocks, GTIDs.
func volatile(path string, v any) (any, bool) {
	switch {
	case strings.HasSuffix(path, "source.ts_ms"), strings.HasSuffix(path, "source.ts_us"), strings.HasSuffix(path, "source.ts_ns"),
		strings.HasSuffix(path, ".file"), strings.HasSuffix(path, ".pos"), strings.HasSuffix(path, ".gtid"),
		strings.HasSuffix(path, ".gtids"), strings.HasSuffix(path, ".thread"), strings.HasSuffix(path, ".ts_sec"),
		strings.HasSuffix(path, ".server_id"), strings.HasSuffix(path, "source.name"):
		if v == nil {
			return nil, true
		}
		return "<" + path[strings.LastIndexByte(path, '.')+1:] + ">", true
	}
	return nil, false
}

func render(rs []*connectors.SourceRecord, withSchemas bool) []any {
	out := make([]any, 0, len(rs))
	for _, r := range rs {
		out = append(out, cdctest.Record(r, withSchemas, volatile))
	}
	return out
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

func sanitize(s string) string { return strings.NewReplacer(" ", "_", "/", "_").Replace(s) }
