// Package kafkalog is the compacted-topic primitive under Gonnect's three internal
// topics (offsets, configs, statuses), the Go counterpart of Kafka Connect's
// KafkaBasedLog: one goroutine consumes the whole topic from the beginning and
// hands every record to a callback; writers produce with acks=all and can wait
// until the local copy has caught up with everything written before.
package kafkalog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// ErrClosed is returned by calls made after Close.
var ErrClosed = errors.New("kafkalog: log closed")

// Opt configures a Log.
type Opt func(*options)

type options struct {
	consume       func(r *kgo.Record)
	logger        *slog.Logger
	readCommitted bool
	clientOpts    []kgo.Opt
	closeTimeout  time.Duration
}

// WithConsume sets the callback called for every data record read from the topic,
// including the records this Log wrote, in offset order per partition, always on the
// Log's single consuming goroutine (so the callback needs no locking against itself).
// r.Offset is the record's offset: the config topic's "config offset" is the last
// consumed r.Offset+1. Transaction control records are never passed. The callback
// must not call ReadToEnd or Start (it would wait for itself). Default: records are
// read and dropped.
func WithConsume(fn func(r *kgo.Record)) Opt { return func(o *options) { o.consume = fn } }

// WithLogger sets the logger; records carry the key "topic". Default: slog.Default().
func WithLogger(l *slog.Logger) Opt { return func(o *options) { o.logger = l } }

// WithReadCommitted makes the Log read with isolation level read_committed and treat
// the last stable offset as "the end", as Java does for the config topic when
// exactly.once.source.support is enabled. Default: read_uncommitted and the high watermark.
func WithReadCommitted() Opt { return func(o *options) { o.readCommitted = true } }

// WithClientOpts appends franz-go options to the ones copied from the base client,
// e.g. kgo.ClientID(groupID+"-offsets"), mirroring Java's per-log client ids. Options
// that contradict the Log's needs (consume options, partitioner, acks) are overridden.
func WithClientOpts(opts ...kgo.Opt) Opt {
	return func(o *options) { o.clientOpts = append(o.clientOpts, opts...) }
}

// WithCloseTimeout bounds how long Close waits for records still in flight to be
// acknowledged before failing them. Default 5s.
func WithCloseTimeout(d time.Duration) Opt { return func(o *options) { o.closeTimeout = d } }

// Log is one compacted internal topic, consumed from the beginning by one goroutine
// and written with acks=all. Records are handed to the consume callback in offset
// order, per partition, on the Log's own goroutine.
//
// Send, SendAsync, ReadToEnd and Close are safe for concurrent use. Start must be
// called once before ReadToEnd.
type Log struct {
	topic  string
	opts   options
	log    *slog.Logger
	client *kgo.Client
	adm    *kadm.Client

	cancel context.CancelFunc // stops the consuming goroutine
	done   chan struct{}      // closed when the consuming goroutine exits

	// mu guards everything below: the consuming goroutine's progress, shared with
	// ReadToEnd callers waiting for it.
	mu       sync.Mutex
	started  bool
	closed   bool
	position map[int32]int64 // next offset to read per partition (last consumed+1)
	waiters  []*waiter
	fetchErr error // last fetch error, reported when a ReadToEnd gives up
}

type waiter struct {
	target map[int32]int64
	ch     chan struct{}
}

// New returns a Log on topic. It makes its own franz-go client from cl.Opts() (cl
// itself is neither used nor closed, and must carry no consume options), adding: all
// partitions of topic consumed from the start, keys partitioned with murmur2 exactly as
// Java's default partitioner, acks=all, and the options from WithClientOpts. The
// returned Log does nothing until Start.
func New(cl *kgo.Client, topic string, opts ...Opt) (*Log, error) {
	if cl == nil {
		return nil, errors.New("kafkalog: nil client")
	}
	if topic == "" {
		return nil, errors.New("kafkalog: empty topic name")
	}
	o := options{closeTimeout: 5 * time.Second}
	for _, opt := range opts {
		opt(&o)
	}
	if o.logger == nil {
		o.logger = slog.Default()
	}
	kopts := append([]kgo.Opt{}, cl.Opts()...)
	kopts = append(kopts, o.clientOpts...)
	kopts = append(kopts,
		kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.KeepControlRecords(), // to advance past transaction markers at the log end
		kgo.RecordPartitioner(JavaPartitioner()),
		kgo.RequiredAcks(kgo.AllISRAcks()),
	)
	if o.readCommitted {
		kopts = append(kopts, kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	}
	client, err := kgo.NewClient(kopts...)
	if err != nil {
		return nil, fmt.Errorf("kafkalog: client for topic %q: %w", topic, err)
	}
	return &Log{
		topic:    topic,
		opts:     o,
		log:      o.logger.With("topic", topic),
		client:   client,
		adm:      kadm.NewClient(client),
		position: make(map[int32]int64),
		done:     make(chan struct{}),
	}, nil
}

// Topic returns the topic name.
func (l *Log) Topic() string { return l.topic }

// Start starts the consuming goroutine (reading every partition from its beginning)
// and blocks until it has read to the end, as ReadToEnd. ctx bounds only this initial
// read: the goroutine keeps consuming until Close. Calling Start twice is an error.
func (l *Log) Start(ctx context.Context) error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return ErrClosed
	}
	if l.started {
		l.mu.Unlock()
		return fmt.Errorf("kafkalog: topic %q: already started", l.topic)
	}
	l.started = true
	runCtx, cancel := context.WithCancel(context.Background())
	l.cancel = cancel
	l.mu.Unlock()

	go l.run(runCtx)
	if err := l.ReadToEnd(ctx); err != nil {
		return fmt.Errorf("starting log on topic %q: %w", l.topic, err)
	}
	l.log.Debug("log started")
	return nil
}

// ReadToEnd blocks until every record below the end offsets fetched at call time has
// been passed to the consume callback (and the callback has returned). It fails when
// ctx is done first, naming the last fetch error seen if there was one.
func (l *Log) ReadToEnd(ctx context.Context) error {
	l.mu.Lock()
	started, closed := l.started, l.closed
	l.mu.Unlock()
	if closed {
		return ErrClosed
	}
	if !started {
		return fmt.Errorf("kafkalog: topic %q: ReadToEnd before Start", l.topic)
	}
	target, err := l.endOffsets(ctx)
	if err != nil {
		return err
	}
	w := &waiter{target: target, ch: make(chan struct{})}
	l.mu.Lock()
	if l.reached(target) {
		l.mu.Unlock()
		return nil
	}
	l.waiters = append(l.waiters, w)
	l.mu.Unlock()

	select {
	case <-w.ch:
		return nil
	case <-l.done:
		return ErrClosed
	case <-ctx.Done():
		l.mu.Lock()
		l.removeWaiter(w)
		ferr := l.fetchErr
		l.mu.Unlock()
		if ferr != nil {
			return fmt.Errorf("reading topic %q to end: %w (last fetch error: %v)", l.topic, ctx.Err(), ferr)
		}
		return fmt.Errorf("reading topic %q to end: %w", l.topic, ctx.Err())
	}
}

// endOffsets returns, per partition, the offset the consumer must reach. Partitions
// whose log is empty (start == end) need nothing and are left out.
func (l *Log) endOffsets(ctx context.Context) (map[int32]int64, error) {
	var ends kadm.ListedOffsets
	var err error
	if l.opts.readCommitted {
		ends, err = l.adm.ListCommittedOffsets(ctx, l.topic)
	} else {
		ends, err = l.adm.ListEndOffsets(ctx, l.topic)
	}
	if err == nil {
		err = ends.Error()
	}
	if err != nil {
		return nil, fmt.Errorf("listing end offsets of topic %q: %w", l.topic, err)
	}
	starts, err := l.adm.ListStartOffsets(ctx, l.topic)
	if err == nil {
		err = starts.Error()
	}
	if err != nil {
		return nil, fmt.Errorf("listing start offsets of topic %q: %w", l.topic, err)
	}
	target := make(map[int32]int64)
	ends.Each(func(o kadm.ListedOffset) {
		if s, ok := starts.Lookup(o.Topic, o.Partition); ok && s.Offset >= o.Offset {
			return
		}
		target[o.Partition] = o.Offset
	})
	return target, nil
}

// reached reports whether the consumer has reached target. Callers hold mu.
func (l *Log) reached(target map[int32]int64) bool {
	for p, end := range target {
		if l.position[p] < end {
			return false
		}
	}
	return true
}

// removeWaiter drops w from the waiting list. Callers hold mu.
func (l *Log) removeWaiter(w *waiter) {
	for i, x := range l.waiters {
		if x == w {
			l.waiters = append(l.waiters[:i], l.waiters[i+1:]...)
			return
		}
	}
}

// run is the consuming goroutine: the only caller of the consume callback.
func (l *Log) run(ctx context.Context) {
	defer close(l.done)
	for {
		fetches := l.client.PollFetches(ctx)
		if ctx.Err() != nil || fetches.IsClientClosed() {
			return
		}
		fetches.EachError(func(topic string, p int32, err error) {
			if errors.Is(err, context.Canceled) {
				return
			}
			l.log.Warn("fetching internal topic", "partition", p, "error", err)
			l.mu.Lock()
			l.fetchErr = err
			l.mu.Unlock()
		})
		fetches.EachPartition(func(fp kgo.FetchTopicPartition) {
			if len(fp.Records) == 0 {
				return
			}
			for _, r := range fp.Records {
				if !r.Attrs.IsControl() && l.opts.consume != nil {
					l.opts.consume(r)
				}
			}
			last := fp.Records[len(fp.Records)-1].Offset
			l.mu.Lock()
			l.position[fp.Partition] = last + 1
			l.mu.Unlock()
		})
		l.release()
	}
}

// release wakes every ReadToEnd whose target has been reached.
func (l *Log) release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	kept := l.waiters[:0]
	for _, w := range l.waiters {
		if l.reached(w.target) {
			close(w.ch)
			continue
		}
		kept = append(kept, w)
	}
	clear(l.waiters[len(kept):])
	l.waiters = kept
}

// Send produces one record (value nil = tombstone) and blocks until it is
// acknowledged by all in-sync replicas, or ctx is done. The record's partition is
// murmur2(key) as Java's producer picks it. It does not wait for the record to be
// consumed: follow with ReadToEnd for that.
func (l *Log) Send(ctx context.Context, key, value []byte) error {
	if l.isClosed() {
		return ErrClosed
	}
	r := &kgo.Record{Topic: l.topic, Key: key, Value: value}
	if err := l.client.ProduceSync(ctx, r).FirstErr(); err != nil {
		return fmt.Errorf("writing to topic %q: %w", l.topic, err)
	}
	return nil
}

// SendAsync produces one record (value nil = tombstone) without blocking on the
// acknowledgement; done (may be nil) is called once with the outcome, from a
// producer goroutine, so it must not block for long. Records sent from one goroutine
// are written in order per partition.
func (l *Log) SendAsync(key, value []byte, done func(error)) {
	if l.isClosed() {
		if done != nil {
			done(ErrClosed)
		}
		return
	}
	r := &kgo.Record{Topic: l.topic, Key: key, Value: value}
	l.client.Produce(context.Background(), r, func(_ *kgo.Record, err error) {
		if err != nil {
			err = fmt.Errorf("writing to topic %q: %w", l.topic, err)
		}
		if done != nil {
			done(err)
		}
	})
}

// Flush blocks until every record sent so far is acknowledged or failed, or ctx is done.
func (l *Log) Flush(ctx context.Context) error { return l.client.Flush(ctx) }

func (l *Log) isClosed() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.closed
}

// Close waits up to the close timeout for records in flight, then stops the
// consuming goroutine and closes the Log's client. Pending ReadToEnd calls return
// ErrClosed; records still unacknowledged fail their SendAsync callbacks. Close is
// idempotent and never calls the consume callback after it returns.
func (l *Log) Close() {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	l.closed = true
	started := l.started
	l.mu.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), l.opts.closeTimeout)
	if err := l.client.Flush(ctx); err != nil {
		l.log.Warn("closing log with records not acknowledged", "error", err)
	}
	cancel()
	if started {
		l.cancel()
		<-l.done
	} else {
		close(l.done)
	}
	l.client.Close()
}
