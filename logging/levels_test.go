package logging

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"
)

const mysqlPkg = Module + "/connectors/mysql"

func newTestLevels(buf *bytes.Buffer) *Levels {
	l := NewLevels(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug - 8}), slog.LevelInfo)
	l.now = func() time.Time { return time.UnixMilli(1716220000000) }
	return l
}

func TestSetAndEffective(t *testing.T) {
	tests := []struct {
		name      string
		sets      [][2]string // namespace, level, applied in order
		query     string
		want      slog.Level
		wantNames []string // affected by the last set
	}{
		{name: "root-default", query: mysqlPkg, want: slog.LevelInfo},
		{name: "java-name-maps-to-go-package", sets: [][2]string{{"io.debezium.connector.mysql", "DEBUG"}}, query: mysqlPkg,
			want: slog.LevelDebug, wantNames: []string{mysqlPkg, "io.debezium.connector.mysql"}},
		{name: "ancestor-go-path", sets: [][2]string{{Module + "/connectors", "WARN"}}, query: mysqlPkg + "/binlog",
			want: slog.LevelWarn, wantNames: []string{Module + "/connectors"}},
		{name: "most-specific-wins", sets: [][2]string{{"org.apache.kafka.connect", "ERROR"}, {Module + "/rest", "TRACE"}}, query: Module + "/rest",
			want: slog.LevelDebug - 4, wantNames: []string{Module + "/rest"}},
		{name: "parent-overrides-children", sets: [][2]string{{mysqlPkg, "DEBUG"}, {"io.debezium", "ERROR"}}, query: mysqlPkg,
			want:      slog.LevelError,
			wantNames: []string{Module + "/connectors/cdc", mysqlPkg, Module + "/connectors/oracle", "io.debezium"}},
		{name: "root-sets-everything", sets: [][2]string{{mysqlPkg, "DEBUG"}, {"root", "warn"}}, query: mysqlPkg,
			want: slog.LevelWarn, wantNames: []string{mysqlPkg, "root"}},
		{name: "off", sets: [][2]string{{mysqlPkg, "OFF"}}, query: mysqlPkg, want: slog.LevelError + 1000, wantNames: []string{mysqlPkg}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newTestLevels(&bytes.Buffer{})
			var got []string
			for _, s := range tc.sets {
				var err error
				if got, err = l.Set(s[0], s[1]); err != nil {
					t.Fatal(err)
				}
			}
			if lv := l.Effective(tc.query); lv != tc.want {
				t.Errorf("Effective(%s) = %v, want %v", tc.query, lv, tc.want)
			}
			if len(tc.sets) > 0 && !reflect.DeepEqual(got, tc.wantNames) {
				t.Errorf("affected %v, want %v", got, tc.wantNames)
			}
		})
	}
}

func TestInvalidLevel(t *testing.T) {
	l := newTestLevels(&bytes.Buffer{})
	_, err := l.Set("io.debezium", "LOUD")
	if err == nil || err.Error() != "invalid log level 'LOUD'." {
		t.Fatalf("err %v", err)
	}
	if _, ok := l.Level("io.debezium"); ok {
		t.Error("a failed Set left a level behind")
	}
}

func TestLevelAndAll(t *testing.T) {
	l := newTestLevels(&bytes.Buffer{})
	if got, ok := l.Level("root"); !ok || got.Level != "INFO" || got.LastModified != nil {
		t.Fatalf("root %+v", got)
	}
	if _, err := l.Set("io.debezium.connector.oracle", "debug"); err != nil {
		t.Fatal(err)
	}
	got, ok := l.Level("io.debezium.connector.oracle")
	if !ok || got.Level != "DEBUG" || got.LastModified == nil || *got.LastModified != 1716220000000 {
		t.Fatalf("level %+v", got)
	}
	b, _ := json.Marshal(l.All())
	want := `{"github.com/gonnect/gonnect/connectors/oracle":{"level":"DEBUG","last_modified":1716220000000},` +
		`"io.debezium.connector.oracle":{"level":"DEBUG","last_modified":1716220000000},"root":{"level":"INFO","last_modified":null}}`
	if string(b) != want {
		t.Errorf("All = %s\nwant  %s", b, want)
	}
}

func TestLoggerFiltersAndRecords(t *testing.T) {
	var buf bytes.Buffer
	l := newTestLevels(&buf)
	log := l.Logger(mysqlPkg).With("connector", "inventory").WithGroup("binlog")
	log.Debug("dropped at INFO", "pos", 4)
	if buf.Len() != 0 {
		t.Fatalf("debug record written at INFO: %s", buf.String())
	}
	affected, err := l.Set("io.debezium.connector.mysql", "DEBUG")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(affected, []string{mysqlPkg, "io.debezium.connector.mysql"}) {
		t.Errorf("affected %v", affected)
	}
	log.Debug("now shown", "pos", 4711)
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatalf("record %q: %v", buf.String(), err)
	}
	if rec["msg"] != "now shown" || rec["logger"] != mysqlPkg || rec["connector"] != "inventory" {
		t.Errorf("record %v", rec)
	}
	if g, _ := rec["binlog"].(map[string]any); g == nil || g["pos"] != float64(4711) {
		t.Errorf("group attrs %v", rec["binlog"])
	}
	// Other packages stay at INFO.
	buf.Reset()
	l.Logger(Module + "/worker").Debug("hidden")
	if buf.Len() != 0 {
		t.Errorf("worker debug written: %s", buf.String())
	}
	// SetOutput reaches loggers made earlier.
	var other bytes.Buffer
	l.SetOutput(slog.NewTextHandler(&other, &slog.HandlerOptions{Level: slog.LevelDebug - 8}))
	log.Info("to new output")
	if !strings.Contains(other.String(), "to new output") || buf.Len() != 0 {
		t.Errorf("SetOutput not followed: old %q new %q", buf.String(), other.String())
	}
}

func TestParseLevel(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want slog.Level
		ok   bool
	}{
		{name: "trace", in: "trace", want: slog.LevelDebug - 4, ok: true},
		{name: "info-spaces", in: " INFO ", want: slog.LevelInfo, ok: true},
		{name: "fatal", in: "FATAL", want: slog.LevelError + 4, ok: true},
		{name: "bogus", in: "VERBOSE"},
		{name: "empty", in: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseLevel(tc.in)
			if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
				t.Fatalf("ParseLevel(%q) = %v, %v", tc.in, got, err)
			}
		})
	}
}

func TestConfigure(t *testing.T) {
	l := newTestLevels(&bytes.Buffer{})
	l.Configure("root", slog.LevelWarn)
	l.Configure("io.debezium.connector.oracle", slog.LevelDebug)
	if got, _ := l.Level("root"); got.Level != "WARN" || got.LastModified != nil {
		t.Errorf("root %+v", got)
	}
	if got, ok := l.Level("io.debezium.connector.oracle"); !ok || got.Level != "DEBUG" || got.LastModified != nil {
		t.Errorf("oracle %+v", got)
	}
	if lv := l.Effective(Module + "/connectors/oracle"); lv != slog.LevelDebug {
		t.Errorf("oracle package level %v", lv)
	}
	if lv := l.Effective(Module + "/worker"); lv != slog.LevelWarn {
		t.Errorf("worker level %v", lv)
	}
}
