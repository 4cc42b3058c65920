package mysql

import (
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc/cdctest"
	"github.com/gonnect/gonnect/connectors/mysql/mysqltest"
)

const typesTable = `CREATE TABLE %s.types (
  id INT PRIMARY KEY,
  b1 BIT(1), b12 BIT(12),
  ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT, i INT, iu INT UNSIGNED,
  bi BIGINT, biu BIGINT UNSIGNED,
  f FLOAT, f53 FLOAT(53), d DOUBLE, dec1 DECIMAL(10,3), num NUMERIC(5,0),
  c CHAR(3), vc VARCHAR(20), tx TEXT, bin BINARY(3), vb VARBINARY(8), bl BLOB,
  js JSON, en ENUM('small','medium','large'), st SET('a','b','c'),
  y YEAR, dt DATE, tm TIME(3), tmn TIME, dtm DATETIME, dtm3 DATETIME(3), dtm6 DATETIME(6),
  ts TIMESTAMP(3) NULL, ts0 TIMESTAMP NULL,
  pt POINT, geo GEOMETRY
)`

const typesRow = `INSERT INTO %s.types VALUES (%d,
  1, b'101000000001',
  -5, 250, -300, 65000, -8000000, -2000000000, 4000000000,
  -9000000000000000000, 18446744073709551615,
  1.5, 2.25, 3.125, 1234567.891, 99999,
  'abc', 'héllo', 'long text', 0x010203, 0xCAFE, 0xDEADBEEF,
  '{"a": 1, "b": [true, null]}', 'medium', 'a,c',
  2024, '2024-02-29', '-12:34:56.789', '838:59:59', '2024-02-29 23:59:59', '2024-02-29 23:59:59.123', '1969-12-31 23:59:59.999999',
  '2024-02-29 12:00:00.456', '1970-01-01 08:00:01',
  ST_GeomFromText('POINT(1.5 -2)'), ST_GeomFromText('LINESTRING(0 0,1 1)')
)`

// TestColumnTypes pins the Connect schema and value of every §3.1 type, read by the
// snapshot (text protocol) and by streaming (binlog), under default and alternative
// handling modes. The server session runs in Asia/Shanghai's offset to prove TIMESTAMP
// is read as an instant and DATETIME as a UTC wall clock.
func TestColumnTypes(t *testing.T) {
	srv := mysqltest.Start(t)
	tests := []struct {
		name  string
		modes map[string]string
		local string // worker time zone (time.Local) during the test
	}{
		{name: "defaults"},
		{name: "alternative modes", modes: map[string]string{"decimal.handling.mode": "string", "time.precision.mode": "connect",
			"bigint.unsigned.handling.mode": "precise", "binary.handling.mode": "hex"}},
		{name: "double and base64", modes: map[string]string{"decimal.handling.mode": "double", "binary.handling.mode": "base64"}},
		{name: "worker in Asia/Shanghai", local: "Asia/Shanghai"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.local != "" {
				loc, err := time.LoadLocation(tc.local)
				if err != nil {
					t.Fatal(err)
				}
				saved := time.Local
				time.Local = loc
				t.Cleanup(func() { time.Local = saved })
			}
			db := srv.NewDatabase(t, "types")
			srv.Exec(t, sprintf(typesTable, db), "SET time_zone = '+08:00'", sprintf(typesRow, db, 1))
			h := newHarness(t, srv, db, tc.modes)
			h.start()
			topic := "srv." + db + ".types"
			h.pollTopic(topic, 1)
			srv.Exec(t, "SET time_zone = '+08:00'", sprintf(typesRow, db, 2))
			recs := h.pollTopic(topic, 2)
			cdctest.Golden(t, "types_"+sanitize(tc.name)+".json", map[string]any{
				"snapshot": onlyAfter(recs[0]), "streaming": onlyAfter(recs[1]),
				"schema": cdctest.SchemaSummary(recs[0].ValueSchema.Fields[1].Schema),
			})
		})
	}
}

func onlyAfter(r *connectors.SourceRecord) any {
	return cdctest.Record(r, false, volatile)
}
