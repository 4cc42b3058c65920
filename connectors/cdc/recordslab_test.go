package cdc

import (
	"runtime"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
)

// TestRecordsWithBoxes checks that records, structs and big integers cut from a
// change's Boxes never share a slot: many changes (across several slabs of each, and
// a collection) keep their own keys, values, envelopes and records, equal to what
// Records builds without Boxes.
func TestRecordsWithBoxes(t *testing.T) {
	ts, err := BuildTableSchema(testTable(), "db1.inv.customers", testSource(), testMapper{}, TableSchemaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)
	src := NewSourceStruct(testSource(), SourceCommon{Connector: "mysql", Name: "db1", Ts: now, DB: "inv"})
	row := func(i int) []any { return []any{int32(i), "mail-" + string(rune('a'+i%26)), "s"} }
	tests := []struct {
		name string
		ch   func(i int) Change
	}{
		{name: "read", ch: func(i int) Change { return Change{Op: OpRead, After: row(i)} }},
		{name: "update same key", ch: func(i int) Change { return Change{Op: OpUpdate, Before: row(i), After: row(i)} }},
		{name: "delete", ch: func(i int) Change { return Change{Op: OpDelete, Before: row(i)} }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var boxes Boxes
			const n = 3*recordSlab + 5
			got := make([][]*connectors.SourceRecord, n)
			for i := range n {
				ch := tc.ch(i)
				ch.Source, ch.Now, ch.Boxes = src, now.Add(time.Duration(i)*time.Microsecond), &boxes
				rs, err := ts.Records(ch, EmitOptions{})
				if err != nil {
					t.Fatal(err)
				}
				got[i] = rs
			}
			runtime.GC()
			for i := range n {
				ch := tc.ch(i)
				ch.Source, ch.Now = src, now.Add(time.Duration(i)*time.Microsecond)
				want, err := ts.Records(ch, EmitOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if len(got[i]) != len(want) {
					t.Fatalf("change %d: %d records, want %d", i, len(got[i]), len(want))
				}
				for j, w := range want {
					g := got[i][j]
					if g == w || g.Topic != w.Topic || !g.Timestamp.Equal(w.Timestamp) || !schemas.ValuesEqual(g.Key, w.Key) || !schemas.ValuesEqual(g.Value, w.Value) {
						t.Fatalf("change %d record %d = %+v, want %+v", i, j, g, w)
					}
				}
			}
		})
	}
}
