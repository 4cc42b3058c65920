package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
)

// Transformer is the transform chain of a connector (transforms.Chain). A nil result
// drops the record.
type Transformer interface {
	Apply(r *connectors.Record) (*connectors.Record, error)
}

// sourceTask runs one SourceTask: poll, transform, convert, produce, track, and commit
// the acknowledged prefix of offsets every flush interval and at stop. All of its
// state is owned by its run goroutine, except the tracker and the counters, which
// producer callbacks touch and which are safe for concurrent use.
type sourceTask struct {
	id        TaskID
	task      connectors.SourceTask
	committer connectors.RecordCommitter // task, when it takes CommitRecord calls; else nil
	cfg       connectors.Config          // resolved
	chain     Transformer
	keyConv   schemas.Converter
	valueConv schemas.Converter
	hdrConv   schemas.HeaderConverter
	producer  *kgo.Client
	store     offsets.Store
	tracker   *offsets.Tracker
	tol       *tolerance
	topics    *topicCreator
	active    *topicTracker // topics produced to, for KIP-558 tracking
	log       *slog.Logger
	metrics   *taskMetrics

	flushInterval time.Duration
	flushTimeout  time.Duration

	// failure carries the first fatal error from a producer callback to the run loop.
	failOnce sync.Once
	failure  chan error
	state    *taskState

	uncommitted map[string]offsets.Entry // owned by the run goroutine
	abandoned   atomic.Bool              // set by StopTasks when the graceful stop timed out

	// ensured is the last topic topics.ensure accepted (run goroutine only).
	ensured string

	// ctx is run's context, set before the first record is produced; the producer
	// callback (onProduced) reads it.
	ctx context.Context
	// produced is onProduced as a func value, made once: a method value passed to
	// Produce would be allocated per record.
	produced func(*kgo.Record, error)
	slabs    *slabPool // send slots, reused across polls
	// keyRel and valueRel are the converters that take their results back once the
	// producer is done with them (schemas.BufferReleaser), nil for the others.
	keyRel, valueRel schemas.BufferReleaser
}

// partitionKey is a canonical string for a source partition (sorted keys).
func partitionKey(p offsets.Partition) string {
	b, _ := json.Marshal(p) // encoding/json sorts map keys
	return string(b)
}

// run is the task's loop. It returns nil when ctx is cancelled (stop) and the error
// that failed the task otherwise. Offsets of acknowledged records are committed on the
// way out either way.
func (t *sourceTask) run(ctx context.Context, tc connectors.TaskContext) (err error) {
	defer func() {
		// Final commit: wait (bounded) for outstanding sends, then write what was acked.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), t.flushTimeout)
		t.awaitOutstanding(cctx)
		if t.abandoned.Load() {
			// StopTasks gave up on this task and a new instance may already have
			// committed newer offsets: never move them backwards.
			cancel()
			return
		}
		if cerr := t.commitOffsets(cctx); cerr != nil {
			t.log.Warn("final offset commit failed; records since the last commit will be redelivered after a restart", "error", cerr)
			if err == nil && ctx.Err() == nil {
				err = cerr
			}
		}
		cancel()
	}()
	if err := safeCall(func() error { return t.task.Start(ctx, t.cfg, tc) }); err != nil {
		return fmt.Errorf("task start: %w", err)
	}
	t.ctx = ctx
	t.state.running()

	// The connector is polled, and its records transformed and converted, on a
	// goroutine of their own, one batch ahead of the loop that produces, so Poll and
	// conversion overlap with producing the previous batch (Java does all of it on the
	// task thread; connectors already accept Commit and CommitRecord from other threads
	// while Poll runs). The poller stops before the final commit below.
	pctx, stopPoll := context.WithCancel(ctx)
	batches := make(chan polledBatch, 1)
	pollDone := make(chan struct{})
	go func() {
		defer close(pollDone)
		t.pollLoop(pctx, batches)
	}()
	defer func() {
		stopPoll()
		<-pollDone
	}()

	// offset.flush.interval.ms may be 0 (flush as often as possible); a ticker needs
	// a positive period.
	flush := time.NewTicker(max(t.flushInterval, time.Millisecond))
	defer flush.Stop()
	for {
		// While the task is paused, batches polled before the pause are held, not
		// produced: PAUSED means nothing more reaches Kafka, as in Java. Offsets of
		// records already sent keep committing.
		in := batches
		paused, switched := t.state.pausedNow()
		if paused {
			in = nil
			t.state.showCurrent() // the poller may be blocked in Poll or handing over a batch
		}
		select {
		case <-switched:
			t.state.showCurrent()
		case <-ctx.Done():
			return nil
		case err := <-t.failure:
			return err
		case <-flush.C:
			if err := t.commitOffsets(ctx); err != nil {
				var pe *PanicError
				if errors.As(err, &pe) {
					return err // the connector's LazyOffset panicked: it fails every flush
				}
				t.log.Error("offset commit failed; offsets will be retried at the next flush", "error", err)
			}
		case b, ok := <-in:
			if !ok {
				return nil // the poller stopped: ctx ended
			}
			slots := b.slots[:b.n]
			t.trackAll(slots)
			for i := range slots {
				if err := t.dispatch(ctx, &slots[i]); err != nil {
					untrack(slots[i:]) // never sent
					if ctx.Err() != nil {
						return nil
					}
					return err
				}
			}
			if b.err != nil {
				return b.err
			}
		}
	}
}

// polledBatch is one Poll's records, transformed and converted into slots[:n], and,
// when err is set, the error that ends the task once those n are sent (Poll failed,
// or the record at index n could not be transformed or converted).
type polledBatch struct {
	slots []sendSlot // of a sendSlab
	n     int
	err   error
}

// pollLoop polls the task while it is not paused and hands each non-empty batch to
// out, until ctx ends or Poll fails with a non-retriable error (handed over as the
// batch's err). It closes out when it returns.
func (t *sourceTask) pollLoop(ctx context.Context, out chan<- polledBatch) {
	defer close(out)
	for {
		if err := t.state.waitRunnable(ctx); err != nil {
			return
		}
		var recs []*connectors.SourceRecord
		start := time.Now()
		err := safeCall(func() error {
			var perr error
			recs, perr = t.task.Poll(ctx)
			return perr
		})
		if ctx.Err() != nil {
			return
		}
		var b polledBatch
		if err != nil {
			var retriable *connectors.RetriableError
			if errors.As(err, &retriable) {
				t.log.Warn("source task poll failed with a retriable error; polling again", "error", err)
				continue
			}
			b.err = fmt.Errorf("poll: %w", err)
		} else {
			at := time.Now()
			t.metrics.observePoll(len(recs), at.Sub(start))
			if len(recs) == 0 {
				continue
			}
			// Transforms and converters run here, beside the send loop producing the
			// previous batch.
			slab := t.slabs.get(len(recs))
			b.slots = slab.slots
			for i, r := range recs {
				if r == nil {
					b.err = fmt.Errorf("poll: the task returned a nil record at index %d of a batch of %d", i, len(recs))
					break
				}
				// A record without a timestamp is stamped with the time its poll
				// returned (one clock read per poll instead of one per record).
				b.slots[i].kr.Timestamp = at
				if perr := t.prepare(ctx, r, &b.slots[i]); perr != nil {
					if ctx.Err() != nil {
						return
					}
					b.err = perr
					break
				}
				b.n = i + 1
			}
			t.tol.src = nil // keep no record of the batch alive past its conversion
			slab.arm(b.n)   // each of the n slots is released once after dispatch
		}
		select {
		case out <- b:
		case <-ctx.Done():
			return
		}
		if b.err != nil {
			return
		}
	}
}

// prepare transforms and converts one record into slot, on the poll goroutine. A
// record that a transform drops or that is skipped under errors.tolerance=all is
// marked skip (dispatch counts it as done at once); an error fails the task.
func (t *sourceTask) prepare(ctx context.Context, r *connectors.SourceRecord, slot *sendSlot) error {
	slot.setOrigin(r, t.committer != nil)
	t.tol.src = r // positions are rendered from the source offset only on errors
	rec := &r.Record
	if t.chain != nil {
		var out *connectors.Record
		err := t.tol.do(ctx, StageTransformation, rec, func() error {
			var terr error
			out, terr = t.chain.Apply(rec)
			return terr
		})
		if err != nil && !errors.Is(err, errTolerated) {
			return err
		}
		if out == nil || err != nil {
			slot.skip = true
			return nil
		}
		rec = out
	}
	kr := &slot.kr
	kr.Topic = rec.Topic
	if rec.KafkaPartition != nil {
		// The connector chose the partition (CDC schema changes and heartbeats use 0):
		// the partitioner honours it instead of hashing the key.
		kr.Partition = *rec.KafkaPartition
		kr.Context = withManualPartition(ctx)
	}
	if !rec.Timestamp.IsZero() {
		kr.Timestamp = rec.Timestamp
	}
	var err error
	if !t.convertFast(ctx, rec, kr) {
		// The staged path: retries, errors.tolerance and the failing stage's name.
		err = t.convertStaged(ctx, rec, kr)
	}
	if err == nil && len(rec.Headers) > 0 {
		err = t.tol.do(ctx, StageHeaderConverter, rec, func() error {
			for _, h := range rec.Headers {
				b, herr := t.hdrConv.FromConnectHeader(ctx, rec.Topic, h.Key, h.Schema, h.Value)
				if herr != nil {
					return fmt.Errorf("header %q: %w", h.Key, herr)
				}
				kr.Headers = append(kr.Headers, kgo.RecordHeader{Key: h.Key, Value: b})
			}
			return nil
		})
	}
	if errors.Is(err, errTolerated) {
		slot.skip = true
		return nil
	}
	return err
}

// convertFast converts the record's key and value into kr with one panic guard for
// both. It reports false, leaving kr's key and value unset, when either converter
// failed or panicked; the caller then runs convertStaged, which calls the converters
// again one stage at a time (a failing conversion is rare, and converters are
// idempotent: the Avro converter's registration is cached by the registry).
func (t *sourceTask) convertFast(ctx context.Context, rec *connectors.Record, kr *kgo.Record) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	k, err := t.keyConv.FromConnect(ctx, rec.Topic, rec.KeySchema, rec.Key)
	if err != nil {
		return false
	}
	v, err := t.valueConv.FromConnect(ctx, rec.Topic, rec.ValueSchema, rec.Value)
	if err != nil {
		return false
	}
	kr.Key, kr.Value = k, v
	return true
}

// convertStaged converts key then value, each as its own stage under the task's
// retry and tolerance policy.
func (t *sourceTask) convertStaged(ctx context.Context, rec *connectors.Record, kr *kgo.Record) error {
	err := t.tol.do(ctx, StageKeyConverter, rec, func() (cerr error) {
		kr.Key, cerr = t.keyConv.FromConnect(ctx, rec.Topic, rec.KeySchema, rec.Key)
		return cerr
	})
	if err != nil {
		return err
	}
	return t.tol.do(ctx, StageValueConverter, rec, func() (cerr error) {
		kr.Value, cerr = t.valueConv.FromConnect(ctx, rec.Topic, rec.ValueSchema, rec.Value)
		return cerr
	})
}

// dispatch produces a prepared slot, in poll order, on the send loop (or counts a
// skipped record as done).
func (t *sourceTask) dispatch(ctx context.Context, slot *sendSlot) error {
	if slot.skip {
		t.skip(ctx, slot)
		slot.release()
		return nil
	}
	kr := &slot.kr
	if t.topics != nil && kr.Topic != t.ensured {
		if err := t.topics.ensure(ctx, kr.Topic); err != nil {
			return fmt.Errorf("creating topic %q: %w", kr.Topic, err)
		}
		t.ensured = kr.Topic
	}
	t.metrics.sent.Add(1)
	t.producer.Produce(ctx, kr, t.produced)
	return nil
}

// trackAll hands the records of a batch to the offset tracker, in order and under
// one lock, before any of them is produced; records without a source partition or
// an offset are not tracked (they are never committed).
func (t *sourceTask) trackAll(slots []sendSlot) {
	t.tracker.TrackEach(len(slots), func(i int) (*offsets.Pending, offsets.Partition, offsets.Offset, offsets.Lazy) {
		s := &slots[i]
		o := &s.origin
		if o.part == nil || (o.off == nil && o.lazy == nil) {
			return nil, nil, nil, nil
		}
		s.tracked = true
		return &s.pd, o.part, o.off, o.lazy
	})
}

// untrack drops the tracked records of slots, which will not be sent.
func untrack(slots []sendSlot) {
	for i := range slots {
		if slots[i].tracked {
			slots[i].pd.Drop()
		}
	}
}

// onProduced is the producer callback of every record this task sends. It releases
// the record's slot when done with it.
func (t *sourceTask) onProduced(kr *kgo.Record, perr error) {
	slot := slotOf(kr)
	t.settle(slot, kr, perr)
	// kgo is done with the record: its converted bytes go back to their converter
	if t.keyRel != nil && kr.Key != nil {
		t.keyRel.ReleaseBuffer(kr.Key)
	}
	if t.valueRel != nil && kr.Value != nil {
		t.valueRel.ReleaseBuffer(kr.Value)
	}
	slot.release()
}

// settle accounts for a produced record: acknowledged, failed, or given up at stop.
func (t *sourceTask) settle(slot *sendSlot, kr *kgo.Record, perr error) {
	o := &slot.origin
	t.metrics.done.Add(1)
	if perr != nil {
		if t.ctx.Err() != nil && errors.Is(perr, context.Canceled) {
			return // stopping: the record stays unacked and is redelivered after restart
		}
		if t.tol.policy.TolerateAll {
			t.tol.c.skipped.Add(1)
			t.log.Error("failed to send record; skipped under errors.tolerance=all", "topic", kr.Topic, "position", o.position(), "error", perr)
			if slot.tracked {
				slot.pd.Ack()
			}
			return
		}
		t.fail(fmt.Errorf("%s stage failed for record at topic %q position %s: %w", StageKafkaProduce, kr.Topic, o.position(), perr))
		return
	}
	t.metrics.written.Add(1)
	t.active.used(kr.Topic)
	if slot.tracked {
		slot.pd.Ack()
	}
	if rc := t.committer; rc != nil {
		md := &connectors.RecordMetadata{Topic: kr.Topic, Partition: kr.Partition, Offset: kr.Offset}
		if cerr := safeCall(func() error { return rc.CommitRecord(t.ctx, slot.src, md) }); cerr != nil {
			t.log.Warn("CommitRecord failed", "error", cerr)
		}
	}
}

// skip accounts for a record that will not be produced: its offset may be committed.
func (t *sourceTask) skip(ctx context.Context, slot *sendSlot) {
	if slot.tracked {
		slot.pd.Ack()
	}
	if rc := t.committer; rc != nil {
		_ = safeCall(func() error { return rc.CommitRecord(ctx, slot.src, nil) })
	}
}

func (t *sourceTask) fail(err error) {
	t.failOnce.Do(func() { t.failure <- err })
}

func (t *sourceTask) awaitOutstanding(ctx context.Context) {
	if err := t.producer.Flush(ctx); err != nil {
		t.log.Warn("timed out waiting for outstanding records; their offsets are not committed and they will be redelivered", "error", err)
	}
}

// commitOffsets writes the offsets of the acknowledged prefix of every source
// partition, then tells the task.
func (t *sourceTask) commitOffsets(ctx context.Context) error {
	// Entries the tracker released stay in t.uncommitted until a write succeeds, so a
	// failed write is retried at the next flush rather than lost.
	// Committable renders LazyOffsets: connector code, contained like a panic in Poll.
	var ready []offsets.Entry
	if err := safeCall(func() error { ready = t.tracker.Committable(); return nil }); err != nil {
		return fmt.Errorf("rendering source offsets: %w", err)
	}
	for _, e := range ready {
		t.uncommitted[partitionKey(e.Partition)] = e
	}
	if len(t.uncommitted) == 0 {
		return nil
	}
	entries := make([]offsets.Entry, 0, len(t.uncommitted))
	for _, e := range t.uncommitted {
		entries = append(entries, e)
	}
	start := time.Now()
	err := t.store.Set(ctx, t.id.Connector, entries)
	t.metrics.observeCommit(err, time.Since(start))
	if err != nil {
		return fmt.Errorf("committing offsets: %w", err)
	}
	clear(t.uncommitted)
	if oc, ok := t.task.(connectors.OffsetCommitter); ok {
		if err := safeCall(func() error { return oc.Commit(ctx) }); err != nil {
			t.log.Warn("task Commit failed", "error", err)
		}
	}
	return nil
}

// offsetJSON renders a source record's offset for messages (off the hot path).
func offsetJSON(r *connectors.SourceRecord) string {
	if r.Position != "" {
		return r.Position
	}
	var o offsets.Offset
	if perr := safeCall(func() error { o = r.Offset(); return nil }); perr != nil {
		return "<offset unavailable: " + perr.Error() + ">" // a LazyOffset panicked
	}
	b, err := json.Marshal(o)
	if err != nil {
		return fmt.Sprint(o)
	}
	return string(b)
}
