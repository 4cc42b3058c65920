package worker

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
)

// taskRunner is one running task: its goroutine, its switch and its way to stop.
type taskRunner struct {
	id      TaskID
	sink    bool
	state   *taskState
	cancel  context.CancelFunc
	done    chan struct{}
	metrics *taskMetrics
	errs    *toleranceCounters
	own     prometheus.Collector // the task's own metrics (connectors.MetricsProvider), if any
	ownReg  prometheus.Registerer
	abandon func() // marks a task whose graceful stop timed out
}

type taskCtx struct {
	store     offsets.Store
	connector string
}

func (c taskCtx) Offsets() connectors.OffsetReader { return offsetReader{c.store, c.connector} }

// StartTask starts a task of a connector from its stored task config, in the given
// target state. Failures are reported as FAILED through the StatusListener.
func (w *Worker) StartTask(id TaskID, connRaw, taskRaw connectors.Config, target TargetState) error {
	w.mu.Lock()
	if _, running := w.tasks[id]; running {
		w.mu.Unlock()
		return fmt.Errorf("task %s already running on this worker", id)
	}
	w.mu.Unlock()
	fail := func(err error) error {
		w.log.Error("task failed to start", "connector", id.Connector, "task", id.Task, "error", err)
		w.deps.Status.TaskState(id, Failed, err)
		return err
	}
	plugin, err := w.deps.Registry.Connector(connRaw["connector.class"])
	if err != nil {
		return fail(err)
	}
	connCfg, err := w.resolve(connRaw)
	if err != nil {
		return fail(fmt.Errorf("resolving connector config: %w", err))
	}
	taskCfg, err := w.resolve(taskRaw)
	if err != nil {
		return fail(fmt.Errorf("resolving task config: %w", err))
	}
	ctx, cancel := context.WithCancel(context.Background())
	var run func() error
	var stop func(context.Context) error
	var release func()
	var state *taskState
	tr := &taskRunner{id: id, cancel: cancel, done: make(chan struct{})}
	var task any
	switch {
	case plugin.NewSinkTask != nil:
		st, err := w.newSinkTask(ctx, id, plugin, connCfg, taskCfg)
		if err != nil {
			cancel()
			return fail(err)
		}
		run, stop, state = func() error { return st.run(ctx) }, st.task.Stop, st.state
		tr.sink, tr.metrics, tr.errs, task = true, st.metrics, st.tol.c, st.task
		release = func() {
			st.consumer.Close()
			if st.dlq != nil {
				st.dlq.producer.Close()
			}
		}
	case plugin.NewSourceTask != nil:
		st, err := w.newSourceTask(id, plugin, connCfg, taskCfg)
		if err != nil {
			cancel()
			return fail(err)
		}
		run = func() error { return st.run(ctx, taskCtx{w.deps.Offsets, id.Connector}) }
		tr.abandon = func() { st.abandoned.Store(true) }
		stop, state, release = st.task.Stop, st.state, st.producer.Close
		tr.metrics, tr.errs, task = st.metrics, st.tol.c, st.task
	default:
		cancel()
		return fail(fmt.Errorf("connector class %s has no task", plugin.Class))
	}
	tr.state = state
	if mp, ok := task.(connectors.MetricsProvider); ok && w.deps.Metrics != nil {
		if c := mp.Metrics(); c != nil {
			// Connector and task labels make the connector's own series (Debezium's)
			// selectable per connector, as dashboards expect.
			// A collector that labels its series itself (as the Oracle connector does)
			// is registered as it is.
			reg := prometheus.WrapRegistererWith(prometheus.Labels{"connector": id.Connector, "task": strconv.Itoa(id.Task)}, w.deps.Metrics)
			err := reg.Register(c)
			if err != nil {
				reg = w.deps.Metrics
				err = reg.Register(c)
			}
			if err != nil {
				w.log.Warn("registering task metrics failed", "connector", id.Connector, "task", id.Task, "error", err)
			} else {
				tr.own, tr.ownReg = c, reg
			}
		}
	}
	state.set(target == TargetPaused)
	w.mu.Lock()
	w.tasks[id] = tr
	w.mu.Unlock()
	go func() {
		defer close(tr.done)
		defer release()
		defer func() {
			if tr.own != nil {
				tr.ownReg.Unregister(tr.own)
			}
		}()
		err := run()
		if stopErr := safeCall(func() error {
			sctx, c := context.WithTimeout(context.Background(), w.set.ShutdownTimeout)
			defer c()
			return stop(sctx)
		}); stopErr != nil {
			w.log.Warn("task stop failed", "connector", id.Connector, "task", id.Task, "error", stopErr)
		}
		if err != nil {
			w.log.Error("task failed", "connector", id.Connector, "task", id.Task, "error", err)
			w.deps.Status.TaskState(id, Failed, err)
		}
	}()
	w.log.Info("task started", "connector", id.Connector, "task", id.Task)
	return nil
}

func (w *Worker) newSourceTask(id TaskID, plugin *connectors.Plugin, connCfg, taskCfg connectors.Config) (*sourceTask, error) {
	pl, err := w.newPipeline(context.Background(), connCfg)
	if err != nil {
		return nil, err
	}
	topics, err := newTopicCreator(w.deps.Admin, w.set.TopicCreationEnable, connCfg)
	if err != nil {
		return nil, err
	}
	// Java's producer defaults come first, then the worker's producer.* settings
	// (KafkaOpts), then the connector's producer.override.* keys: later options win.
	opts := []kgo.Opt{
		kgo.ProducerLinger(0),
		kgo.ProducerBatchCompression(kgo.NoCompression()), // compression.type=none
		kgo.MaxBufferedRecords(16384),
		kgo.MaxBufferedBytes(32 << 20), // buffer.memory=33554432: encoded records held until acked
	}
	opts = append(opts, w.deps.KafkaOpts...)
	opts = append(opts,
		kgo.ClientID("connector-producer-"+id.String()),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		// Java producers ask brokers to auto-create missing topics (allow.auto.create.topics=true).
		kgo.AllowAutoTopicCreation(),
		kgo.RecordPartitioner(newPartitioner()),
	)
	opts = append(opts, producerOverrides(connCfg)...)
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("creating producer: %w", err)
	}
	log := w.log.With("connector", id.Connector, "task", id.Task)
	st := &sourceTask{
		id: id, task: plugin.NewSourceTask(), cfg: taskCfg, chain: pl.chain,
		keyConv: pl.keyConv, valueConv: pl.valueConv, hdrConv: pl.hdrConv,
		producer: cl, store: w.deps.Offsets, tracker: offsets.NewTracker(),
		tol: &tolerance{policy: pl.policy, log: log, c: &toleranceCounters{}}, topics: topics,
		log: log, metrics: &taskMetrics{}, flushInterval: w.set.FlushInterval, flushTimeout: w.set.FlushTimeout,
		failure: make(chan error, 1), uncommitted: map[string]offsets.Entry{},
		active: w.newTopicTracker(id),
	}
	st.produced = st.onProduced
	st.committer, _ = st.task.(connectors.RecordCommitter)
	st.keyRel, _ = st.keyConv.(schemas.BufferReleaser)
	st.valueRel, _ = st.valueConv.(schemas.BufferReleaser)
	st.slabs = newSlabPool()
	st.state = newTaskState(false, func(s State) { w.deps.Status.TaskState(id, s, nil) })
	return st, nil
}

// producerOverrides maps the producer.override.* keys Gonnect understands to kgo
// options (connector.client.config.override.policy All).
func producerOverrides(cfg connectors.Config) []kgo.Opt {
	var out []kgo.Opt
	if v, ok := cfg["producer.override.compression.type"]; ok {
		switch strings.ToLower(v) {
		case "gzip":
			out = append(out, kgo.ProducerBatchCompression(kgo.GzipCompression()))
		case "snappy":
			out = append(out, kgo.ProducerBatchCompression(kgo.SnappyCompression()))
		case "lz4":
			out = append(out, kgo.ProducerBatchCompression(kgo.Lz4Compression()))
		case "zstd":
			out = append(out, kgo.ProducerBatchCompression(kgo.ZstdCompression()))
		case "none":
			out = append(out, kgo.ProducerBatchCompression(kgo.NoCompression()))
		}
	}
	return out
}

func pickConverter(connCfg connectors.Config, key, workerClass string, workerCfg map[string]string) (string, map[string]string) {
	if class, ok := connCfg[key]; ok && class != "" {
		sub := map[string]string{}
		for k, v := range connCfg {
			if strings.HasPrefix(k, key+".") {
				sub[strings.TrimPrefix(k, key+".")] = v
			}
		}
		return class, sub
	}
	return workerClass, workerCfg
}

// pipeline is what source and sink tasks share: converters, transforms and the
// connector's error policy.
type pipeline struct {
	keyConv, valueConv schemas.Converter
	hdrConv            schemas.HeaderConverter
	chain              Transformer
	policy             ErrorPolicy
}

func (w *Worker) newPipeline(ctx context.Context, connCfg connectors.Config) (pipeline, error) {
	var pl pipeline
	var err error
	if pl.policy, err = ParseErrorPolicy(connCfg); err != nil {
		return pl, err
	}
	if pl.keyConv, err = w.converter(ctx, connCfg, "key.converter", w.set.KeyConverter, w.set.KeyConverterCfg, true, pl.policy.RetryTimeout); err != nil {
		return pl, err
	}
	if pl.valueConv, err = w.converter(ctx, connCfg, "value.converter", w.set.ValueConverter, w.set.ValueConverterCfg, false, pl.policy.RetryTimeout); err != nil {
		return pl, err
	}
	if w.deps.HeaderConverter != nil {
		class, hcfg := pickConverter(connCfg, "header.converter", w.set.HeaderConverter, w.set.HeaderConverterCfg)
		if pl.hdrConv, err = w.deps.HeaderConverter(ctx, class, hcfg); err != nil {
			return pl, fmt.Errorf("header.converter: %w", err)
		}
	}
	if w.deps.Transforms != nil {
		if pl.chain, err = w.deps.Transforms(connCfg); err != nil {
			return pl, err
		}
	}
	return pl, nil
}

func (w *Worker) converter(ctx context.Context, connCfg connectors.Config, key, workerClass string, workerCfg map[string]string, isKey bool, retry time.Duration) (schemas.Converter, error) {
	class, cfg := pickConverter(connCfg, key, workerClass, workerCfg)
	if class == "" {
		return nil, fmt.Errorf("Missing required configuration \"%s\" which has no default value.", key)
	}
	c, err := w.deps.Converter(ctx, class, cfg, isKey, retry)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	return c, nil
}

// SetTaskTarget pauses or resumes one task.
func (w *Worker) SetTaskTarget(id TaskID, target TargetState) {
	w.mu.Lock()
	t := w.tasks[id]
	w.mu.Unlock()
	if t != nil {
		t.state.set(target == TargetPaused)
	}
}

// StopTasks stops the tasks and waits for them, all within the graceful shutdown
// timeout in total (task.shutdown.graceful.timeout.ms); each task commits the offsets
// of what Kafka acknowledged on its way out.
func (w *Worker) StopTasks(ids []TaskID) {
	var stopping []*taskRunner
	w.mu.Lock()
	for _, id := range ids {
		if t := w.tasks[id]; t != nil {
			stopping = append(stopping, t)
			delete(w.tasks, id)
		}
	}
	w.mu.Unlock()
	for _, t := range stopping {
		t.cancel()
	}
	ctx, cancel := context.WithTimeout(context.Background(), w.set.ShutdownTimeout+w.set.FlushTimeout)
	defer cancel()
	var wg sync.WaitGroup
	for _, t := range stopping {
		wg.Add(1)
		go func(t *taskRunner) {
			defer wg.Done()
			select {
			case <-t.done:
			case <-ctx.Done():
				w.log.Warn("graceful stop of task timed out; it is abandoned", "connector", t.id.Connector, "task", t.id.Task)
				if t.abandon != nil {
					t.abandon()
				}
			}
		}(t)
	}
	wg.Wait()
}

// TaskRunning reports whether id runs here.
func (w *Worker) TaskRunning(id TaskID) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	_, ok := w.tasks[id]
	return ok
}

func (w *Worker) newSinkTask(ctx context.Context, id TaskID, plugin *connectors.Plugin, connCfg, taskCfg connectors.Config) (*sinkTask, error) {
	pl, err := w.newPipeline(ctx, connCfg)
	if err != nil {
		return nil, err
	}
	copts, err := sinkConsumerOpts(id, connCfg)
	if err != nil {
		return nil, err
	}
	log := w.log.With("connector", id.Connector, "task", id.Task)
	st := &sinkTask{
		id: id, task: plugin.NewSinkTask(), cfg: taskCfg, chain: pl.chain,
		keyConv: pl.keyConv, valueConv: pl.valueConv, hdrConv: pl.hdrConv,
		tol: &tolerance{policy: pl.policy, log: log, c: &toleranceCounters{}}, log: log, metrics: &taskMetrics{},
		flushInterval: w.set.FlushInterval,
		consumed:      map[connectors.TopicPartition]int64{}, paused: map[connectors.TopicPartition]bool{},
		active: w.newTopicTracker(id),
	}
	st.state = newTaskState(false, func(s State) { w.deps.Status.TaskState(id, s, nil) })
	base := w.deps.ConsumerOpts
	if base == nil {
		base = w.deps.KafkaOpts
	}
	opts := append(append([]kgo.Opt{}, base...), copts...)
	opts = append(opts,
		kgo.OnPartitionsRevoked(st.onRevoked),
		kgo.OnPartitionsLost(st.onRevoked),
		kgo.OnPartitionsAssigned(st.onAssigned))
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("creating consumer: %w", err)
	}
	st.consumer = cl
	if topic := strings.TrimSpace(connCfg["errors.deadletterqueue.topic.name"]); topic != "" {
		if err := w.ensureDLQ(ctx, topic, connCfg); err != nil {
			cl.Close()
			return nil, err
		}
		pcl, err := kgo.NewClient(append(append([]kgo.Opt{}, w.deps.KafkaOpts...),
			kgo.ClientID("connector-dlq-producer-"+id.String()), kgo.RequiredAcks(kgo.AllISRAcks()))...)
		if err != nil {
			cl.Close()
			return nil, fmt.Errorf("creating dead letter queue producer: %w", err)
		}
		st.dlq = &deadLetterQueue{producer: pcl, topic: topic,
			headers: connCfg["errors.deadletterqueue.context.headers.enable"] == "true"}
	}
	return st, nil
}

// ensureDLQ creates the dead letter queue topic when it is missing.
func (w *Worker) ensureDLQ(ctx context.Context, topic string, cfg connectors.Config) error {
	if w.deps.Admin == nil {
		return nil
	}
	rf := int16(3)
	if v, ok := cfg["errors.deadletterqueue.topic.replication.factor"]; ok {
		n, err := strconv.ParseInt(v, 10, 16)
		if err != nil {
			return fmt.Errorf("Invalid value %s for configuration errors.deadletterqueue.topic.replication.factor", v)
		}
		rf = int16(n)
	}
	resp, err := w.deps.Admin.CreateTopic(ctx, 1, rf, nil, topic)
	if err == nil {
		err = resp.Err
	}
	if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
		return fmt.Errorf("creating dead letter queue topic %s: %w", topic, err)
	}
	return nil
}
