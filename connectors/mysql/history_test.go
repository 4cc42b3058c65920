package mysql

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc/cdctest"
	"github.com/gonnect/gonnect/connectors/mysql/mysqltest"
	"github.com/gonnect/gonnect/schemas"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// TestKafkaSchemaHistory runs the task with the Kafka schema history on kfake: the
// history topic gets Debezium-format records, and a restarted task recovers the
// schema from it.
func TestKafkaSchemaHistory(t *testing.T) {
	srv := mysqltest.Start(t)
	kc, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(kc.Close)
	db := srv.NewDatabase(t, "khist")
	srv.Exec(t, "CREATE TABLE "+db+".t (id INT PRIMARY KEY, a ENUM('x','y') NOT NULL DEFAULT 'x') COMMENT 'tbl'")
	h := newHarness(t, srv, db, map[string]string{
		"schema.history.internal":                         "io.debezium.storage.kafka.history.KafkaSchemaHistory",
		"schema.history.internal.kafka.bootstrap.servers": kc.ListenAddrs()[0],
		"schema.history.internal.kafka.topic":             "history.srv",
		"provide.transaction.metadata":                    "true",
	})
	h.history = nil
	h.start()
	h.pollTopic("srv", 4) // the snapshot's schema is read: DROP/CREATE DATABASE, USE, CREATE TABLE
	srv.Exec(t, "ALTER TABLE "+db+".t ADD COLUMN b BIGINT UNSIGNED", "INSERT INTO "+db+".t VALUES (1,'y',5)")
	h.pollTopic("srv."+db+".t", 1)
	h.stop()
	h.history = nil
	h.got = nil
	h.start()
	srv.Exec(t, "INSERT INTO "+db+".t VALUES (2,'x',6)")
	recs := h.pollTopic("srv."+db+".t", 1)
	if got := fieldNames(recs[0].ValueSchema.Fields[1].Schema); got != "id:int32,a:io.debezium.data.Enum(v1) string [allowed=x,y] default=x,b:int64?" {
		t.Fatalf("recovered schema %s", got)
	}
	tx := h.pollTopic("srv.transaction", 2)
	if s := tx[0].Value.(*schemas.Struct); s.Get("status") != "BEGIN" {
		t.Fatalf("first transaction record %v", s)
	}
	end := tx[1].Value.(*schemas.Struct)
	if end.Get("status") != "END" || end.Get("event_count") != int64(1) {
		t.Fatalf("END record %v", end)
	}
	if blk := recs[0].Value.(*schemas.Struct).Get("transaction").(*schemas.Struct); blk.Get("total_order") != int64(1) || blk.Get("id") != tx[0].Key.(*schemas.Struct).Get("id") {
		t.Fatalf("transaction block %v", blk)
	}
	// the history topic as Debezium would read it
	cl, err := kgo.NewClient(kgo.SeedBrokers(kc.ListenAddrs()...), kgo.ConsumeTopics("history.srv"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var docs []any
	deadline := time.Now().Add(10 * time.Second)
	for len(docs) < 6 && time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		cl.PollFetches(ctx).EachRecord(func(r *kgo.Record) {
			var d map[string]any
			if err := json.Unmarshal(r.Value, &d); err != nil {
				t.Fatalf("history record is not JSON: %v", err)
			}
			if r.Key != nil {
				t.Fatal("history record has a key")
			}
			pos := d["position"].(map[string]any)
			for _, k := range []string{"file", "pos", "gtids", "ts_sec", "server_id"} {
				if _, ok := pos[k]; ok {
					pos[k] = "<" + k + ">"
				}
			}
			d["ts_ms"] = "<ts_ms>"
			docs = append(docs, d)
		})
		cancel()
	}
	cdctest.Golden(t, "kafka_history.json", docs)
	// the schema-change topic record of the ALTER
	var alter *connectors.SourceRecord
	for _, r := range onTopic(h.got, "srv") {
		alter = r
	}
	_ = alter
}
