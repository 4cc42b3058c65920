package cdc

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors/cdc/cdctest"
	"github.com/gonnect/gonnect/schemas"
)

// copyFiller fills a source block with the values of a prepared one.
type copyFiller struct {
	from  *schemas.Struct
	calls int
}

func (f *copyFiller) FillSource(st *schemas.Struct) {
	f.calls++
	for i := range f.from.Schema().Fields {
		st.SetIndex(i, f.from.Raw(i))
	}
}

// TestRecordsSourceFill checks that a change whose source block Records allocates and
// fills (Change.SourceFill) gives exactly the records of the same change with a
// prebuilt Source, for every op, and fills the block once per change. The source's
// timestamps equal the change's clock, so the envelope shares their boxes.
func TestRecordsSourceFill(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 6007, time.UTC)
	ts, err := BuildTableSchema(testTable(), "db1.inv.customers", testSource(), testMapper{}, TableSchemaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	src := NewSourceStruct(testSource(), SourceCommon{Connector: "mysql", Name: "db1", Ts: now, DB: "inv", Snapshot: SnapshotTrue})
	src.SetIndex(SourceCommonFields, "bin.000001")
	row := func(id int32, email string) []any { return []any{id, email, "x"} }
	tests := []struct {
		name   string
		change Change
		opts   EmitOptions
	}{
		{name: "create", change: Change{Op: OpCreate, After: row(1, "a@x")}},
		{name: "read", change: Change{Op: OpRead, After: row(3, "c@x")}},
		{name: "update same key", change: Change{Op: OpUpdate, Before: row(1, "a@x"), After: row(1, "b@x")}},
		{name: "update key change with tombstone", change: Change{Op: OpUpdate, Before: row(1, "a@x"), After: row(2, "a@x")}, opts: EmitOptions{Tombstones: true}},
		{name: "delete with tombstone", change: Change{Op: OpDelete, Before: row(1, "a@x")}, opts: EmitOptions{Tombstones: true}},
		{name: "truncate", change: Change{Op: OpTruncate}},
		{name: "create with tx", change: Change{Op: OpCreate, After: row(4, "d@x"), Tx: &TxBlock{ID: "0-1-5", TotalOrder: 1, DataCollectionOrder: 1}}},
	}
	render := func(t *testing.T, ch Change, o EmitOptions) string {
		t.Helper()
		recs, err := ts.Records(ch, o)
		if err != nil {
			t.Fatal(err)
		}
		var out []any
		for _, r := range recs {
			out = append(out, cdctest.Record(r, true, nil))
		}
		b, err := json.Marshal(out)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			built := tc.change
			built.Source, built.Now = src, now
			filled := tc.change
			f := &copyFiller{from: src}
			filled.SourceSchema, filled.SourceFill, filled.Now = testSource(), f, now
			want, got := render(t, built, tc.opts), render(t, filled, tc.opts)
			if got != want {
				t.Fatalf("with SourceFill:\n%s\nwith Source:\n%s", got, want)
			}
			if f.calls != 1 {
				t.Fatalf("FillSource called %d times", f.calls)
			}
		})
	}
}
