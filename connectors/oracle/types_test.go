package oracle

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/schemas"
)

func TestParseColumnType(t *testing.T) {
	p := func(n int32) *int32 { return &n }
	tests := []struct {
		name, in string
		want     ColumnType
		wantErr  bool
	}{
		{name: "number with precision", in: "NUMBER(10)", want: ColumnType{Name: "NUMBER", Precision: p(10), Scale: p(0)}},
		{name: "number with scale", in: "number(12, 2)", want: ColumnType{Name: "NUMBER", Precision: p(12), Scale: p(2)}},
		{name: "negative scale", in: "NUMBER(6,-2)", want: ColumnType{Name: "NUMBER", Precision: p(6), Scale: p(-2)}},
		{name: "bare number", in: "NUMBER", want: ColumnType{Name: "NUMBER"}},
		{name: "integer", in: "INTEGER", want: ColumnType{Name: "NUMBER", Precision: p(38), Scale: p(0)}},
		{name: "char semantics", in: "VARCHAR2(20 CHAR)", want: ColumnType{Name: "VARCHAR2", Precision: p(20)}},
		{name: "tstz", in: "TIMESTAMP(6) WITH TIME ZONE", want: ColumnType{Name: "TIMESTAMP WITH TIME ZONE", Precision: p(6)}},
		{name: "tsltz default precision", in: "timestamp with local time zone", want: ColumnType{Name: "TIMESTAMP WITH LOCAL TIME ZONE", Precision: p(6)}},
		{name: "interval ds", in: "INTERVAL DAY(3) TO SECOND(6)", want: ColumnType{Name: "INTERVAL DAY TO SECOND", Precision: p(3), Scale: p(6)}},
		{name: "interval ym", in: "INTERVAL YEAR(2) TO MONTH", want: ColumnType{Name: "INTERVAL YEAR TO MONTH", Precision: p(2)}},
		{name: "unknown type kept", in: "SDO_GEOMETRY", want: ColumnType{Name: "SDO_GEOMETRY"}},
		{name: "unbalanced", in: "NUMBER(10", wantErr: true},
		{name: "trailing junk", in: "NUMBER(10) SIGNED", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseColumnType(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("want error for %q", tt.in)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != tt.want.String() || got.Name != tt.want.Name {
				t.Fatalf("got %s (%q), want %s (%q)", got, got.Name, tt.want, tt.want.Name)
			}
		})
	}
}

// TestMapperMatchesFixtureSchemas maps every column of the shared tables.json and
// compares with the Connect schema the fixture states for it (spec §3.2).
func TestMapperMatchesFixtureSchemas(t *testing.T) {
	dir, _ := os.Getwd()
	var path string
	for {
		p := filepath.Join(dir, "shared", "testdata", "oracle", "tables.json")
		if _, err := os.Stat(p); err == nil {
			path = p
			break
		}
		if filepath.Dir(dir) == dir {
			t.Fatal("tables.json not found")
		}
		dir = filepath.Dir(dir)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]struct {
		Columns []struct {
			Name       string `json:"name"`
			OracleType string `json:"oracle_type"`
			Nullable   bool   `json:"nullable"`
			Connect    struct {
				Type       string            `json:"type"`
				Name       string            `json:"name"`
				Version    int               `json:"version"`
				Parameters map[string]string `json:"parameters"`
				Optional   bool              `json:"optional"`
			} `json:"connect"`
		} `json:"columns"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	m := Mapper{Modes: DefaultModes()}
	for table, tb := range raw {
		for i, c := range tb.Columns {
			t.Run(table+"."+c.Name, func(t *testing.T) {
				col, err := NewColumn(c.Name, c.OracleType, c.Nullable, i+1)
				if err != nil {
					t.Fatal(err)
				}
				s, _, err := m.MapColumn(&cdc.Table{}, &col)
				if err != nil {
					t.Fatal(err)
				}
				if s.Type.String() != map[string]string{"float32": "float", "float64": "double"}[c.Connect.Type] && s.Type.String() != c.Connect.Type {
					t.Errorf("type %s, want %s", s.Type, c.Connect.Type)
				}
				if s.Name != c.Connect.Name || s.Version != c.Connect.Version || s.Optional != c.Connect.Optional {
					t.Errorf("schema %s v%d optional=%v, want %s v%d optional=%v", s.Name, s.Version, s.Optional, c.Connect.Name, c.Connect.Version, c.Connect.Optional)
				}
				for k, v := range c.Connect.Parameters {
					if got, _ := s.Param(k); got != v {
						t.Errorf("parameter %s = %q, want %q", k, got, v)
					}
				}
			})
		}
	}
}

func TestAlternativeModes(t *testing.T) {
	type tc struct {
		name, oracleType string
		modes            func(*Modes)
		in               any
		wantSchema       string
		want             any
	}
	str := func(s string) any { return redo(s) }
	tests := []tc{
		{name: "decimal double", oracleType: "NUMBER(12,2)", modes: func(m *Modes) { m.Decimal = "double" }, in: str("2500.5"), wantSchema: "double", want: 2500.5},
		{name: "decimal string", oracleType: "NUMBER(12,2)", modes: func(m *Modes) { m.Decimal = "string" }, in: str(".5"), wantSchema: "string", want: "0.5"},
		{name: "variable decimal double", oracleType: "NUMBER", modes: func(m *Modes) { m.Decimal = "double" }, in: str("-12.125"), wantSchema: "double", want: -12.125},
		{name: "small integers stay integers in double mode", oracleType: "NUMBER(9)", modes: func(m *Modes) { m.Decimal = "double" }, in: str("42"), wantSchema: "int32", want: int32(42)},
		{name: "connect timestamp", oracleType: "TIMESTAMP(6)", modes: func(m *Modes) { m.Time = "connect" }, in: date(redoTS, "2024-02-29 13:45:10.987654000"), wantSchema: schemas.TimestampName, want: "2024-02-29T13:45:10.987Z"},
		{name: "microseconds DATE", oracleType: "DATE", modes: func(m *Modes) { m.Time = "microseconds" }, in: date(redoDate, "1970-01-01 00:00:01"), wantSchema: cdc.MicroTimestampName, want: int64(1_000_000)},
		{name: "nanoseconds TIMESTAMP(3)", oracleType: "TIMESTAMP(3)", modes: func(m *Modes) { m.Time = "nanoseconds" }, in: date(redoTS, "1970-01-01 00:00:00.001000000"), wantSchema: cdc.NanoTimestampName, want: int64(1_000_000)},
		{name: "isostring", oracleType: "DATE", modes: func(m *Modes) { m.Time = "isostring" }, in: date(redoDate, "2025-03-05 10:11:12"), wantSchema: "io.debezium.time.IsoTimestamp", want: "2025-03-05T10:11:12Z"},
		{name: "interval string year-month", oracleType: "INTERVAL YEAR(2) TO MONTH", modes: func(m *Modes) { m.Interval = "string" }, in: date(redoYM, "-03-06"), wantSchema: cdc.IntervalName, want: "P-3Y-6M0DT0H0M0S"},
		{name: "interval string day-second", oracleType: "INTERVAL DAY(3) TO SECOND(6)", modes: func(m *Modes) { m.Interval = "string" }, in: date(redoDS, "+001 02:03:04.560000"), wantSchema: cdc.IntervalName, want: "P0Y0M1DT2H3M4.56S"},
		{name: "binary hex", oracleType: "RAW(4)", modes: func(m *Modes) { m.Binary = "hex" }, in: date(redoRaw, "DEADbeef"), wantSchema: "string", want: "deadbeef"},
		{name: "CLOB carries no value without lob.enabled", oracleType: "CLOB", modes: func(m *Modes) {}, in: redo("text"), wantSchema: "string", want: nil},
		{name: "CLOB value with lob.enabled", oracleType: "CLOB", modes: func(m *Modes) { m.LOBEnabled = true }, in: redo("text"), wantSchema: "string", want: "text"},
		{name: "binary base64", oracleType: "RAW(4)", modes: func(m *Modes) { m.Binary = "base64" }, in: date(redoRaw, "deadbeef"), wantSchema: "string", want: "3q2+7w=="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			modes := DefaultModes()
			tt.modes(&modes)
			col, err := NewColumn("C", tt.oracleType, true, 1)
			if err != nil {
				t.Fatal(err)
			}
			s, conv, err := Mapper{Modes: modes}.MapColumn(&cdc.Table{}, &col)
			if err != nil {
				t.Fatal(err)
			}
			if s.Name != tt.wantSchema && s.Type.String() != tt.wantSchema {
				t.Errorf("schema %s (%s), want %s", s.Name, s.Type, tt.wantSchema)
			}
			got, err := conv(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if tm, ok := got.(interface{ Format(string) string }); ok {
				got = tm.Format("2006-01-02T15:04:05.000Z07:00")
			}
			if got != tt.want {
				t.Errorf("value %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestConversionErrorsNameTheProblem(t *testing.T) {
	tests := []struct {
		name, oracleType string
		in               any
		want             string
	}{
		{name: "number too big for int8", oracleType: "NUMBER(2)", in: redo("1000"), want: `number "1000" does not fit int8`},
		{name: "bad date", oracleType: "DATE", in: date(redoDate, "2025-13-01 00:00:00"), want: "invalid date/time literal"},
		{name: "raw into number", oracleType: "NUMBER(10)", in: date(redoRaw, "00"), want: "HEXTORAW value for a NUMBER column"},
		{name: "bad offset", oracleType: "TIMESTAMP(6) WITH TIME ZONE", in: date(redoTSTZ, "2025-01-01 00:00:00.000000000 Europe/Vienna"), want: "is not ±hh:mm"},
		{name: "decimal with more digits than the scale", oracleType: "NUMBER(5,1)", in: redo("1.25"), want: "does not fit scale 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			col, _ := NewColumn("C", tt.oracleType, true, 1)
			_, conv, _ := Mapper{Modes: DefaultModes()}.MapColumn(&cdc.Table{}, &col)
			_, err := conv(tt.in)
			if err == nil || !contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
