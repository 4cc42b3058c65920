package cdc

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc/cdctest"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

func TestParseSignalConfig(t *testing.T) {
	tests := []struct {
		name    string
		raw     connectors.Config
		want    SignalConfig
		wantErr string
	}{
		{name: "defaults", raw: connectors.Config{},
			want: SignalConfig{Source: true, KafkaTopic: "srv-signal", KafkaGroup: "kafka-signal", Interval: 5 * time.Second}},
		{name: "kafka", raw: connectors.Config{"signal.enabled.channels": "source, kafka", "signal.kafka.bootstrap.servers": "a:9092,b:9092",
			"signal.kafka.topic": "sigs", "signal.kafka.groupId": "g", "signal.poll.interval.ms": "100", "signal.kafka.poll.timeout.ms": "20"},
			want: SignalConfig{Source: true, Kafka: true, KafkaTopic: "sigs", KafkaServers: []string{"a:9092", "b:9092"}, KafkaGroup: "g",
				KafkaWait: 20 * time.Millisecond, Interval: 100 * time.Millisecond}},
		{name: "kafka without servers", raw: connectors.Config{"signal.enabled.channels": "kafka"},
			wantErr: "signal.kafka.bootstrap.servers must be set"},
		{name: "unknown channel", raw: connectors.Config{"signal.enabled.channels": "source,jmx"},
			wantErr: `signal.enabled.channels: channel "jmx"`},
		{name: "bad interval", raw: connectors.Config{"signal.poll.interval.ms": "0"}, wantErr: "signal.poll.interval.ms"},
		{name: "bad poll timeout", raw: connectors.Config{"signal.kafka.poll.timeout.ms": "-1"}, wantErr: "signal.kafka.poll.timeout.ms"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseSignalConfig(tc.raw, "srv")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestSignalParsing(t *testing.T) {
	tests := []struct {
		name        string
		value       string
		want        Signal
		wantData    string // fmt of the parsed data
		incremental bool
		conditions  bool
		wantErr     string
	}{
		{name: "execute-snapshot", value: `{"id":"s1","type":"execute-snapshot","data":{"data-collections":["db.a","db.b"],"type":"INCREMENTAL"}}`,
			want:     Signal{ID: "s1", Type: SignalExecuteSnapshot, Data: `{"data-collections":["db.a","db.b"],"type":"INCREMENTAL"}`},
			wantData: "[db.a db.b] INCREMENTAL", incremental: true},
		{name: "blocking", value: `{"id":"s2","type":"execute-snapshot","data":{"data-collections":["db.a"],"type":"blocking"}}`,
			want: Signal{ID: "s2", Type: SignalExecuteSnapshot, Data: `{"data-collections":["db.a"],"type":"blocking"}`}, wantData: "[db.a] blocking"},
		{name: "conditions", value: `{"id":"s3","type":"execute-snapshot","data":{"data-collections":["db.a"],"additional-conditions":[{"data-collection":"db.a","filter":"x>1"}]}}`,
			want:     Signal{ID: "s3", Type: SignalExecuteSnapshot, Data: `{"data-collections":["db.a"],"additional-conditions":[{"data-collection":"db.a","filter":"x>1"}]}`},
			wantData: "[db.a] ", incremental: true, conditions: true},
		{name: "null data", value: `{"id":"s4","type":"pause-snapshot","data":null}`, want: Signal{ID: "s4", Type: SignalPauseSnapshot},
			wantData: "[] ", incremental: true},
		{name: "log", value: `{"id":"s5","type":"log","data":{"message":"hi"}}`, want: Signal{ID: "s5", Type: SignalLog, Data: `{"message":"hi"}`},
			wantData: "[] ", incremental: true},
		{name: "not JSON", value: `{"id":`, wantErr: "signal record is not a JSON object"},
		{name: "data not an object", value: `{"id":"s6","type":"log","data":"text"}`, want: Signal{ID: "s6", Type: SignalLog, Data: `"text"`},
			wantErr: `signal "s6" (log): data is not a JSON object`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sig, err := ParseSignalRecord([]byte(tc.value))
			if err == nil {
				if sig != tc.want {
					t.Fatalf("signal %+v, want %+v", sig, tc.want)
				}
				var d SignalData
				if d, err = sig.ParseData(); err == nil {
					if got := fmt.Sprintf("%v %s", d.DataCollections, d.Type); got != tc.wantData {
						t.Errorf("data %q, want %q", got, tc.wantData)
					}
					if d.Incremental() != tc.incremental || d.HasConditions() != tc.conditions {
						t.Errorf("incremental %v conditions %v", d.Incremental(), d.HasConditions())
					}
				}
			}
			if tc.wantErr == "" && err != nil {
				t.Fatal(err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("error %v, want %q", err, tc.wantErr)
			}
		})
	}
}

// TestKafkaSignals reads the signal topic of a kfake broker: records keyed by
// another topic.prefix and empty or malformed values are skipped, the group's
// offset is committed after each read, and a new reader starts at that offset.
func TestKafkaSignals(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "srv-signal"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.DefaultProduceTopic("srv-signal"))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	produce := func(kvs ...string) {
		t.Helper()
		var rs []*kgo.Record
		for i := 0; i < len(kvs); i += 2 {
			rs = append(rs, &kgo.Record{Key: []byte(kvs[i]), Value: []byte(kvs[i+1])})
		}
		if err := cl.ProduceSync(context.Background(), rs...).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := ParseSignalConfig(connectors.Config{"signal.enabled.channels": "kafka",
		"signal.kafka.bootstrap.servers": strings.Join(c.ListenAddrs(), ","), "signal.poll.interval.ms": "1",
		"signal.kafka.poll.timeout.ms": "50"}, "srv")
	if err != nil {
		t.Fatal(err)
	}
	logs := &cdctest.LogBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	// readUntil reads with a fresh reader until n signals arrived, then closes it
	// (each Read waits up to signal.kafka.poll.timeout.ms).
	readUntil := func(n int) []string {
		t.Helper()
		k, err := NewKafkaSignals(context.Background(), cfg, "srv", log)
		if err != nil {
			t.Fatal(err)
		}
		defer k.Close()
		var ids []string
		deadline := time.Now().Add(10 * time.Second)
		for len(ids) < n {
			if time.Now().After(deadline) {
				t.Fatalf("got %v, want %d signals", ids, n)
			}
			for _, s := range k.Read(context.Background()) {
				ids = append(ids, s.ID)
			}
		}
		return ids
	}
	produce("other", `{"id":"x1","type":"log","data":{}}`, "srv", `{"id":"a1","type":"log","data":{"message":"m"}}`,
		"srv", "", "srv", `not json`, "srv", `{"id":"a2","type":"pause-snapshot"}`)
	if got := strings.Join(readUntil(2), ","); got != "a1,a2" {
		t.Fatalf("first reader: %s, want a1,a2", got)
	}
	for _, want := range []string{"key is not the connector's topic.prefix", "ignoring signal that is not JSON"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
	o, err := kadm.NewClient(cl).FetchOffsets(context.Background(), "kafka-signal")
	if err != nil {
		t.Fatal(err)
	}
	if at, ok := o.Lookup("srv-signal", 0); !ok || at.At != 5 {
		t.Fatalf("committed offset %+v, want 5", at)
	}
	produce("srv", `{"id":"b1","type":"resume-snapshot"}`)
	if got := strings.Join(readUntil(1), ","); got != "b1" {
		t.Fatalf("reader after a restart: %s, want only b1", got)
	}
}
