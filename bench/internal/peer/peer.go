// Package peer holds the franz-go programs the worker is compared with in the same
// run: a producer sending pre-encoded records and a group consumer that only counts.
// Each runs in its own child process so its CPU and memory are measured the same way
// as the worker's.
package peer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/bench/internal/benchconn"
	"github.com/gonnect/gonnect/bench/internal/harness"
)

// Role names of the peer children.
const (
	ProduceRole = "peer-produce"
	ConsumeRole = "peer-consume"
)

// ProducerOpts are the settings both sides produce with: acks=all, idempotent (kgo's
// default), linger 0, the worker's buffer of 16384 records, and the given
// compression.type (none or lz4).
func ProducerOpts(broker, codec string) ([]kgo.Opt, error) {
	var c kgo.CompressionCodec
	switch codec {
	case "none":
		c = kgo.NoCompression()
	case "lz4":
		c = kgo.Lz4Compression()
	default:
		return nil, fmt.Errorf("compression %q: want none or lz4", codec)
	}
	return []kgo.Opt{kgo.SeedBrokers(broker), kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerBatchCompression(c), kgo.ProducerLinger(0),
		kgo.MaxBufferedRecords(16384), kgo.AllowAutoTopicCreation()}, nil
}

// Produce is the producer child. Args: broker topic records payload-bytes
// [compression, default none]. It
// pre-encodes the records, sends them all, flushes, prints "@produced", then waits
// for ctx so the parent can read its /proc figures.
func Produce(ctx context.Context, args []string) error {
	if len(args) != 4 && len(args) != 5 {
		return errors.New("usage: peer-produce BROKER TOPIC RECORDS PAYLOAD_BYTES [none|lz4]")
	}
	codec := "none"
	if len(args) == 5 {
		codec = args[4]
	}
	opts, err := ProducerOpts(args[0], codec)
	if err != nil {
		return err
	}
	n, err1 := strconv.ParseInt(args[2], 10, 64)
	size, err2 := strconv.Atoi(args[3])
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	keys := make([][]byte, min(n, benchconn.PoolSize))
	vals := make([][]byte, len(keys))
	for i := range keys {
		keys[i] = benchconn.AppendKey(nil, int64(i))
		vals[i] = benchconn.AppendValue(nil, int64(i), size)
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return err
	}
	defer cl.Close()
	var failed atomic.Pointer[error]
	done := func(_ *kgo.Record, err error) {
		if err != nil {
			failed.CompareAndSwap(nil, &err)
		}
	}
	topic := args[1]
	for i := int64(0); i < n; i++ {
		j := i % int64(len(keys))
		cl.Produce(ctx, &kgo.Record{Topic: topic, Key: keys[j], Value: vals[j]}, done)
	}
	if err := cl.Flush(ctx); err != nil {
		return err
	}
	if e := failed.Load(); e != nil {
		return *e
	}
	fmt.Println("@produced")
	<-ctx.Done()
	return nil
}

// Consume is the consumer child. Args: broker topic records group. It consumes with
// a consumer group from the start of the topic, counting records and bytes, prints
// "@sink-done <benchconn.SinkReport>" once it has seen the expected count, commits,
// and waits for ctx.
func Consume(ctx context.Context, args []string) error {
	if len(args) != 4 {
		return errors.New("usage: peer-consume BROKER TOPIC RECORDS GROUP")
	}
	n, err := strconv.ParseInt(args[2], 10, 64)
	if err != nil {
		return err
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(args[0]), kgo.ConsumerGroup(args[3]), kgo.ConsumeTopics(args[1]),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.DisableAutoCommit())
	if err != nil {
		return err
	}
	defer cl.Close()
	var count, bytes int64
	var start time.Time
	var cpu0 time.Duration
	for count < n {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err := fs.Err0(); err != nil {
			return err
		}
		fs.EachRecord(func(r *kgo.Record) {
			if count == 0 {
				start = time.Now()
				cpu0, _ = harness.SelfUsage()
			}
			count++
			bytes += int64(len(r.Key) + len(r.Value))
		})
	}
	end := time.Now()
	cpu, peak := harness.SelfUsage()
	rep, _ := json.Marshal(benchconn.SinkReport{Records: count, Bytes: bytes, StartNs: start.UnixNano(), EndNs: end.UnixNano(),
		CPUNs: int64(cpu - cpu0), PeakRSS: peak})
	fmt.Printf("@sink-done %s\n", rep)
	if err := cl.CommitUncommittedOffsets(ctx); err != nil && ctx.Err() == nil {
		return err
	}
	<-ctx.Done()
	return nil
}
