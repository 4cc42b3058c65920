package mysql

import (
	"strings"
	"testing"

	"github.com/gonnect/gonnect/connectors/mysql/mysqltest"
	"github.com/gonnect/gonnect/schemas"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestMetricsAndQuery checks the Debezium metric series after a snapshot and a
// streamed transaction, and include.query (MariaDB ANNOTATE_ROWS).
func TestMetricsAndQuery(t *testing.T) {
	srv := mysqltest.Start(t)
	db := srv.NewDatabase(t, "metrics")
	srv.Exec(t, "CREATE TABLE "+db+".t (id INT PRIMARY KEY)", "INSERT INTO "+db+".t VALUES (1),(2),(3)")
	h := newHarness(t, srv, db, map[string]string{"include.query": "true"})
	h.start()
	topic := "srv." + db + ".t"
	h.pollTopic(topic, 3)
	srv.Exec(t, "INSERT INTO "+db+".t VALUES (4)")
	recs := h.pollTopic(topic, 4)
	src := recs[3].Value.(*schemas.Struct).Get("source").(*schemas.Struct)
	if q := src.Get("query"); q != "INSERT INTO "+db+".t VALUES (4)" {
		t.Fatalf("source.query = %v", q)
	}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(h.task.Metrics())
	want := `
# HELP debezium_metrics_RowsScanned Rows read per table during the snapshot.
# TYPE debezium_metrics_RowsScanned gauge
debezium_metrics_RowsScanned{context="snapshot",name="srv",plugin="mariadb",table="` + db + `.t"} 3
# HELP debezium_metrics_SnapshotCompleted 1 once the snapshot completed.
# TYPE debezium_metrics_SnapshotCompleted gauge
debezium_metrics_SnapshotCompleted{context="snapshot",name="srv",plugin="mariadb"} 1
# HELP debezium_metrics_SnapshotRunning 1 while a snapshot runs.
# TYPE debezium_metrics_SnapshotRunning gauge
debezium_metrics_SnapshotRunning{context="snapshot",name="srv",plugin="mariadb"} 0
# HELP debezium_metrics_Connected 1 while connected to the database.
# TYPE debezium_metrics_Connected gauge
debezium_metrics_Connected{context="streaming",name="srv",plugin="mariadb"} 1
# HELP debezium_metrics_QueueTotalCapacity Capacity of the queue between the reader and Poll.
# TYPE debezium_metrics_QueueTotalCapacity gauge
debezium_metrics_QueueTotalCapacity{context="streaming",name="srv",plugin="mariadb"} 8192
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "debezium_metrics_RowsScanned", "debezium_metrics_SnapshotCompleted",
		"debezium_metrics_SnapshotRunning", "debezium_metrics_Connected", "debezium_metrics_QueueTotalCapacity"); err != nil {
		t.Fatal(err)
	}
	n, err := testutil.GatherAndCount(reg, "debezium_metrics_NumberOfCommittedTransactions", "debezium_metrics_TotalNumberOfEventsSeen", "debezium_metrics_MilliSecondsBehindSource")
	if err != nil || n != 4 {
		t.Fatalf("streaming series: %d %v", n, err)
	}
}
