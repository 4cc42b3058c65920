package cdc

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors/cdc/cdctest"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

func historyRecord() *HistoryRecord {
	old := TableID{Catalog: "inv", Table: "cust_old"}
	tbl := testTable()
	tbl.DefaultCharset = "utf8mb4"
	tbl.Columns[1].HasDefault = true
	def := "'none'"
	tbl.Columns[1].DefaultExpr = &def
	return &HistoryRecord{
		Source:       map[string]any{"server": "db1"},
		Position:     map[string]any{"file": "binlog.000001", "pos": int64(1234), "gtids": "0-1-5", "ts_sec": int64(1700000000)},
		TsMs:         1700000000123,
		DatabaseName: "inv",
		DDL:          "RENAME TABLE cust_old TO customers",
		TableChanges: []TableChange{{Type: ChangeAlter, ID: tbl.ID, PreviousID: &old, Table: tbl}, {Type: ChangeDrop, ID: TableID{Catalog: "inv", Table: "gone"}}},
	}
}

func TestHistoryRecordGolden(t *testing.T) {
	b, err := json.Marshal(historyRecord())
	if err != nil {
		t.Fatal(err)
	}
	var generic any
	if err := json.Unmarshal(b, &generic); err != nil {
		t.Fatal(err)
	}
	cdctest.Golden(t, "history_record.json", json.RawMessage(b))
	back, err := UnmarshalHistoryRecord(b, true)
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(back)
	if string(b) != string(b2) {
		t.Fatalf("round trip differs:\n%s\n%s", b, b2)
	}
	tables := Tables{TableID{Catalog: "inv", Table: "cust_old"}: &Table{}, TableID{Catalog: "inv", Table: "gone"}: &Table{}}
	tables.Apply(back)
	if len(tables) != 1 || tables[TableID{Catalog: "inv", Table: "customers"}] == nil {
		t.Fatalf("apply: %v", tables)
	}
}

func TestUnmarshalHistoryRecordErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{name: "not json", in: "{", want: "decoding schema history record: unexpected EOF"},
		{name: "bad type", in: `{"tableChanges":[{"type":"MERGE","id":"\"a\".\"b\""}]}`, want: `schema history record: tableChanges[0].type "MERGE" is not CREATE, ALTER or DROP`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := UnmarshalHistoryRecord([]byte(tc.in), true)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("got %v", err)
			}
		})
	}
}

func TestKafkaHistory(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	h, err := NewKafkaHistory(cl, "dbhistory.db1", true)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.EnsureTopic(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if ok, err := h.Exists(ctx); err != nil || ok {
		t.Fatalf("exists on empty topic: %v %v", ok, err)
	}
	for i := range 3 {
		r := historyRecord()
		r.TsMs = int64(i)
		if err := h.Record(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	var seen []int64
	if err := h.Recover(ctx, func(r *HistoryRecord) error { seen = append(seen, r.TsMs); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 3 || seen[0] != 0 || seen[2] != 2 {
		t.Fatalf("recovered %v", seen)
	}
	if ok, _ := h.Exists(ctx); !ok {
		t.Fatal("exists = false after writes")
	}
}
