package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"time"

	gmysql "github.com/go-mysql-org/go-mysql/mysql"
	"github.com/go-mysql-org/go-mysql/replication"
	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
	"github.com/twmb/franz-go/pkg/kgo"
)

// producerOpts are the Kafka settings of shared/spec/benchmarks.md §11.1, the same for
// Gonnect's pipeline and the ceiling: acks=all, idempotent, no compression, linger 5 ms,
// and the worker's buffer bounds (16384 records, Java's buffer.memory of 32 MiB).
func producerOpts(broker string) []kgo.Opt {
	return []kgo.Opt{kgo.SeedBrokers(broker), kgo.RequiredAcks(kgo.AllISRAcks()), kgo.ProducerLinger(5 * time.Millisecond),
		kgo.ProducerBatchCompression(kgo.NoCompression()), kgo.AllowAutoTopicCreation(),
		kgo.MaxBufferedRecords(16384), kgo.MaxBufferedBytes(32 << 20)}
}

// pipeline is the produce side of a source task in the worker: records are converted
// with the run's key and value converters (built by converters.New from their Java
// class names, as the worker builds them) and produced asynchronously. It is used
// from one goroutine.
type pipeline struct {
	cl         *kgo.Client
	key, value schemas.Converter
	// keyRel and valueRel take converted bytes back once acknowledged, as the
	// worker's source task hands them back (schemas.BufferReleaser); nil otherwise
	keyRel, valueRel schemas.BufferReleaser
	done             func(*kgo.Record, error) // onProduced, made once
	errs             atomic.Int64
	keyBytes         int64
	valBytes         int64
	records          int64
}

func newPipeline(broker string, key, value schemas.Converter) (*pipeline, error) {
	cl, err := kgo.NewClient(producerOpts(broker)...)
	if err != nil {
		return nil, err
	}
	p := &pipeline{cl: cl, key: key, value: value}
	p.keyRel, _ = key.(schemas.BufferReleaser)
	p.valueRel, _ = value.(schemas.BufferReleaser)
	p.done = p.onProduced
	return p, nil
}

// onProduced counts failures and hands the record's bytes back to their converters.
func (p *pipeline) onProduced(r *kgo.Record, err error) {
	if err != nil {
		p.errs.Add(1)
	}
	if p.keyRel != nil && r.Key != nil {
		p.keyRel.ReleaseBuffer(r.Key)
	}
	if p.valueRel != nil && r.Value != nil {
		p.valueRel.ReleaseBuffer(r.Value)
	}
}

// produce converts and produces rs; it blocks only when the producer's buffer is full.
func (p *pipeline) produce(ctx context.Context, rs []*connectors.SourceRecord) error {
	for _, r := range rs {
		k, err := p.key.FromConnect(ctx, r.Topic, r.KeySchema, r.Key)
		if err != nil {
			return err
		}
		v, err := p.value.FromConnect(ctx, r.Topic, r.ValueSchema, r.Value)
		if err != nil {
			return err
		}
		p.keyBytes += int64(len(k))
		p.valBytes += int64(len(v))
		p.records++
		p.cl.Produce(ctx, &kgo.Record{Topic: r.Topic, Key: k, Value: v, Timestamp: r.Timestamp}, p.done)
	}
	return nil
}

// finish waits until every produced record is acknowledged.
func (p *pipeline) finish(ctx context.Context) error {
	if err := p.cl.Flush(ctx); err != nil {
		return err
	}
	if n := p.errs.Load(); n > 0 {
		return fmt.Errorf("%d records failed to produce", n)
	}
	return nil
}

func (p *pipeline) close() { p.cl.Close() }

// dbAddr is where and as whom the ceilings read the binlog.
type dbAddr struct {
	Host     string
	Port     int
	User     string
	Password string
}

// sizes is the mean key and value size of what the pipeline produced.
func (p *pipeline) sizes() (key, value int) {
	if p.records == 0 {
		return 0, 0
	}
	return int(p.keyBytes / p.records), int(p.valBytes / p.records)
}

// pipelineCeiling is the W3 pipeline ceiling of benchmarks.md §11.4: go-mysql decoding
// the binlog from pos (rows decoded, no-op consumer) plus franz-go producing one
// pre-encoded record of the given sizes per changed row to the same broker with the
// same settings, until n XIDs were seen and every record is acknowledged.
func pipelineCeiling(srv dbAddr, pos gmysql.Position, n int, broker string, keySize, valSize int) (time.Duration, error) {
	cl, err := kgo.NewClient(producerOpts(broker)...)
	if err != nil {
		return 0, err
	}
	defer cl.Close()
	key, val := make([]byte, keySize), make([]byte, valSize)
	var errs atomic.Int64
	syncer := replication.NewBinlogSyncer(replication.BinlogSyncerConfig{ServerID: 9201, Flavor: gmysql.MariaDBFlavor, Host: srv.Host,
		Port: uint16(srv.Port), User: srv.User, Password: srv.Password, ParseTime: true, UseDecimal: true,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	defer syncer.Close()
	ctx := context.Background()
	start := time.Now()
	st, err := syncer.StartSync(pos)
	if err != nil {
		return 0, err
	}
	for xids := 0; xids < n; {
		ev, err := st.GetEvent(ctx)
		if err != nil {
			return 0, err
		}
		switch e := ev.Event.(type) {
		case *replication.XIDEvent:
			xids++
		case *replication.RowsEvent:
			rows := len(e.Rows)
			if ev.Header.EventType == replication.UPDATE_ROWS_EVENTv1 || ev.Header.EventType == replication.UPDATE_ROWS_EVENTv2 {
				rows /= 2
			}
			for range rows {
				cl.Produce(ctx, &kgo.Record{Topic: "ceiling", Key: key, Value: val}, func(_ *kgo.Record, err error) {
					if err != nil {
						errs.Add(1)
					}
				})
			}
		}
	}
	if err := cl.Flush(ctx); err != nil {
		return 0, err
	}
	if errs.Load() > 0 {
		return 0, fmt.Errorf("ceiling: %d records failed to produce", errs.Load())
	}
	return time.Since(start), nil
}
