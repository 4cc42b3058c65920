package worker

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
	"github.com/gonnect/gonnect/schemas/converters"
)

// TestSinkBoxedValues: a value boxed in place behaves as the same value boxed by the
// compiler (type switches, reflection, formatting, equality), and keeps its memory
// alive through garbage collections once nothing else references the batch.
func TestSinkBoxedValues(t *testing.T) {
	for _, tc := range []struct {
		name  string
		boxed func() any
		want  any
	}{
		{name: "bytes", boxed: func() any { s := make([][]byte, 4); s[2] = []byte("payload"); return boxBytes(&s[2]) }, want: []byte("payload")},
		{name: "empty bytes", boxed: func() any { s := make([][]byte, 1); s[0] = []byte{}; return boxBytes(&s[0]) }, want: []byte{}},
		{name: "string", boxed: func() any { s := make([]string, 3); s[1] = strings.Repeat("é", 3); return boxString(&s[1]) }, want: "ééé"},
		{name: "empty string", boxed: func() any { s := make([]string, 1); return boxString(&s[0]) }, want: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := tc.boxed()
			for range 3 {
				runtime.GC()
			}
			if reflect.TypeOf(v) != reflect.TypeOf(tc.want) || !reflect.DeepEqual(v, tc.want) {
				t.Fatalf("boxed %#v (%T), want %#v (%T)", v, v, tc.want, tc.want)
			}
			if got, want := fmt.Sprintf("%v|%x", v, v), fmt.Sprintf("%v|%x", tc.want, tc.want); got != want {
				t.Fatalf("formatted %q, want %q", got, want)
			}
			switch x := v.(type) {
			case []byte:
				if string(x) != string(tc.want.([]byte)) {
					t.Fatalf("[]byte %q", x)
				}
			case string:
				if v != tc.want || x != tc.want.(string) {
					t.Fatalf("string %q not equal to %q", x, tc.want)
				}
			default:
				t.Fatalf("type switch saw %T", v)
			}
		})
	}
}

// panicConverter panics converting the value "boom" and passes other bytes through.
type panicConverter struct{ schemas.ByteArrayConverter }

func (*panicConverter) ToConnect(_ context.Context, _ string, b []byte) (*schemas.Schema, any, error) {
	if string(b) == "boom" {
		panic("converter bug")
	}
	return schemas.OptionalBytesSchema, append([]byte(nil), b...), nil
}

// TestSinkDeliverConverts: the records Put receives carry exactly what each
// converter's ToConnect returns, whether the runtime built it in the poll's memory
// (ByteArray, String) or called the converter (JSON, String with invalid UTF-8),
// with Kafka coordinates and positions from two partitions of two topics; a
// converter that fails or panics fails the task naming the stage and the record.
func TestSinkDeliverConverts(t *testing.T) {
	json, err := converters.New(context.Background(), converters.JSONClass, map[string]string{"schemas.enable": "false"}, false)
	if err != nil {
		t.Fatal(err)
	}
	str := &schemas.StringConverter{}
	bytes := &schemas.ByteArrayConverter{}
	for _, tc := range []struct {
		name       string
		key, value schemas.Converter
		keys, vals [][]byte
		wantErr    string
	}{
		{name: "bytearray", key: bytes, value: bytes, keys: [][]byte{[]byte("k1"), nil, {}}, vals: [][]byte{[]byte("v1"), []byte("v2"), nil}},
		{name: "string", key: str, value: str, keys: [][]byte{[]byte("k1"), nil, {}}, vals: [][]byte{[]byte("välue"), {0xff, 'x'}, nil}},
		{name: "string key, json value", key: str, value: json, keys: [][]byte{[]byte("k1"), []byte("k2"), nil}, vals: [][]byte{[]byte(`{"a":1}`), []byte(`[1,"x"]`), []byte("null")}},
		{name: "json value fails", key: bytes, value: json, keys: [][]byte{nil, nil, nil}, vals: [][]byte{[]byte("1"), []byte("{bad"), []byte("2")},
			wantErr: `VALUE_CONVERTER stage failed for record at topic "t1" position t1-0-11`},
		{name: "panicking converter", key: bytes, value: &panicConverter{}, keys: [][]byte{nil, nil, nil}, vals: [][]byte{[]byte("ok"), []byte("ok"), []byte("boom")},
			wantErr: `VALUE_CONVERTER stage failed for record at topic "t2" position t2-7-100002`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []*connectors.SinkRecord
			sink := &captureSink{put: func(rs []*connectors.SinkRecord) { got = append(got, rs...) }}
			st := newDeliverTask(sink, tc.key, tc.value)
			var in []*kgo.Record
			fs := kgo.Fetches{{Topics: []kgo.FetchTopic{
				{Topic: "t1", Partitions: []kgo.FetchPartition{{Partition: 0, Records: records("t1", 0, 10, tc.keys[:2], tc.vals[:2])}}},
				{Topic: "t2", Partitions: []kgo.FetchPartition{{Partition: 7, Records: records("t2", 7, 100002, tc.keys[2:], tc.vals[2:])}}},
			}}}
			fs.EachRecord(func(r *kgo.Record) { in = append(in, r) })
			err := st.deliver(context.Background(), fs)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("deliver error %v, want one containing %q", err, tc.wantErr)
				}
				if len(got) != 0 || len(st.consumed) != 0 {
					t.Fatalf("a failed poll reached Put (%d records) or advanced offsets %v", len(got), st.consumed)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			runtime.GC() // the batch's memory must survive on the records' references alone
			if len(got) != len(in) {
				t.Fatalf("Put got %d records, want %d", len(got), len(in))
			}
			for i, r := range got {
				kr := in[i]
				ks, kv, _ := tc.key.ToConnect(context.Background(), kr.Topic, kr.Key)
				vs, vv, _ := tc.value.ToConnect(context.Background(), kr.Topic, kr.Value)
				want := connectors.SinkRecord{Record: connectors.Record{Topic: kr.Topic, KafkaPartition: &kr.Partition, KeySchema: ks, Key: kv,
					ValueSchema: vs, Value: vv, Timestamp: kr.Timestamp, Position: fmt.Sprintf("%s-%d-%d", kr.Topic, kr.Partition, kr.Offset)},
					KafkaOffset: kr.Offset, OriginalTopic: kr.Topic, OriginalPartition: kr.Partition, OriginalOffset: kr.Offset}
				if !reflect.DeepEqual(*r, want) {
					t.Errorf("record %d:\n got %+v\nwant %+v", i, *r, want)
				}
			}
			wantNext := map[connectors.TopicPartition]int64{{Topic: "t1", Partition: 0}: 12, {Topic: "t2", Partition: 7}: 100003}
			if !reflect.DeepEqual(st.consumed, wantNext) {
				t.Fatalf("offsets to commit %v, want %v", st.consumed, wantNext)
			}
		})
	}
}

func records(topic string, partition int32, base int64, keys, vals [][]byte) []*kgo.Record {
	out := make([]*kgo.Record, len(keys))
	for i := range keys {
		out[i] = &kgo.Record{Topic: topic, Partition: partition, Offset: base + int64(i), Key: keys[i], Value: vals[i]}
	}
	return out
}

// captureSink hands every Put's records to put.
type captureSink struct {
	countSink
	put func([]*connectors.SinkRecord)
}

func (s *captureSink) Put(_ context.Context, rs []*connectors.SinkRecord) error {
	s.put(rs)
	return nil
}

// TestSinkTextArena: strings carved from the arena keep their bytes across chunks
// (including strings longer than a chunk, and the extreme partitions and offsets),
// and positions render as topic-partition-offset.
func TestSinkTextArena(t *testing.T) {
	var a textArena
	type want struct{ got, want string }
	var all []want
	for i := range 400 {
		part, off := int32(i%3), int64(i)*1_000_003
		switch i {
		case 7:
			part, off = math.MaxInt32, math.MaxInt64
		case 8:
			part, off = math.MinInt32, math.MinInt64
		}
		text := strings.Repeat(string(rune('a'+i%26)), i*i%(textChunk+100))
		all = append(all, want{a.position("topic", part, off), fmt.Sprintf("topic-%d-%d", part, off)}, want{a.copy([]byte(text)), text})
	}
	runtime.GC()
	for i, w := range all {
		if w.got != w.want {
			t.Fatalf("string %d = %.40q (%d bytes), want %.40q (%d bytes)", i, w.got, len(w.got), w.want, len(w.want))
		}
	}
}

// TestSinkPositions: positions rendered incrementally match a full rendering for
// every sequence a poll can hold: consecutive offsets across carries, gaps (compacted
// topics), repeats, offsets going back (a partition reassigned and re-fetched), and
// alternating partitions and topics.
func TestSinkPositions(t *testing.T) {
	type at struct {
		topic string
		part  int32
		off   int64
	}
	run := func(topic string, part int32, from, to int64) []at {
		var out []at
		for o := from; ; o++ { // o <= to would never end at math.MaxInt64
			out = append(out, at{topic, part, o})
			if o == to {
				break
			}
		}
		return out
	}
	for _, tc := range []struct {
		name string
		seq  []at
	}{
		{name: "from zero across carries", seq: run("t", 0, 0, 1205)},
		{name: "all nines", seq: append(run("t", 1, 99_998, 100_001), run("t", 1, 999_999_999_999_999_998, 1_000_000_000_000_000_001)...)},
		{name: "near the largest offset", seq: run("t", 2, math.MaxInt64-3, math.MaxInt64)},
		{name: "gaps and repeats", seq: []at{{"t", 0, 5}, {"t", 0, 7}, {"t", 0, 7}, {"t", 0, 8}, {"t", 0, 19}, {"t", 0, 20}, {"t", 0, 3}, {"t", 0, 4}}},
		{name: "alternating partitions", seq: []at{{"t", 0, 9}, {"t", 1, 9}, {"t", 0, 10}, {"t", 1, 10}, {"t", 10, 11}, {"t", 1, 11}}},
		{name: "alternating topics", seq: []at{{"a", 0, 1}, {"b", 0, 2}, {"a", 0, 2}, {"a-0", 0, 3}, {"a", 0, 3}, {"", 0, 4}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var a textArena
			for i, p := range tc.seq {
				want := fmt.Sprintf("%s-%d-%d", p.topic, p.part, p.off)
				if got := a.position(p.topic, p.part, p.off); got != want {
					t.Fatalf("position %d = %q, want %q", i, got, want)
				}
			}
		})
	}
}
