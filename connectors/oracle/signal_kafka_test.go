package oracle_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/cdc/cdctest"
	"github.com/gonnect/gonnect/connectors/oracle"
	"github.com/gonnect/gonnect/connectors/oracle/logminer"
)

// TestExecuteSignalFromKafkaChannel replays I01 with signal.enabled.channels=kafka:
// the signal rows of the recording (sig-1 … sig-6) are not executed, only its
// watermark rows are used, and the signals arrive through Stream.ExecuteSignal as
// the Kafka channel delivers them. An execute-snapshot sig-1 sent before mining
// drives the same chunks the source channel did (no pause this time, so chunk 3
// follows chunk 2 at once and meets the recorded sig-1-3 watermarks); bad signals
// start nothing.
func TestExecuteSignalFromKafkaChannel(t *testing.T) {
	ws := loadRecorded(t, "I01-incremental-snapshot-signals.jsonl")
	snapData := `{"data-collections":["CBS.FINX.ACCOUNTS"],"type":"incremental"}`
	streamed := "corebank.FINX.ACCOUNTS u Struct{ACCT_ID=7000002} false\n" +
		"corebank.FINX.ACCOUNTS u Struct{ACCT_ID=7000005} false\n" +
		"corebank.FINX.ACCOUNTS d Struct{ACCT_ID=7000005} false\n" +
		"corebank.FINX.ACCOUNTS tombstone Struct{ACCT_ID=7000005}\n" +
		"corebank.FINX.ACCOUNTS u Struct{ACCT_ID=7000001} false"
	tests := []struct {
		name           string
		sigs           []cdc.Signal
		wantRecords    string
		wantWatermarks string
	}{
		{name: "execute-snapshot", sigs: []cdc.Signal{{ID: "sig-1", Type: cdc.SignalExecuteSnapshot, Data: snapData}},
			wantRecords: "corebank.FINX.ACCOUNTS u Struct{ACCT_ID=7000002} false\n" +
				"corebank.FINX.ACCOUNTS r Struct{ACCT_ID=7000001} incremental\n" +
				"corebank.FINX.ACCOUNTS r Struct{ACCT_ID=7000003} incremental\n" +
				"corebank.FINX.ACCOUNTS r Struct{ACCT_ID=7000004} incremental\n" +
				"corebank.FINX.ACCOUNTS u Struct{ACCT_ID=7000005} false\n" +
				"corebank.FINX.ACCOUNTS d Struct{ACCT_ID=7000005} false\n" +
				"corebank.FINX.ACCOUNTS tombstone Struct{ACCT_ID=7000005}\n" +
				"corebank.FINX.ACCOUNTS u Struct{ACCT_ID=7000001} false",
			wantWatermarks: "sig-1-1-open,sig-1-1-close,sig-1-2-open,sig-1-2-close,sig-1-3-open,sig-1-3-close"},
		{name: "execute-snapshot then stop-snapshot", sigs: []cdc.Signal{{ID: "sig-1", Type: cdc.SignalExecuteSnapshot, Data: snapData},
			{ID: "s2", Type: cdc.SignalStopSnapshot}}, wantRecords: streamed, wantWatermarks: "sig-1-1-open,sig-1-1-close"},
		{name: "watermark type is refused", sigs: []cdc.Signal{{ID: "sig-1-1-open", Type: cdc.SignalWindowOpen}}, wantRecords: streamed},
		{name: "data that is not JSON", sigs: []cdc.Signal{{ID: "sig-1", Type: cdc.SignalExecuteSnapshot, Data: "{data-collections"}}, wantRecords: streamed},
		{name: "blocking snapshot is refused", sigs: []cdc.Signal{{ID: "sig-1", Type: cdc.SignalExecuteSnapshot,
			Data: `{"data-collections":["CBS.FINX.ACCOUNTS"],"type":"blocking"}`}}, wantRecords: streamed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cat, _, scfg := i01(t)
			scfg.SourceSignalsOff = true
			var watermarks []string
			scfg.Incremental.Watermark = func(id, _, _ string) error { watermarks = append(watermarks, id); return nil }
			st, err := oracle.NewStream(scfg, cat, oracle.Position{}, slog.New(slog.DiscardHandler), oracle.NewMetrics("t"))
			if err != nil {
				t.Fatal(err)
			}
			for _, sig := range tt.sigs {
				if err := st.ExecuteSignal(sig, cdc.SignalChannelKafka); err != nil {
					t.Fatal(err)
				}
			}
			if got := describeAll(accounts(mineAll(t, st, ws))); got != tt.wantRecords {
				t.Errorf("records:\n%s\nwant:\n%s", got, tt.wantRecords)
			}
			if got := strings.Join(watermarks, ","); got != tt.wantWatermarks {
				t.Errorf("watermarks written: %s, want %s", got, tt.wantWatermarks)
			}
			if _, ok := st.Offset()[oracle.OffsetIncrementalCollections]; ok {
				t.Errorf("final offset still names a running incremental snapshot: %v", st.Offset())
			}
		})
	}
}

// TestTaskKafkaSignalChannel runs the task on I01 with the Kafka channel on kfake
// (signal.enabled.channels=kafka): a record keyed by another connector's prefix is
// ignored, the execute-snapshot keyed by topic.prefix starts an incremental snapshot
// (its watermarks are written through the source), the log signal is logged, the
// group's committed offset moves past both, and a restarted task runs neither again.
func TestTaskKafkaSignalChannel(t *testing.T) {
	ws := loadRecorded(t, "I01-incremental-snapshot-signals.jsonl")
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "corebank-signal"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.DefaultProduceTopic("corebank-signal"))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var rs []*kgo.Record
	for _, s := range []struct{ key, id, typ, data string }{
		{"other", "x-1", cdc.SignalExecuteSnapshot, `{"data-collections":["CBS.FINX.BRANCHES"]}`},
		{"corebank", "k-1", cdc.SignalExecuteSnapshot, `{"data-collections":["CBS.FINX.ACCOUNTS"],"type":"incremental"}`},
		{"corebank", "k-2", cdc.SignalLog, `{"message":"hello over kafka"}`},
	} {
		v := fmt.Sprintf(`{"id":%q,"type":%q,"data":%s}`, s.id, s.typ, s.data)
		rs = append(rs, &kgo.Record{Key: []byte(s.key), Value: []byte(v)})
	}
	if err := cl.ProduceSync(context.Background(), rs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	wl := &watermarkLog{}
	run := func(t *testing.T, logs *cdctest.LogBuffer, until func() bool) {
		t.Helper()
		cat, snap, _ := i01(t)
		task := startI01Task(t, oracle.Source{Session: logminer.NewRecorded(ws), Catalog: cat, Snapshot: snap, WriteSignal: wl.write},
			connectors.Config{"signal.enabled.channels": "kafka", "signal.kafka.bootstrap.servers": strings.Join(c.ListenAddrs(), ","),
				"signal.poll.interval.ms": "10"}, slog.New(slog.NewTextHandler(logs, nil)))
		defer task.Stop(context.Background())
		deadline := time.Now().Add(10 * time.Second)
		for !until() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out; log:\n%s", logs.String())
			}
			if _, err := task.Poll(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	}
	committed := func() int64 {
		o, err := kadm.NewClient(cl).FetchOffsets(context.Background(), "kafka-signal")
		if err != nil {
			return -1
		}
		if at, ok := o.Lookup("corebank-signal", 0); ok {
			return at.At
		}
		return -1
	}
	first := &cdctest.LogBuffer{}
	run(t, first, func() bool {
		return len(wl.list()) > 0 && strings.Contains(first.String(), "hello over kafka") && committed() == 3
	})
	written := wl.list()
	if written[0] != "k-1-1-open" {
		t.Errorf("watermarks written: %v, want the first to be k-1-1-open", written)
	}
	n := len(written)
	if !strings.Contains(first.String(), "key is not the connector's topic.prefix") {
		t.Errorf("the record keyed by another prefix was not reported:\n%s", first.String())
	}
	// restarted from the stored offset (which names no snapshot): the committed group
	// offset marks both signals as run; a new signal still arrives
	v := fmt.Sprintf(`{"id":"k-3","type":%q,"data":{"message":"second run"}}`, cdc.SignalLog)
	if err := cl.ProduceSync(context.Background(), &kgo.Record{Key: []byte("corebank"), Value: []byte(v)}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	second := &cdctest.LogBuffer{}
	run(t, second, func() bool { return strings.Contains(second.String(), "second run") })
	if written = wl.list(); len(written) != n || strings.Contains(second.String(), "hello over kafka") {
		t.Errorf("a restarted task ran the signals again: watermarks %v; log:\n%s", written[n:], second.String())
	}
}

// TestSignalChannelConfig checks that the Oracle connector declares the Kafka
// channel's keys and parses signal.enabled.channels with the shared rules.
func TestSignalChannelConfig(t *testing.T) {
	def := oracle.ConfigDef()
	for _, k := range []string{"signal.kafka.topic", "signal.kafka.bootstrap.servers", "signal.kafka.groupId", "signal.kafka.poll.timeout.ms"} {
		if _, ok := def.Key(k); !ok {
			t.Errorf("ConfigDef has no %s", k)
		}
	}
	tests := []struct {
		name            string
		extra           map[string]string
		wantErr         string
		wantSource      bool
		wantKafka       bool
		wantTopic       string
		wantStreamNoSrc bool
	}{
		{name: "default", wantSource: true, wantTopic: "corebank-signal"},
		{name: "kafka only", extra: map[string]string{"signal.enabled.channels": "kafka", "signal.kafka.bootstrap.servers": "k:9092",
			"signal.kafka.topic": "sigs"}, wantKafka: true, wantTopic: "sigs", wantStreamNoSrc: true},
		{name: "kafka without servers", extra: map[string]string{"signal.enabled.channels": "source,kafka"},
			wantErr: "signal.kafka.bootstrap.servers must be set"},
		{name: "unknown channel", extra: map[string]string{"signal.enabled.channels": "jmx"}, wantErr: `signal.enabled.channels: channel "jmx"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := taskConfig()
			for k, v := range tt.extra {
				raw[k] = v
			}
			cfg, err := oracle.ParseConfig(raw)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			s := cfg.Signals
			if s.Source != tt.wantSource || s.Kafka != tt.wantKafka || s.KafkaTopic != tt.wantTopic || cfg.StreamConfig().SourceSignalsOff != tt.wantStreamNoSrc {
				t.Errorf("signals %+v, source off in stream %v", s, cfg.StreamConfig().SourceSignalsOff)
			}
		})
	}
}
