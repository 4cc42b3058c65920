package cdc

import (
	"testing"
	"time"
)

// BenchmarkRecords is the envelope-building share of one change event: key and value
// structs from row values, the envelope and the source record, per op.
func BenchmarkRecords(b *testing.B) {
	ts, err := BuildTableSchema(testTable(), "db1.inv.customers", testSource(), testMapper{}, TableSchemaOptions{})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)
	src := NewSourceStruct(testSource(), SourceCommon{Connector: "mysql", Name: "db1", Ts: now, DB: "inv"})
	src.SetIndex(SourceCommonFields, "bin.000001")
	before, after := []any{int32(1), "a@x", "x"}, []any{int32(1), "b@x", "x"}
	for _, bc := range []struct {
		name   string
		change Change
	}{
		{name: "read", change: Change{Op: OpRead, After: after}},
		{name: "update", change: Change{Op: OpUpdate, Before: before, After: after}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ch := bc.change
			ch.Source, ch.Now = src, now
			ch.Partition = map[string]any{"server": "db1"}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ts.Records(ch, EmitOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
