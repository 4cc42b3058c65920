package mysql

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/go-mysql-org/go-mysql/client"
	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/offsets"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Task is the MySQL/MariaDB source task. One goroutine (run) owns the database
// connections, the binlog stream and the schema state, and hands records to Poll
// through a bounded queue of max.queue.size records.
type Task struct {
	mariadb bool
	log     *slog.Logger
	now     func() time.Time

	// history replaces the configured schema history (tests).
	history cdc.HistoryStore

	cfg     *Config
	kind    *connectorKind
	part    offsets.Partition
	q       *cdc.Queue // run hands records to Poll through it; run is its producer
	kcl     *kgo.Client
	metrics *metrics
}

// NewTask returns an unstarted MySQL (or MariaDB) task.
func NewTask(mariadb bool) *Task {
	return &Task{mariadb: mariadb, log: slog.Default(), now: time.Now}
}

// Start parses the config, reads the stored offset and starts the run goroutine. It
// returns promptly; connection errors surface from Poll.
func (t *Task) Start(ctx context.Context, raw connectors.Config, tc connectors.TaskContext) error {
	cfg, err := ParseConfig(raw, t.mariadb)
	if err != nil {
		return err
	}
	t.cfg = cfg
	t.kind = newKind(t.mariadb, cfg.TopicPrefix)
	t.part = offsets.Partition{"server": cfg.TopicPrefix}
	t.log = t.log.With("connector", raw["name"], "task", raw["task.id"], "server", cfg.TopicPrefix)
	if t.metrics == nil {
		t.metrics = newMetrics(t.kind.name, cfg.TopicPrefix)
	}
	t.metrics.queueCapacity.Set(float64(cfg.MaxQueue))
	stored, err := tc.Offsets().Offsets(ctx, []offsets.Partition{t.part})
	if err != nil {
		return fmt.Errorf("reading stored offset: %w", err)
	}
	var start *position
	if len(stored) == 1 && stored[0] != nil {
		p, err := parsePosition(stored[0])
		if err != nil {
			return err
		}
		start = &p
	}
	if t.history == nil {
		h, err := t.openHistory(ctx)
		if err != nil {
			return err
		}
		t.history = h
	}
	t.q = newQueue(cfg)
	t.q.Start(func(ctx context.Context) error { return t.run(ctx, start) },
		func(err error) { t.log.Error("task failed", "error", err) })
	return nil
}

func (t *Task) openHistory(ctx context.Context) (cdc.HistoryStore, error) {
	cls := strings.TrimSpace(t.cfg.HistoryClass)
	if strings.HasSuffix(cls, "MemorySchemaHistory") {
		return &cdc.MemoryHistory{}, nil
	}
	if t.cfg.HistoryServers == "" || t.cfg.HistoryTopic == "" {
		return nil, fmt.Errorf("schema.history.internal.kafka.bootstrap.servers and schema.history.internal.kafka.topic must be set")
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(t.cfg.HistoryServers, ",")...),
		kgo.RequiredAcks(kgo.AllISRAcks()))
	if err != nil {
		return nil, fmt.Errorf("schema history client: %w", err)
	}
	t.kcl = cl
	h, err := cdc.NewKafkaHistory(cl, t.cfg.HistoryTopic, true)
	if err != nil {
		return nil, err
	}
	if err := h.EnsureTopic(ctx, -1); err != nil {
		return nil, err
	}
	return h, nil
}

// Poll returns up to max.batch.size records, waiting at most poll.interval.ms for the
// first one. It returns the run goroutine's error once the queue is drained.
func (t *Task) Poll(ctx context.Context) ([]*connectors.SourceRecord, error) {
	out, err := t.q.Poll(ctx)
	t.metrics.queueRemaining.Set(float64(t.q.Remaining()))
	return out, err
}

// Stop cancels the run goroutine and waits for it (bounded by ctx).
func (t *Task) Stop(ctx context.Context) error {
	if t.q != nil {
		if err := t.q.Stop(ctx); err != nil {
			return err
		}
	}
	if t.kcl != nil {
		t.kcl.Close()
	}
	return nil
}

// handoffBatch is how many records run accumulates before handing them to Poll in one
// channel send; fewer are handed over at transaction ends when Poll is waiting and
// whenever the binlog goes quiet.
const handoffBatch = 256

// maxHold bounds how long a committed transaction's records wait for more to batch with.
const maxHold = 10 * time.Millisecond

// newQueue returns the task's queue for cfg's max.queue.size, max.batch.size and
// poll.interval.ms.
func newQueue(cfg *Config) *cdc.Queue {
	return cdc.NewQueue(cfg.MaxQueue, cfg.MaxBatch, handoffBatch, time.Duration(cfg.PollInterval)*time.Millisecond)
}

// emit queues records for Poll; it blocks while the queue is full. Run goroutine only.
func (t *Task) emit(ctx context.Context, rs ...*connectors.SourceRecord) error {
	return t.q.Emit(ctx, rs...)
}

// flush hands the pending records to Poll. Run goroutine only.
func (t *Task) flush(ctx context.Context) error { return t.q.Flush(ctx) }

// run is the task's single owner goroutine: snapshot as the mode requires, then stream.
func (t *Task) run(ctx context.Context, stored *position) error {
	d := &dialer{cfg: t.cfg, log: t.log}
	conn, err := t.connectRetry(ctx, d)
	if err != nil {
		return err
	}
	defer conn.Close()
	mariadb := isMariaDB(conn)
	state := newSchemaState(t.cfg, t.kind, t.history, t.part)
	mode := t.cfg.SnapshotMode
	var start position
	switch {
	case stored == nil && mode == "never":
		start, err = firstBinlog(conn, mariadb)
		if err != nil {
			return err
		}
	case stored == nil || stored.Snapshot != "" || mode == "always":
		data := mode != "no_data"
		if stored != nil && stored.Snapshot != "" {
			t.log.Info("previous snapshot did not complete; resuming it", "tables_done", len(stored.Done))
		}
		start, err = t.snapshot(ctx, conn, state, stored, data, mariadb)
		if err != nil {
			return err
		}
	default:
		start = *stored
		avail, why, err := binlogAvailable(conn, mariadb, start)
		if err != nil {
			return err
		}
		if !avail {
			if mode != "when_needed" {
				return fmt.Errorf("the binlog position %s stored in the offsets is no longer available on the server (%s); "+
					"set snapshot.mode=when_needed to take a new snapshot automatically, or reset the connector's offsets", start, why)
			}
			t.log.Warn("stored binlog position is no longer available; taking a new snapshot (snapshot.mode=when_needed)", "position", start.String(), "reason", why)
			if start, err = t.snapshot(ctx, conn, state, nil, true, mariadb); err != nil {
				return err
			}
		} else if mode == "recovery" {
			if start, err = t.snapshotSchema(ctx, conn, state, start, mariadb); err != nil {
				return err
			}
		} else {
			n, err := state.recover(ctx, start)
			if err != nil {
				return fmt.Errorf("recovering schema history: %w", err)
			}
			t.log.Info("schema history recovered", "records", n, "tables", len(state.model.tables))
		}
	}
	if err := t.flush(ctx); err != nil {
		return err
	}
	if mode == "initial_only" {
		t.log.Info("snapshot.mode=initial_only: snapshot complete, not streaming")
		<-ctx.Done()
		return ctx.Err()
	}
	conn.Close()
	return t.stream(ctx, d, state, start, mariadb)
}

// connectRetry connects with exponential backoff until ctx is done; authentication
// failures are returned at once.
func (t *Task) connectRetry(ctx context.Context, d *dialer) (*client.Conn, error) {
	backoff := 200 * time.Millisecond
	for {
		c, err := d.connect(ctx)
		if err == nil {
			t.metrics.connected.Set(1)
			return c, nil
		}
		t.metrics.connected.Set(0)
		if msg := err.Error(); strings.Contains(msg, "Access denied") || strings.Contains(msg, "does not support TLS") {
			return nil, err // configuration errors: retrying will not help
		}
		t.log.Warn("cannot connect to the database; retrying", "error", err, "backoff", backoff)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 10*time.Second)
	}
}
