package cdc

import (
	"context"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors/cdc/cdctest"
)

func TestHeartbeatAndTx(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	top := Topics{Prefix: "db1"}
	runs := 0
	hb := &Heartbeat{Interval: time.Second, Topic: top.Heartbeat(), Prefix: "db1", Partition: map[string]any{"server": "db1"},
		Action: func(context.Context) error { runs++; return nil }}
	var got []any
	for i, at := range []time.Duration{0, 500 * time.Millisecond, 1100 * time.Millisecond, 1200 * time.Millisecond, 2200 * time.Millisecond} {
		r, err := hb.Due(context.Background(), t0.Add(at), map[string]any{"pos": int64(i)})
		if err != nil {
			t.Fatal(err)
		}
		if r != nil {
			got = append(got, cdctest.Record(r, true, nil))
		}
	}
	if runs != 2 {
		t.Fatalf("action ran %d times, want 2", runs)
	}
	m := &TxMonitor{Topic: top.TransactionTopic(), Partition: map[string]any{"server": "db1"}}
	got = append(got, cdctest.Record(m.Begin("0-1-7", t0, nil), false, nil))
	b1 := m.Event("inv.a")
	b2 := m.Event("inv.b")
	b3 := m.Event("inv.a")
	if b3.TotalOrder != 3 || b3.DataCollectionOrder != 2 || b2.DataCollectionOrder != 1 || b1.ID != "0-1-7" {
		t.Fatalf("blocks %+v %+v %+v", b1, b2, b3)
	}
	off := map[string]any{}
	m.OffsetFields(off)
	got = append(got, off)
	got = append(got, cdctest.Record(m.End(t0, nil), true, nil))
	if m.Active() {
		t.Fatal("still active after End")
	}
	cdctest.Golden(t, "heartbeat_tx.json", got)
}

func TestTopics(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{name: "data", got: Topics{Prefix: "db1"}.Data(TableID{Catalog: "inv", Table: "cust omers"}), want: "db1.inv.cust_omers"},
		{name: "oracle data", got: Topics{Prefix: "ora"}.Data(TableID{Schema: "HR", Table: "EMP$"}), want: "ora.HR.EMP_"},
		{name: "heartbeat", got: Topics{Prefix: "db1"}.Heartbeat(), want: "__debezium-heartbeat.db1"},
		{name: "heartbeat name", got: Topics{Prefix: "db1", HeartbeatName: "hb"}.Heartbeat(), want: "hb"},
		{name: "transaction", got: Topics{Prefix: "db1"}.TransactionTopic(), want: "db1.transaction"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Fatalf("got %s want %s", tc.got, tc.want)
			}
		})
	}
}
