package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
)

// sinkTask runs one SinkTask: consume from the connector's consumer group, convert,
// transform, Put, and commit consumer offsets only for what the task has flushed.
// Rebalances are blocked while a batch is processed (BlockRebalanceOnPoll), and a
// revocation flushes and commits the revoked partitions first, so a cooperative
// rebalance neither loses nor double-applies a batch.
type sinkTask struct {
	id        TaskID
	task      connectors.SinkTask
	cfg       connectors.Config
	chain     Transformer
	keyConv   schemas.Converter
	valueConv schemas.Converter
	hdrConv   schemas.HeaderConverter
	consumer  *kgo.Client
	dlq       *deadLetterQueue
	tol       *tolerance
	log       *slog.Logger
	metrics   *taskMetrics
	state     *taskState
	active    *topicTracker // topics consumed from, for KIP-558 tracking

	flushInterval time.Duration

	// batch is the memory of the SinkRecords, filled by deliver on the task
	// goroutine; putBuf is the slice Put was last given, reused when the task
	// borrows its records (batch.reuse).
	batch  sinkBatch
	putBuf []*connectors.SinkRecord

	mu        sync.Mutex                          // guards the task and consumed against rebalance callbacks
	consumed  map[connectors.TopicPartition]int64 // next offset to commit per partition
	paused    map[connectors.TopicPartition]bool
	commitReq bool
	stopped   bool // set after the final commit; later revocation callbacks do nothing
}

// sinkCtx is the SinkTaskContext; calls come from the task inside Put/Flush.
type sinkCtx struct{ t *sinkTask }

func (c sinkCtx) Pause(ps ...connectors.TopicPartition) {
	m := map[string][]int32{}
	for _, p := range ps {
		m[p.Topic] = append(m[p.Topic], p.Partition)
		c.t.paused[p] = true
	}
	c.t.consumer.PauseFetchPartitions(m)
}

func (c sinkCtx) Resume(ps ...connectors.TopicPartition) {
	m := map[string][]int32{}
	for _, p := range ps {
		m[p.Topic] = append(m[p.Topic], p.Partition)
		delete(c.t.paused, p)
	}
	c.t.consumer.ResumeFetchPartitions(m)
}

func (c sinkCtx) RequestCommit() { c.t.commitReq = true }

// sinkConsumerOpts are the kgo options of a sink task's consumer: Java's sink
// consumer defaults (group connect-<connector>, no auto-commit, earliest), and a
// pool for the fetched records, which deliver recycles (sinkRecordPool).
func sinkConsumerOpts(id TaskID, cfg connectors.Config) ([]kgo.Opt, error) {
	group := "connect-" + id.Connector
	if g, ok := cfg["consumer.override.group.id"]; ok && g != "" {
		group = g
	}
	opts := []kgo.Opt{
		kgo.ConsumerGroup(group),
		kgo.ClientID("connector-consumer-" + id.String()),
		kgo.DisableAutoCommit(),
		kgo.BlockRebalanceOnPoll(),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.WithPools(&sinkRecordPool{}),
	}
	topics := splitList(cfg["topics"])
	regex := strings.TrimSpace(cfg["topics.regex"])
	switch {
	case len(topics) > 0 && regex != "":
		return nil, errors.New("topics and topics.regex are mutually exclusive options, but both are set.")
	case len(topics) > 0:
		opts = append(opts, kgo.ConsumeTopics(topics...))
	case regex != "":
		if _, err := regexp.Compile(regex); err != nil {
			return nil, fmt.Errorf("Invalid value %s for configuration topics.regex: %v", regex, err)
		}
		opts = append(opts, kgo.ConsumeTopics(regex), kgo.ConsumeRegex())
	default:
		return nil, errors.New("Must configure one of topics or topics.regex")
	}
	timing, err := sinkGroupOverrides(cfg)
	return append(opts, timing...), err
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// onRevoked flushes and commits the revoked partitions before they move.
func (t *sinkTask) onRevoked(ctx context.Context, cl *kgo.Client, revoked map[string][]int32) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return // closing the consumer after the final commit: the task is already stopped
	}
	if err := t.flushAndCommit(ctx); err != nil {
		t.log.Warn("flush before revocation failed; the revoked partitions will be re-consumed from the last commit", "error", err)
	}
	var ps []connectors.TopicPartition
	for topic, parts := range revoked {
		for _, p := range parts {
			tp := connectors.TopicPartition{Topic: topic, Partition: p}
			ps = append(ps, tp)
			delete(t.consumed, tp)
		}
	}
	if h, ok := t.task.(connectors.SinkPartitionHandler); ok {
		_ = safeCall(func() error { return h.Close(ctx, ps) })
	}
}

func (t *sinkTask) onAssigned(ctx context.Context, _ *kgo.Client, assigned map[string][]int32) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if h, ok := t.task.(connectors.SinkPartitionHandler); ok {
		var ps []connectors.TopicPartition
		for topic, parts := range assigned {
			for _, p := range parts {
				ps = append(ps, connectors.TopicPartition{Topic: topic, Partition: p})
			}
		}
		_ = safeCall(func() error { return h.Open(ctx, ps) })
	}
}

// flushAndCommit asks the task to flush what it was given, then commits exactly
// those offsets to the consumer group. Called with t.mu held.
func (t *sinkTask) flushAndCommit(ctx context.Context) error {
	if len(t.consumed) == 0 {
		return nil
	}
	snapshot := make(map[connectors.TopicPartition]int64, len(t.consumed))
	for tp, o := range t.consumed {
		snapshot[tp] = o
	}
	start := time.Now()
	if t.dlq != nil {
		if err := t.dlq.flush(ctx); err != nil {
			t.metrics.observeCommit(err, time.Since(start))
			return err
		}
	}
	if err := safeCall(func() error { return t.task.Flush(ctx, snapshot) }); err != nil {
		t.metrics.observeCommit(err, time.Since(start))
		return fmt.Errorf("flush: %w", err)
	}
	commit := map[string]map[int32]kgo.EpochOffset{}
	for tp, o := range snapshot {
		if commit[tp.Topic] == nil {
			commit[tp.Topic] = map[int32]kgo.EpochOffset{}
		}
		commit[tp.Topic][tp.Partition] = kgo.EpochOffset{Epoch: -1, Offset: o}
	}
	var cerr error
	done := make(chan struct{})
	t.consumer.CommitOffsetsSync(ctx, commit, func(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, err error) {
		cerr = err
		if err == nil {
			cerr = commitResponseError(resp)
		}
		close(done)
	})
	<-done
	t.metrics.observeCommit(cerr, time.Since(start))
	if cerr == nil {
		for tp, o := range snapshot {
			if t.consumed[tp] == o {
				delete(t.consumed, tp)
			}
		}
	}
	return cerr
}

// run is the sink task's loop; it returns nil when ctx is cancelled and the error that
// failed the task otherwise.
func (t *sinkTask) run(ctx context.Context) (err error) {
	defer func() {
		t.mu.Lock()
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		if ferr := t.flushAndCommit(cctx); ferr != nil {
			t.log.Warn("final flush failed; uncommitted records will be re-consumed", "error", ferr)
		}
		cancel()
		t.stopped = true
		t.mu.Unlock()
	}()
	if err := safeCall(func() error { return t.task.Start(ctx, t.cfg, sinkCtx{t}) }); err != nil {
		return fmt.Errorf("task start: %w", err)
	}
	if br, ok := t.task.(connectors.SinkRecordBorrower); ok {
		_ = safeCall(func() error { t.batch.reuse = br.BorrowsRecords(); return nil })
	}
	t.state.running()
	nextFlush := time.Now().Add(t.flushInterval)
	for {
		if err := t.state.waitRunnable(ctx); err != nil {
			return nil
		}
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		fs := t.consumer.PollFetches(pctx)
		cancel()
		if ctx.Err() != nil {
			t.consumer.AllowRebalance()
			return nil
		}
		if err := fatalFetchError(fs); err != nil {
			t.consumer.AllowRebalance()
			return err
		}
		t.mu.Lock()
		err := t.deliver(ctx, fs)
		if err == nil && (time.Now().After(nextFlush) || t.commitReq) {
			if ferr := t.flushAndCommit(ctx); ferr != nil {
				t.log.Error("offset commit failed; will retry at the next flush", "error", ferr)
			}
			t.commitReq = false
			nextFlush = time.Now().Add(t.flushInterval)
		}
		t.mu.Unlock()
		t.consumer.AllowRebalance()
		if err != nil {
			return err
		}
	}
}

func fatalFetchError(fs kgo.Fetches) error {
	var out error
	fs.EachError(func(topic string, p int32, err error) {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			return
		}
		if out == nil && isFatalConsumeError(err) {
			out = fmt.Errorf("consuming %s-%d: %w", topic, p, err)
		}
	})
	return out
}

// deliver converts and transforms one poll's records and hands them to Put. The
// SinkRecords and what they carry live in the task's batch memory (sinkBatch), whose
// record slots come back once Put returned if the task borrows its records. Each
// fetched record is recycled once converted: fs must not be used afterwards.
func (t *sinkTask) deliver(ctx context.Context, fs kgo.Fetches) error {
	n := fs.NumRecords()
	if n == 0 {
		return nil
	}
	b := &t.batch
	b.start(n, convKind(t.keyConv), convKind(t.valueConv))
	defer b.release()
	var batch []*connectors.SinkRecord
	if b.reuse {
		batch = t.putBuf[:0]
		defer func() { t.putBuf = batch[:0] }()
	} else {
		batch = make([]*connectors.SinkRecord, 0, n)
	}
	var lastErr error
	// Offsets advance only once Put accepted the batch (or the record was filtered or
	// tolerated as part of it): a failed Put must never let them be committed.
	next := map[connectors.TopicPartition]int64{}
	fs.EachPartition(func(p kgo.FetchTopicPartition) {
		if lastErr != nil || len(p.Records) == 0 {
			return
		}
		t.metrics.polled.Add(int64(len(p.Records)))
		t.active.used(p.Topic)
		last := p.Records[len(p.Records)-1].Offset
		for _, kr := range p.Records {
			sr, err := t.convert(ctx, kr, b)
			if err == nil && sr != nil {
				batch = append(batch, sr)
			}
			if err != nil && !errors.Is(err, errTolerated) {
				lastErr = err
				return
			}
			if err != nil && t.dlq != nil {
				var te *ToleratedError
				if errors.As(err, &te) {
					t.dlq.send(t.id, kr, te)
				}
			}
			kr.Recycle() // nothing built from kr points into it (sinkRecordPool)
		}
		next[connectors.TopicPartition{Topic: p.Topic, Partition: p.Partition}] = last + 1
	})
	if lastErr != nil {
		return lastErr
	}
	if len(batch) > 0 {
		if err := t.put(ctx, batch); err != nil {
			return err
		}
	}
	for tp, o := range next {
		t.consumed[tp] = o
	}
	return nil
}

// put hands a batch to the task. A RetriableError is retried with the same batch after
// a growing pause, as Java redelivers the batch, until ctx is cancelled.
func (t *sinkTask) put(ctx context.Context, batch []*connectors.SinkRecord) error {
	delay := 100 * time.Millisecond
	for {
		start := time.Now()
		err := safeCall(func() error { return t.task.Put(ctx, batch) })
		t.metrics.observePoll(len(batch), time.Since(start))
		if err == nil {
			t.metrics.written.Add(int64(len(batch)))
			return nil
		}
		var retriable *connectors.RetriableError
		if !errors.As(err, &retriable) {
			return fmt.Errorf("%s stage failed for records starting at %s: %w", StageTask, batch[0].Position, err)
		}
		t.tol.c.retries.Add(1)
		t.log.Warn("sink task put failed with a retriable error; retrying the same batch", "error", err, "backoff", delay)
		if !sleep(ctx, delay) {
			return ctx.Err()
		}
		delay = min(delay*2, 5*time.Second)
	}
}

// convert builds the SinkRecord for kr in the next record of b; errors follow
// errors.tolerance. A nil record and nil error mean a transform dropped it.
func (t *sinkTask) convert(ctx context.Context, kr *kgo.Record, b *sinkBatch) (*connectors.SinkRecord, error) {
	// The record is zeroed memory: only the fields with a value are written, each
	// pointer once, since while the GC marks every pointer write costs a barrier.
	// KafkaPartition points at OriginalPartition, which holds the same number (they
	// differ only once a transform sets a new partition, which it does by pointer).
	sr := b.next()
	rec := &sr.Record
	sr.KafkaOffset, sr.OriginalTopic, sr.OriginalPartition, sr.OriginalOffset = kr.Offset, kr.Topic, kr.Partition, kr.Offset
	rec.Topic, rec.KafkaPartition, rec.Timestamp = kr.Topic, &sr.OriginalPartition, kr.Timestamp
	rec.Position = b.text.position(kr.Topic, kr.Partition, kr.Offset)
	var err error
	if !t.convertFast(ctx, kr, rec, b) {
		// The staged path: retries, errors.tolerance and the failing stage's name.
		err = t.convertStaged(ctx, kr, rec)
	}
	if err == nil && len(kr.Headers) > 0 && t.hdrConv != nil {
		err = t.tol.do(ctx, StageHeaderConverter, rec, func() error {
			for _, h := range kr.Headers {
				s, v, e := t.hdrConv.ToConnectHeader(ctx, kr.Topic, h.Key, h.Value)
				if e != nil {
					return fmt.Errorf("header %q: %w", h.Key, e)
				}
				rec.Headers = append(rec.Headers, connectors.Header{Key: h.Key, Schema: s, Value: v})
			}
			return nil
		})
	}
	if err == nil && t.chain != nil {
		var out *connectors.Record
		err = t.tol.do(ctx, StageTransformation, rec, func() (e error) {
			out, e = t.chain.Apply(rec)
			return e
		})
		if err == nil {
			if out == nil {
				return nil, nil
			}
			sr.Record = *out
		}
	}
	if err != nil {
		return nil, err
	}
	return sr, nil
}

// convertFast sets rec's key and value: in b's memory for
// ByteArrayConverter and StringConverter, through the other converters under one
// panic guard for both. It reports false when a converter failed or panicked; the
// caller then runs convertStaged, which sets both again calling the converters one
// stage at a time (a failing conversion is rare, and converters are idempotent).
func (t *sinkTask) convertFast(ctx context.Context, kr *kgo.Record, rec *connectors.Record, b *sinkBatch) bool {
	var keyDone, valueDone bool
	rec.KeySchema, rec.Key, keyDone = b.toConnect(b.keyKind, &kr.Key)
	rec.ValueSchema, rec.Value, valueDone = b.toConnect(b.valueKind, &kr.Value)
	return (keyDone && valueDone) || t.convertGuarded(ctx, kr, rec, keyDone, valueDone)
}

// convertGuarded runs the key and value converters that convertFast could not
// replace, recovering a panic as a failure.
func (t *sinkTask) convertGuarded(ctx context.Context, kr *kgo.Record, rec *connectors.Record, keyDone, valueDone bool) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	var err error
	if !keyDone {
		if rec.KeySchema, rec.Key, err = t.keyConv.ToConnect(ctx, kr.Topic, kr.Key); err != nil {
			return false
		}
	}
	if !valueDone {
		if rec.ValueSchema, rec.Value, err = t.valueConv.ToConnect(ctx, kr.Topic, kr.Value); err != nil {
			return false
		}
	}
	return true
}

// convertStaged converts key then value, each as its own stage under the task's
// retry and tolerance policy.
func (t *sinkTask) convertStaged(ctx context.Context, kr *kgo.Record, rec *connectors.Record) error {
	err := t.tol.do(ctx, StageKeyConverter, rec, func() (e error) {
		rec.KeySchema, rec.Key, e = t.keyConv.ToConnect(ctx, kr.Topic, kr.Key)
		return e
	})
	if err != nil {
		return err
	}
	return t.tol.do(ctx, StageValueConverter, rec, func() (e error) {
		rec.ValueSchema, rec.Value, e = t.valueConv.ToConnect(ctx, kr.Topic, kr.Value)
		return e
	})
}

func commitResponseError(resp *kmsg.OffsetCommitResponse) error {
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
				return fmt.Errorf("committing %s-%d: %w", t.Topic, p.Partition, err)
			}
		}
	}
	return nil
}

// isFatalConsumeError reports consume errors that retrying will not fix.
func isFatalConsumeError(err error) bool {
	var ke *kerr.Error
	if errors.As(err, &ke) {
		return !ke.Retriable
	}
	return errors.Is(err, kgo.ErrClientClosed)
}
