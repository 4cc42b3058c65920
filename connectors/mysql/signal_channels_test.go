package mysql

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/cdc/cdctest"
	"github.com/gonnect/gonnect/connectors/mysql/mysqltest"
	"github.com/gonnect/gonnect/schemas"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

func (h *harness) startLogged() *cdctest.LogBuffer {
	h.t.Helper()
	lb := &cdctest.LogBuffer{}
	h.task = NewTask(true)
	h.task.log = slog.New(slog.NewTextHandler(lb, nil))
	h.task.now = func() time.Time { return fixedNow }
	h.task.history = h.history
	if err := h.task.Start(context.Background(), h.cfg, cdctest.TaskContext{O: h.offsets}); err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(h.stop)
	return lb
}

// incrementalRows returns the ids of the incremental snapshot rows of topic, in order.
func incrementalRows(rs []*connectors.SourceRecord, topic string) []int32 {
	var ids []int32
	for _, r := range onTopic(rs, topic) {
		env, ok := r.Value.(*schemas.Struct)
		if !ok || env == nil || env.Get("op") != "r" {
			continue
		}
		if env.Get("source").(*schemas.Struct).Get("snapshot") != "incremental" {
			continue
		}
		ids = append(ids, env.Get("after").(*schemas.Struct).Get("id").(int32))
	}
	return ids
}

type testSignal struct {
	key, id, typ, data string
}

// TestSignalChannels drives execute-snapshot, pause-snapshot, resume-snapshot,
// stop-snapshot and log through the source-table channel and through the Kafka
// channel (kfake), each in its own run, and checks what each signal does. Signals sent
// together reach the task together (one transaction, one produced batch), so the pause
// and stop land before the first chunk's window closes.
func TestSignalChannels(t *testing.T) {
	srv := mysqltest.Start(t)
	for _, tc := range []struct {
		name  string
		kafka bool
	}{
		{name: "source", kafka: false},
		{name: "kafka", kafka: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := srv.NewDatabase(t, "sigch")
			srv.Exec(t, "CREATE TABLE "+db+".signals (id VARCHAR(64) PRIMARY KEY, type VARCHAR(32) NOT NULL, data VARCHAR(2048) NULL)",
				"CREATE TABLE "+db+".t (id INT PRIMARY KEY, v VARCHAR(10))", "CREATE TABLE "+db+".m (id INT PRIMARY KEY)",
				"GRANT INSERT ON "+db+".signals TO 'cdc'@'%'")
			var vals []string
			for i := 0; i < 40; i++ {
				vals = append(vals, fmt.Sprintf("(%d,'v%d')", i, i))
			}
			srv.Exec(t, "INSERT INTO "+db+".t VALUES "+strings.Join(vals, ","))
			extra := map[string]string{"snapshot.mode": "no_data", "signal.data.collection": db + ".signals",
				"incremental.snapshot.chunk.size": "5"}
			var send func(sigs ...testSignal)
			if tc.kafka {
				c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "srv-signal"))
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(c.Close)
				extra["signal.enabled.channels"] = "kafka"
				extra["signal.kafka.bootstrap.servers"] = strings.Join(c.ListenAddrs(), ",")
				extra["signal.poll.interval.ms"] = "50"
				cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.DefaultProduceTopic("srv-signal"))
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(cl.Close)
				send = func(sigs ...testSignal) {
					t.Helper()
					var rs []*kgo.Record
					for _, s := range sigs {
						data := s.data
						if data == "" {
							data = "{}"
						}
						v := fmt.Sprintf(`{"id":%q,"type":%q,"data":%s}`, s.id, s.typ, data)
						rs = append(rs, &kgo.Record{Key: []byte(s.key), Value: []byte(v), Partition: 0})
					}
					if err := cl.ProduceSync(context.Background(), rs...).FirstErr(); err != nil {
						t.Fatal(err)
					}
				}
			} else {
				send = func(sigs ...testSignal) {
					t.Helper()
					stmts := []string{"BEGIN"}
					for _, s := range sigs {
						stmts = append(stmts, fmt.Sprintf("INSERT INTO %s.signals VALUES ('%s','%s','%s')", db, s.id, s.typ, s.data))
					}
					srv.Exec(t, append(stmts, "COMMIT")...)
				}
			}
			h := newHarness(t, srv, db, extra)
			lb := h.startLogged()
			h.pollTopic("srv", 5)
			topic := "srv." + db + ".t"
			waitLog := func(msg string) {
				t.Helper()
				deadline := time.Now().Add(20 * time.Second)
				for !strings.Contains(lb.String(), msg) {
					if time.Now().After(deadline) {
						t.Fatalf("no log %q in:\n%s", msg, lb.String())
					}
					h.poll("a poll", func([]*connectors.SourceRecord) bool { return true })
					if _, err := h.task.Poll(context.Background()); err != nil {
						t.Fatal(err)
					}
				}
			}
			marker := 0
			barrier := func() {
				t.Helper()
				marker++
				srv.Exec(t, fmt.Sprintf("INSERT INTO %s.m VALUES (%d)", db, marker))
				h.pollTopic("srv."+db+".m", marker)
			}
			snap := func(tables ...string) string {
				b, _ := json.Marshal(map[string]any{"data-collections": tables, "type": "incremental"})
				return string(b)
			}

			// log; a Kafka signal for another connector and, on the kafka-only run, a
			// signal-table row are both ignored (the counts below would show them)
			sigs := []testSignal{{key: "other", id: "x1", typ: cdc.SignalExecuteSnapshot, data: snap(db + ".t")},
				{key: "srv", id: "a1", typ: cdc.SignalLog, data: `{"message":"hello from ` + tc.name + `"}`}}
			if !tc.kafka {
				sigs = sigs[1:]
			}
			send(sigs...)
			waitLog("signal: hello from " + tc.name)
			if tc.kafka {
				srv.Exec(t, "INSERT INTO "+db+".signals VALUES ('x2','execute-snapshot','"+snap(db+".t")+"')")
			}
			barrier()
			if n := len(incrementalRows(h.got, topic)); n != 0 {
				t.Fatalf("ignored signals produced %d incremental rows", n)
			}

			// execute + pause: exactly the first chunk
			send(testSignal{key: "srv", id: "b1", typ: cdc.SignalExecuteSnapshot, data: snap(db + ".t")},
				testSignal{key: "srv", id: "b2", typ: cdc.SignalPauseSnapshot})
			h.poll("the first chunk", func(rs []*connectors.SourceRecord) bool { return len(incrementalRows(rs, topic)) >= 5 })
			barrier()
			if got := incrementalRows(h.got, topic); fmt.Sprint(got) != "[0 1 2 3 4]" {
				t.Fatalf("paused snapshot emitted %v, want the first chunk [0 1 2 3 4]", got)
			}

			// resume: the rest of the table
			send(testSignal{key: "srv", id: "c1", typ: cdc.SignalResumeSnapshot})
			h.poll("all rows", func(rs []*connectors.SourceRecord) bool { return len(incrementalRows(rs, topic)) >= 40 })
			for i, id := range incrementalRows(h.got, topic) {
				if id != int32(i) {
					t.Fatalf("row %d has id %d", i, id)
				}
			}
			// The completion is logged once the last chunk's close window is read,
			// which may come a poll after the last row.
			waitLog("incremental snapshot completed")
			barrier()
			if o, _ := h.offsets.Offsets(context.Background(), []map[string]any{{"server": "srv"}}); o[0][keyIncCollections] != nil {
				t.Fatalf("completed snapshot still in the offset: %v", o[0])
			}

			// execute + stop: nothing more
			send(testSignal{key: "srv", id: "d1", typ: cdc.SignalExecuteSnapshot, data: snap(db + ".t")},
				testSignal{key: "srv", id: "d2", typ: cdc.SignalStopSnapshot},
				testSignal{key: "srv", id: "d3", typ: cdc.SignalLog, data: `{"message":"stopped ` + tc.name + `"}`})
			waitLog("signal: stopped " + tc.name)
			barrier()
			if n := len(incrementalRows(h.got, topic)); n != 40 {
				t.Fatalf("stopped snapshot emitted %d more rows", n-40)
			}

			// a restarted task does not run the signals again (the kafka channel resumes
			// after the group's committed offset, the source channel after the stored
			// binlog position): once a new signal ran, nothing old has
			h.stop()
			lb = h.startLogged()
			send(testSignal{key: "srv", id: "e1", typ: cdc.SignalLog, data: `{"message":"after restart"}`})
			waitLog("signal: after restart")
			barrier()
			if n := len(incrementalRows(h.got, topic)); n != 40 {
				t.Fatalf("restarted task emitted %d more incremental rows", n-40)
			}
			if strings.Contains(lb.String(), "signal: hello") {
				t.Fatalf("restarted task ran an old log signal:\n%s", lb.String())
			}
		})
	}
}
