package mysql

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/mysql/mysqltest"
	"github.com/gonnect/gonnect/schemas"
)

// pollErr polls until Poll fails and returns the error.
func (h *harness) pollErr() error {
	h.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		rs, err := h.task.Poll(context.Background())
		if err != nil {
			return err
		}
		h.got = append(h.got, rs...)
	}
	h.t.Fatal("Poll did not fail")
	return nil
}

// TestEventProcessingFailureMode makes the tracked schema disagree with the binlog (a
// DDL run with sql_log_bin=0) and checks fail, warn and skip.
func TestEventProcessingFailureMode(t *testing.T) {
	srv := mysqltest.Start(t)
	for _, mode := range []string{"fail", "warn", "skip"} {
		t.Run(mode, func(t *testing.T) {
			db := srv.NewDatabase(t, "fail")
			srv.Exec(t, "CREATE TABLE "+db+".t (id INT PRIMARY KEY)", "CREATE TABLE "+db+".ok (id INT PRIMARY KEY)", "INSERT INTO "+db+".ok VALUES (0)")
			h := newHarness(t, srv, db, map[string]string{"event.processing.failure.handling.mode": mode})
			h.start()
			h.pollTopic("srv."+db+".ok", 1)
			srv.Exec(t, "SET SESSION sql_log_bin = 0", "ALTER TABLE "+db+".t ADD COLUMN x INT")
			srv.Exec(t, "INSERT INTO "+db+".t VALUES (1, 2)", "INSERT INTO "+db+".ok VALUES (1)")
			if mode == "fail" {
				err := h.pollErr()
				if !strings.Contains(err.Error(), "binlog row has 2 columns but the tracked schema of "+db+".t has 1") ||
					!strings.Contains(err.Error(), "error processing event at binlog.") ||
					!strings.Contains(err.Error(), "event.processing.failure.handling.mode=warn or skip") {
					t.Fatalf("error %v", err)
				}
				return
			}
			recs := h.pollTopic("srv."+db+".ok", 2)
			if len(onTopic(h.got, "srv."+db+".t")) != 0 {
				t.Fatal("the inconsistent event was emitted")
			}
			if recs[1].Value.(*schemas.Struct).Get("op") != "c" {
				t.Fatal("later event missing")
			}
		})
	}
}

// TestPurgedBinlog: a stored position whose binlog was purged fails with a message
// naming snapshot.mode=when_needed, and when_needed re-snapshots.
func TestPurgedBinlog(t *testing.T) {
	srv := mysqltest.Start(t)
	db := srv.NewDatabase(t, "purged")
	srv.Exec(t, "CREATE TABLE "+db+".t (id INT PRIMARY KEY)", "INSERT INTO "+db+".t VALUES (1)")
	h := newHarness(t, srv, db, nil)
	h.start()
	topic := "srv." + db + ".t"
	h.pollTopic(topic, 1)
	h.stop()
	srv.Exec(t, "FLUSH BINARY LOGS", "INSERT INTO "+db+".t VALUES (2)", "FLUSH BINARY LOGS")
	last := srv.Query(t, "SHOW MASTER STATUS")[0][0]
	// A dump thread still reading an older file (the stopped task's connection, which
	// the server drops only when it next writes to it) keeps that file: purge until
	// only the last one is left.
	deadline := time.Now().Add(20 * time.Second)
	for {
		srv.Exec(t, "PURGE BINARY LOGS TO '"+last+"'")
		if logs := srv.Query(t, "SHOW BINARY LOGS"); len(logs) == 1 && logs[0][0] == last {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("binary logs %v still there after PURGE BINARY LOGS TO '%s'", logs, last)
		}
		time.Sleep(50 * time.Millisecond) // waiting for the server to drop a dead dump thread
	}
	h.got = nil
	h.start()
	err := h.pollErr()
	if !strings.Contains(err.Error(), "no longer available") || !strings.Contains(err.Error(), "snapshot.mode=when_needed") {
		t.Fatalf("error %v", err)
	}
	h.stop()
	h.cfg["snapshot.mode"] = "when_needed"
	h.got = nil
	h.start()
	recs := h.pollTopic(topic, 2)
	for _, r := range recs {
		if op := r.Value.(*schemas.Struct).Get("op"); op != "r" {
			t.Fatalf("op %v after when_needed re-snapshot", op)
		}
	}
}

// TestHeartbeats: with only uncaptured tables busy, heartbeat records carry the
// advancing binlog position, and heartbeat.action.query runs on the source.
func TestHeartbeats(t *testing.T) {
	srv := mysqltest.Start(t)
	db := srv.NewDatabase(t, "hb")
	srv.Exec(t, "CREATE TABLE "+db+".captured (id INT PRIMARY KEY)", "CREATE TABLE "+db+".busy (id INT AUTO_INCREMENT PRIMARY KEY)",
		"CREATE TABLE "+db+".beats (id INT AUTO_INCREMENT PRIMARY KEY)", "INSERT INTO "+db+".captured VALUES (1)")
	srv.Exec(t, "GRANT INSERT ON "+db+".* TO 'cdc'@'%'")
	h := newHarness(t, srv, db, map[string]string{"heartbeat.interval.ms": "100", "table.include.list": db + "\\.captured",
		"heartbeat.action.query": "INSERT INTO " + db + ".beats VALUES (NULL)"})
	h.start()
	h.pollTopic("srv."+db+".captured", 1)
	first := h.pollTopic("__debezium-heartbeat.srv", 1)[0]
	for i := 0; i < 20; i++ {
		srv.Exec(t, "INSERT INTO "+db+".busy VALUES (NULL)")
	}
	var later *connectors.SourceRecord
	h.poll("a heartbeat past the busy inserts", func(rs []*connectors.SourceRecord) bool {
		hb := onTopic(rs, "__debezium-heartbeat.srv")
		later = hb[len(hb)-1]
		p0, _ := parsePosition(first.Offset())
		p1, _ := parsePosition(later.Offset())
		return p1.GTIDs != p0.GTIDs && p1.Event == 0
	})
	if k := later.Key.(*schemas.Struct).Get("serverName"); k != "srv" {
		t.Fatalf("heartbeat key %v", k)
	}
	if *later.KafkaPartition != 0 || later.KeySchema.Name != "io.debezium.connector.common.ServerNameKey" || later.ValueSchema.Name != "io.debezium.connector.common.Heartbeat" {
		t.Fatal("heartbeat record shape")
	}
	if n := srv.Query(t, "SELECT COUNT(*) FROM "+db+".beats")[0][0]; n == "0" {
		t.Fatal("heartbeat.action.query did not run")
	}
}

// TestReconnect kills the connector's binlog connection mid-stream: the task reconnects
// with backoff and continues without losing or repeating events.
func TestReconnect(t *testing.T) {
	srv := mysqltest.Start(t)
	db := srv.NewDatabase(t, "reconnect")
	srv.Exec(t, "CREATE TABLE "+db+".t (id INT PRIMARY KEY)", "INSERT INTO "+db+".t VALUES (0)")
	h := newHarness(t, srv, db, nil)
	h.start()
	topic := "srv." + db + ".t"
	h.pollTopic(topic, 1)
	srv.Exec(t, "INSERT INTO "+db+".t VALUES (1)")
	h.pollTopic(topic, 2)
	if err := srv.Kill(context.Background(), "cdc"); err != nil {
		t.Fatal(err)
	}
	srv.Exec(t, "INSERT INTO "+db+".t VALUES (2)", "INSERT INTO "+db+".t VALUES (3)")
	recs := h.pollTopic(topic, 4)
	for i, r := range recs[2:] {
		if got, want := describe(r), fmt.Sprintf("c Struct{id=%d} after=Struct{id=%d}", i+2, i+2); got != want {
			t.Fatalf("after reconnect got %s want %s", got, want)
		}
	}
	h.poll("no duplicates", func([]*connectors.SourceRecord) bool { return true })
	if n := len(onTopic(h.got, topic)); n != 4 {
		t.Fatalf("%d records, want 4", n)
	}
}

func TestSSLModes(t *testing.T) {
	srv := mysqltest.Start(t)
	db := srv.NewDatabase(t, "ssl")
	srv.Exec(t, "CREATE TABLE "+db+".t (id INT PRIMARY KEY)", "INSERT INTO "+db+".t VALUES (1)")
	tests := []struct {
		name, mode, wantErr string
	}{
		{name: "preferred falls back to plain", mode: "preferred"},
		{name: "disabled", mode: "disabled"},
		{name: "required fails without server TLS", mode: "required", wantErr: "does not support TLS"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, srv, db, map[string]string{"database.ssl.mode": tc.mode})
			h.start()
			defer h.stop()
			if tc.wantErr != "" {
				if err := h.pollErr(); !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v", err)
				}
				return
			}
			h.pollTopic("srv."+db+".t", 1)
		})
	}
}
