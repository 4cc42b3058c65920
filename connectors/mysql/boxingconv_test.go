package mysql

import (
	"fmt"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/schemas"
	"github.com/shopspring/decimal"
)

// TestBoxingConvertersMatch checks that each column with a boxing converter converts
// every kind of input (binlog values, snapshot text, zero dates, bad input) exactly as
// its ValueConverter does, and that the other columns have none.
func TestBoxingConvertersMatch(t *testing.T) {
	i32 := func(n int32) *int32 { return &n }
	precise := typeModes{decimal: "precise", timePrecision: "adaptive_time_microseconds"}
	datetimes := []any{time.Date(2024, 1, 2, 3, 4, 5, 123456000, time.UTC), "2024-01-02 03:04:05.123456", "2024-01-02 03:04:05",
		"0000-00-00 00:00:00", "not a date", 42}
	tests := []struct {
		name   string
		modes  typeModes
		col    cdc.Column
		inputs []any
		boxing bool
	}{
		{name: "DATETIME(6)", modes: precise, col: cdc.Column{Name: "c", TypeName: "DATETIME", Length: i32(6)}, inputs: datetimes, boxing: true},
		{name: "DATETIME(3)", modes: precise, col: cdc.Column{Name: "c", TypeName: "DATETIME", Length: i32(3)}, inputs: datetimes, boxing: true},
		{name: "nullable DATETIME", modes: precise, col: cdc.Column{Name: "c", TypeName: "DATETIME", Optional: true}, inputs: datetimes, boxing: true},
		{name: "DATETIME connect", modes: typeModes{timePrecision: "connect"}, col: cdc.Column{Name: "c", TypeName: "DATETIME"}, inputs: datetimes},
		{name: "TIMESTAMP", modes: precise, col: cdc.Column{Name: "c", TypeName: "TIMESTAMP"}, inputs: datetimes, boxing: true},
		{name: "TIMESTAMP(6)", modes: precise, col: cdc.Column{Name: "c", TypeName: "TIMESTAMP", Length: i32(6)}, inputs: datetimes, boxing: true},
		{name: "nullable TIMESTAMP(3)", modes: precise, col: cdc.Column{Name: "c", TypeName: "TIMESTAMP", Length: i32(3), Optional: true}, inputs: datetimes, boxing: true},
		{name: "DECIMAL(10,2)", modes: precise, col: cdc.Column{Name: "c", TypeName: "DECIMAL", Length: i32(10), Scale: i32(2)},
			inputs: []any{decimal.New(471111, -2), decimal.New(-5, 0), "4711.11", "-0.50", []byte("12.3"), "123456789012345678901.25", "1.234", "x", 1.5}, boxing: true},
		{name: "NUMERIC(30,0)", modes: precise, col: cdc.Column{Name: "c", TypeName: "NUMERIC", Length: i32(30), Scale: i32(0)},
			inputs: []any{"123456789012345678901234567890", decimal.New(7, 3)}, boxing: true},
		{name: "DECIMAL as double", modes: typeModes{decimal: "double"}, col: cdc.Column{Name: "c", TypeName: "DECIMAL", Length: i32(10), Scale: i32(2)}, inputs: []any{"1.25"}},
		{name: "DECIMAL as string", modes: typeModes{decimal: "string"}, col: cdc.Column{Name: "c", TypeName: "DECIMAL", Length: i32(10), Scale: i32(2)}, inputs: []any{"1.25"}},
		{name: "BIGINT", modes: precise, col: cdc.Column{Name: "c", TypeName: "BIGINT"}, inputs: []any{int64(1 << 40)}},
		{name: "VARCHAR", modes: precise, col: cdc.Column{Name: "c", TypeName: "VARCHAR", Length: i32(10)}, inputs: []any{"x"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mp := mapper{tc.modes}
			tbl := &cdc.Table{ID: cdc.TableID{Catalog: "db", Table: "t"}, Columns: []cdc.Column{tc.col}}
			s, conv, err := mp.MapColumn(tbl, &tbl.Columns[0])
			if err != nil {
				t.Fatal(err)
			}
			box := mp.BoxingConverter(tbl, &tbl.Columns[0], s)
			if (box != nil) != tc.boxing {
				t.Fatalf("boxing converter present: %v, want %v", box != nil, tc.boxing)
			}
			if box == nil {
				return
			}
			var boxes cdc.Boxes
			for _, in := range tc.inputs {
				want, wantErr := conv(in)
				for _, b := range []*cdc.Boxes{&boxes, nil} {
					got, err := box(in, b)
					if (err != nil) != (wantErr != nil) || (err != nil && err.Error() != wantErr.Error()) {
						t.Fatalf("%#v: error %v, want %v", in, err, wantErr)
					}
					if wantErr != nil {
						continue
					}
					if g, w := renderValue(got), renderValue(want); g != w {
						t.Fatalf("%#v: got %s, want %s", in, g, w)
					}
				}
			}
		})
	}
}

// renderValue is a value with its dynamic type, decimals by their digits.
func renderValue(v any) string {
	if d, ok := v.(schemas.Decimal); ok {
		return fmt.Sprintf("Decimal(%s scale %d)", d.Unscaled, d.Scale)
	}
	return fmt.Sprintf("%T(%#v)", v, v)
}
