package avro

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/gonnect/gonnect/schemas"
	"github.com/gonnect/gonnect/schemas/registry"
	"github.com/gonnect/gonnect/schemas/srtest"
)

func TestSubjectsAndRegistryBehaviour(t *testing.T) {
	ctx := context.Background()
	d := buildDebezium()
	tests := []struct {
		name    string
		isKey   bool
		cfg     map[string]string
		schema  *schemas.Schema
		subject string
	}{
		{name: "topic value", schema: d.envelope, subject: dbzTopic + "-value"},
		{name: "topic key", isKey: true, schema: d.key, subject: dbzTopic + "-key"},
		{name: "record name", cfg: map[string]string{ValSubjectStrategyConfig: "io.confluent.kafka.serializers.subject.RecordNameStrategy"}, schema: d.envelope, subject: dbzTopic + ".Envelope"},
		{name: "topic record name key", isKey: true, cfg: map[string]string{KeySubjectStrategyConfig: "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy"}, schema: d.key, subject: dbzTopic + "-" + dbzTopic + ".Key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			url, fake := srtest.New(t)
			var posts atomic.Int64
			fake.Intercept(func(_ http.ResponseWriter, r *http.Request) bool {
				if r.Method == http.MethodPost {
					posts.Add(1)
				}
				return false
			})
			c, _, _ := converterFor(t, url, tc.isKey, tc.cfg)
			var v any = dbzEnvelope(d)
			if tc.isKey {
				v = schemas.NewStruct(d.key).Set("id", int32(1))
			}
			for range 10 {
				if _, err := c.FromConnect(ctx, dbzTopic, tc.schema, v); err != nil {
					t.Fatal(err)
				}
			}
			if !fake.SubjectExists(tc.subject) {
				t.Fatalf("subject %s not registered", tc.subject)
			}
			if n := posts.Load(); n != 1 {
				t.Fatalf("registry POSTs = %d for 10 records, want 1", n)
			}
			got, _ := fake.GetSchema(tc.subject, 1)
			want, _ := c.AvroSchema(tc.schema)
			if got.Schema.Schema != want {
				t.Fatalf("registered schema differs from the generated one")
			}
		})
	}
}

func TestRegistryFailures(t *testing.T) {
	ctx := context.Background()
	d := buildDebezium()
	t.Run("incompatible schema carries the registry message", func(t *testing.T) {
		url, fake := srtest.New(t)
		fake.Intercept(func(w http.ResponseWriter, r *http.Request) bool {
			if r.Method == http.MethodPost {
				w.WriteHeader(http.StatusConflict)
				w.Write([]byte(`{"error_code":409,"message":"Schema being registered is incompatible with an earlier schema for subject \"dbserver1.inventory.alltypes-value\""}`))
				return true
			}
			return false
		})
		c, _, _ := converterFor(t, url, false, nil)
		_, err := c.FromConnect(ctx, dbzTopic, d.envelope, dbzEnvelope(d))
		var re *registry.Error
		if !asRegistryError(err, &re) || re.ErrorCode != 409 || !strings.Contains(err.Error(), "is incompatible with an earlier schema") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("auto register off needs a registered schema", func(t *testing.T) {
		c, _, _ := newConverter(t, false, map[string]string{AutoRegisterConfig: "false"})
		_, err := c.FromConnect(ctx, dbzTopic, d.envelope, dbzEnvelope(d))
		var re *registry.Error
		if !asRegistryError(err, &re) || re.StatusCode != 404 {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("use latest version", func(t *testing.T) {
		url, fake := srtest.New(t)
		w, _, _ := converterFor(t, url, false, nil)
		js, _ := w.AvroSchema(d.envelope)
		if _, _, err := fake.RegisterSchema(dbzTopic+"-value", sr.Schema{Schema: js, Type: sr.TypeAvro}); err != nil {
			t.Fatal(err)
		}
		c, _, _ := converterFor(t, url, false, map[string]string{UseLatestVersionConfig: "true", AutoRegisterConfig: "false"})
		if _, err := c.FromConnect(ctx, dbzTopic, d.envelope, dbzEnvelope(d)); err != nil {
			t.Fatal(err)
		}
		// a record schema without ts_us/ts_ns is projected onto the latest schema
		short := schemas.StructBuilder().Name(dbzTopic+".Envelope").Version(2).
			Field("before", d.value).Field("after", d.value).Field("source", d.source).Field("transaction", d.block).
			Field("op", schemas.StringSchema).Field("ts_ms", schemas.OptionalInt64Schema).Schema()
		full := dbzEnvelope(d)
		sv := schemas.NewStruct(short).Set("after", full.Get("after")).Set("source", full.Get("source")).Set("op", "u").Set("ts_ms", int64(5))
		b, err := c.FromConnect(ctx, dbzTopic, short, sv)
		if err != nil {
			t.Fatal(err)
		}
		gs, gv, err := c.ToConnect(ctx, dbzTopic, b)
		if err != nil {
			t.Fatal(err)
		}
		got := gv.(*schemas.Struct)
		if !schemas.Equal(gs, d.envelope) || got.Get("op") != "u" || got.Get("ts_ms") != int64(5) || got.Get("ts_ns") != nil {
			t.Fatalf("projected record read back as %v", got)
		}
		// a schema the latest cannot read is rejected with the strict check...
		other := schemas.StructBuilder().Name(dbzTopic+".Envelope").Field("op", schemas.StringSchema).Schema()
		_, err = c.FromConnect(ctx, dbzTopic, other, schemas.NewStruct(other).Set("op", "c"))
		if err == nil || !strings.Contains(err.Error(), "not backward compatible") {
			t.Fatalf("got %v", err)
		}
		// ...and without it fails on the missing required field, naming it
		lax, _, _ := converterFor(t, url, false, map[string]string{UseLatestVersionConfig: "true", LatestCompatStrictConfig: "false"})
		_, err = lax.FromConnect(ctx, dbzTopic, other, schemas.NewStruct(other).Set("op", "c"))
		if err == nil || !strings.Contains(err.Error(), `field "source": null value for a required STRUCT`) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("registry down: retried then error, record not dropped", func(t *testing.T) {
		url, fake := srtest.New(t)
		m := map[string]string{registry.URLConfig: url}
		cfg, _ := ParseConfig(m)
		cfg.Registry.RetryTimeout = 400 * time.Millisecond
		cfg.Registry.Logger = slog.New(slog.DiscardHandler) // the retries are asserted, not logged
		reg, _ := registry.New(cfg.Registry)
		c := New(cfg, false, reg)
		fake.Close()
		start := time.Now()
		b, err := c.FromConnect(ctx, dbzTopic, d.envelope, dbzEnvelope(d))
		if err == nil || b != nil || !strings.Contains(err.Error(), "giving up after") {
			t.Fatalf("got %v %v", b, err)
		}
		if time.Since(start) < 300*time.Millisecond {
			t.Fatal("gave up before the retry timeout")
		}
	})
}

func asRegistryError(err error, target **registry.Error) bool {
	for err != nil {
		if e, ok := err.(*registry.Error); ok {
			*target = e
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}

func TestToConnectNeedsTheSubjectVersion(t *testing.T) {
	ctx := context.Background()
	c, _, _ := newConverter(t, false, nil)
	s, v := everyType()
	b, err := c.FromConnect(ctx, "every", s, v)
	if err != nil {
		t.Fatal(err)
	}
	// read from another topic: the schema is not registered under its subject,
	// which fails as Confluent's deserializer does
	_, _, err = c.ToConnect(ctx, "elsewhere", b)
	if err == nil || !strings.Contains(err.Error(), "Error retrieving Avro value schema version for id") || !strings.Contains(err.Error(), "40401") {
		t.Fatalf("got %v", err)
	}
}
