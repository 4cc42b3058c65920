package worker

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
	"github.com/gonnect/gonnect/schemas/converters"
)

// pickyConverter is a converter for strings that fails on "bad" and panics on
// "boom", as a buggy converter would.
type pickyConverter struct{}

func (pickyConverter) FromConnect(_ context.Context, _ string, _ *schemas.Schema, v any) ([]byte, error) {
	switch s, _ := v.(string); s {
	case "bad":
		return nil, errors.New("picky converter refuses bad")
	case "boom":
		panic("picky converter exploded")
	default:
		return []byte(s), nil
	}
}

func (pickyConverter) ToConnect(context.Context, string, []byte) (*schemas.Schema, any, error) {
	return nil, nil, errors.New("not used")
}

// TestConverterFailuresByStage: a converter that fails or panics on a record is
// reported under its own stage (key or value converter) with the record's position
// and fails the task under errors.tolerance=none; under errors.tolerance=all only
// that record is skipped and every other record reaches Kafka with its key and value.
func TestConverterFailuresByStage(t *testing.T) {
	tests := []struct {
		name      string
		tolerance string
		key, val  string // of record 2; records 0, 1, 3 are clean
		wantStage Stage  // in the FAILED task's trace (tolerance none)
		wantText  string
	}{
		{name: "value error fails", tolerance: "none", key: "k", val: "bad", wantStage: StageValueConverter, wantText: "refuses bad"},
		{name: "value panic fails", tolerance: "none", key: "k", val: "boom", wantStage: StageValueConverter, wantText: "exploded"},
		{name: "key error fails", tolerance: "none", key: "bad", val: "v", wantStage: StageKeyConverter, wantText: "refuses bad"},
		{name: "key panic fails", tolerance: "none", key: "boom", val: "v", wantStage: StageKeyConverter, wantText: "exploded"},
		{name: "value panic skipped", tolerance: "all", key: "k", val: "boom"},
		{name: "key error skipped", tolerance: "all", key: "bad", val: "v"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(k.Close)
			reg := connectors.NewRegistry()
			part := offsets.Partition{"p": "picky"}
			var recs []*connectors.SourceRecord
			for i := range 4 {
				key, val := "k"+strconv.Itoa(i), "v"+strconv.Itoa(i)
				if i == 2 {
					key, val = tc.key, tc.val
				}
				recs = append(recs, &connectors.SourceRecord{SourcePartition: part, SourceOffset: offsets.Offset{"n": int64(i)},
					Record: connectors.Record{Topic: "picky", KeySchema: schemas.StringSchema, Key: key, ValueSchema: schemas.StringSchema, Value: val}})
			}
			reg.Add(&connectors.Plugin{Class: "test.picky", NewConnector: func() connectors.Connector { return nil },
				NewSourceTask: func() connectors.SourceTask { return &onceTask{recs: recs} }})
			st := newStatusLog()
			store := offsets.NewMemoryStore()
			w, err := New(Deps{
				Registry: reg, Offsets: store, Status: st,
				Converter: func(ctx context.Context, c string, cfg map[string]string, isKey bool, _ time.Duration) (schemas.Converter, error) {
					if c == "test.Picky" {
						return pickyConverter{}, nil
					}
					return converters.New(ctx, c, cfg, isKey)
				},
				HeaderConverter: converters.NewHeader,
				KafkaOpts:       []kgo.Opt{kgo.SeedBrokers(k.ListenAddrs()...), kgo.AllowAutoTopicCreation()},
			}, Settings{WorkerID: "127.0.0.1:8083", KeyConverter: "test.Picky", ValueConverter: "test.Picky",
				FlushInterval: 50 * time.Millisecond, FlushTimeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			id := TaskID{"picky", 0}
			if err := w.StartTask(id, connectors.Config{"connector.class": "test.picky", "errors.tolerance": tc.tolerance}, connectors.Config{}, TargetStarted); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { w.StopTasks([]TaskID{id}) })
			if tc.tolerance == "none" {
				err := st.failure(t, id)
				tr := Trace(err)
				for _, want := range []string{string(tc.wantStage), tc.wantText, `{"n":2}`} {
					if !strings.Contains(tr, want) {
						t.Fatalf("trace lacks %q:\n%s", want, tr)
					}
				}
				return
			}
			got := consumeAll(t, k.ListenAddrs(), "picky", 3)
			slices.Sort(got)
			if strings.Join(got, ",") != "v0,v1,v3" {
				t.Fatalf("values in Kafka %v, want v0,v1,v3 (record 2 skipped)", got)
			}
			eventually(t, "offset of the last record committed", func() bool {
				o, err := store.Get(context.Background(), "picky", []offsets.Partition{part})
				return err == nil && o[0] != nil && o[0]["n"] == int64(3)
			})
		})
	}
}
