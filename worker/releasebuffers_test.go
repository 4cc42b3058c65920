package worker

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
)

// bigRecordsTask returns polls of records whose values are kilobytes of text
// derived from their sequence number, then waits.
type bigRecordsTask struct {
	mu    sync.Mutex
	polls int
}

const bigPolls, bigPerPoll = 6, 500

func bigText(i int) string {
	return strings.Repeat(strconv.Itoa(i)+"-", 2500/len(strconv.Itoa(i)+"-")+i%700)
}

var bigSchema = schemas.StructBuilder().Name("big.Value").Field("seq", schemas.Int32Schema).Field("text", schemas.StringSchema).Schema()

func (*bigRecordsTask) Start(context.Context, connectors.Config, connectors.TaskContext) error {
	return nil
}

func (t *bigRecordsTask) Poll(ctx context.Context) ([]*connectors.SourceRecord, error) {
	t.mu.Lock()
	p := t.polls
	t.polls++
	t.mu.Unlock()
	if p >= bigPolls {
		<-ctx.Done()
		return nil, nil
	}
	recs := make([]*connectors.SourceRecord, bigPerPoll)
	for j := range recs {
		i := p*bigPerPoll + j
		recs[j] = &connectors.SourceRecord{SourcePartition: offsets.Partition{"p": "0"}, SourceOffset: offsets.Offset{"i": i},
			Record: connectors.Record{Topic: "big", KeySchema: schemas.StringSchema, Key: strconv.Itoa(i),
				ValueSchema: bigSchema, Value: schemas.NewStruct(bigSchema).Set("seq", int32(i)).Set("text", bigText(i))}}
	}
	return recs, nil
}

func (*bigRecordsTask) Stop(context.Context) error { return nil }

// TestReleasedBuffersKeepRecordsIntact runs a source task whose JsonConverter
// (schemas.enable) results are kilobytes each, so the worker hands every one back to
// the converter's pool once Kafka acknowledged it and later conversions reuse them:
// every record read back from the topic must still be exactly its own.
func TestReleasedBuffersKeepRecordsIntact(t *testing.T) {
	k, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(k.Close)
	reg := connectors.NewRegistry()
	reg.Add(&connectors.Plugin{Class: "test.big", NewConnector: func() connectors.Connector { return nil },
		NewSourceTask: func() connectors.SourceTask { return &bigRecordsTask{} }})
	w := newTestWorker(t, reg, offsets.NewMemoryStore(), newStatusLog(), k.ListenAddrs())
	id := TaskID{"big", 0}
	cfg := connectors.Config{"connector.class": "test.big",
		"key.converter":   "org.apache.kafka.connect.storage.StringConverter",
		"value.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable": "true"}
	if err := w.StartTask(id, cfg, connectors.Config{}, TargetStarted); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.StopTasks([]TaskID{id}) })

	cl, err := kgo.NewClient(kgo.SeedBrokers(k.ListenAddrs()...), kgo.ConsumeTopics("big"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	seen := map[int]bool{}
	for len(seen) < bigPolls*bigPerPoll {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("read %d of %d records before the deadline", len(seen), bigPolls*bigPerPoll)
		}
		fs.EachRecord(func(r *kgo.Record) {
			i, err := strconv.Atoi(string(r.Key))
			if err != nil {
				t.Fatalf("key %q", r.Key)
			}
			want := `"payload":{"seq":` + strconv.Itoa(i) + `,"text":"` + bigText(i) + `"}}`
			if !strings.HasSuffix(string(r.Value), want) || !strings.HasPrefix(string(r.Value), `{"schema":{"type":"struct"`) {
				t.Fatalf("record %d is not its own: %.200s...", i, r.Value)
			}
			seen[i] = true
		})
	}
}
