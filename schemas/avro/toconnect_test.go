package avro

import (
	"context"
	"math/big"
	"strings"
	"testing"
	"time"

	havro "github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/gonnect/gonnect/schemas"
	"github.com/gonnect/gonnect/schemas/registry"
	"github.com/gonnect/gonnect/schemas/srtest"
)

func TestToConnectBadInput(t *testing.T) {
	ctx := context.Background()
	c, _, _ := newConverter(t, false, nil)
	d := buildDebezium()
	good, err := c.FromConnect(ctx, dbzTopic, d.envelope, dbzEnvelope(d))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		in      []byte
		wantErr string
	}{
		{name: "short", in: []byte{0, 1}, wantErr: "Unknown magic byte"},
		{name: "bad magic", in: append([]byte{1}, good[1:]...), wantErr: "Unknown magic byte"},
		{name: "unknown id", in: []byte{0, 0, 0, 0, 99, 0}, wantErr: "id 99"},
		{name: "truncated", in: good[:len(good)-3], wantErr: "decoding Avro data"},
		{name: "trailing", in: append(append([]byte(nil), good...), 0), wantErr: "trailing bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := c.ToConnect(ctx, dbzTopic, tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("got %v, want %q", err, tc.wantErr)
			}
		})
	}
}

func FuzzAvroToConnect(f *testing.F) {
	url, _ := srtest.New(f)
	cfg, err := ParseConfig(map[string]string{registry.URLConfig: url})
	if err != nil {
		f.Fatal(err)
	}
	reg, err := registry.New(cfg.Registry)
	if err != nil {
		f.Fatal(err)
	}
	c := New(cfg, false, reg)
	ctx := context.Background()
	d := buildDebezium()
	env, err := c.FromConnect(ctx, dbzTopic, d.envelope, dbzEnvelope(d))
	if err != nil {
		f.Fatal(err)
	}
	s, v := everyType()
	every, err := c.FromConnect(ctx, "every", s, v)
	if err != nil {
		f.Fatal(err)
	}
	anything, err := c.FromConnect(ctx, "schemaless", nil, []any{int64(1), map[string]any{"a": "b"}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(env)
	f.Add(every)
	f.Add(anything)
	f.Add([]byte{0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, b []byte) {
		topic := "fuzz"
		if len(b) >= 5 {
			// keep fuzzing the body against the three registered ids, each read
			// from the topic it was written to (its subject gives the version)
			id := 1 + int(b[4])%3
			topic = [...]string{dbzTopic, "every", "schemaless"}[id-1]
			b = append([]byte{0, 0, 0, 0, byte(id)}, b[5:]...)
		}
		s, v, err := c.ToConnect(ctx, topic, b)
		if err == nil && v != nil {
			if _, err := c.FromConnect(ctx, topic, s, v); err != nil {
				t.Fatalf("decoded value does not encode again: %v", err)
			}
		}
	})
}

func TestSchemalessAnything(t *testing.T) {
	ctx := context.Background()
	c, _, url := newConverter(t, false, nil)
	tests := []struct {
		name string
		in   any
		want any
	}{
		{name: "string", in: "x", want: "x"},
		{name: "int widens to int32", in: int8(5), want: int32(5)},
		{name: "long", in: int64(-7), want: int64(-7)},
		{name: "nested", in: []any{true, nil, 1.5, map[string]any{"k": []any{"v"}}}, want: []any{true, nil, 1.5, map[string]any{"k": []any{"v"}}}},
		{name: "non-string keys", in: []schemas.MapEntry{{Key: int32(1), Value: "a"}}, want: []schemas.MapEntry{{Key: int32(1), Value: "a"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := c.FromConnect(ctx, "schemaless", nil, tc.in)
			if err != nil {
				t.Fatal(err)
			}
			r, _, _ := converterFor(t, url, false, nil)
			s, v, err := r.ToConnect(ctx, "schemaless", b)
			if err != nil || s != nil || !schemas.ValuesEqual(v, tc.want) {
				t.Fatalf("got %v %#v %v", s, v, err)
			}
		})
	}
	if _, err := c.FromConnect(ctx, "schemaless", nil, []byte{1}); err == nil || !strings.Contains(err.Error(), "schemaless") {
		t.Fatalf("bytes accepted schemaless: %v", err)
	}
	js, _ := havro.ParseWithCache(anythingJSON, "", &havro.SchemaCache{})
	if js.(*havro.RecordSchema).FullName() != AnythingName {
		t.Fatal("Anything schema misnamed")
	}
}

func TestToConnectForeignSchema(t *testing.T) {
	ctx := context.Background()
	url, fake := srtest.New(t)
	const foreign = `{"type":"record","name":"Order","namespace":"shop","doc":"an order","fields":[` +
		`{"name":"id","type":"long"},` +
		`{"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID"]},"default":"NEW"},` +
		`{"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},` +
		`{"name":"qty","type":"int","default":1},` +
		`{"name":"choice","type":["null","int","string"],"default":null},` +
		`{"name":"tags","type":{"type":"map","values":"string"}},` +
		`{"name":"day","type":{"type":"int","logicalType":"date"}}]}`
	fake.SeedSchema("shop-value", 1, 77, sr.Schema{Schema: foreign, Type: sr.TypeAvro})
	hs, err := havro.Parse(foreign)
	if err != nil {
		t.Fatal(err)
	}
	body, err := havro.Marshal(hs, map[string]any{
		"id": int64(9), "status": "PAID", "amount": big.NewRat(12345, 100), "qty": int32(3),
		"choice": map[string]any{"string": "x"}, "tags": map[string]any{"k": "v"}, "day": time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		t.Fatal(err)
	}
	c, _, _ := converterFor(t, url, false, nil)
	s, v, err := c.ToConnect(ctx, "shop", append([]byte{0, 0, 0, 0, 77}, body...))
	if err != nil {
		t.Fatal(err)
	}
	st := v.(*schemas.Struct)
	status, _ := s.Field("status")
	qty, _ := s.Field("qty")
	choice, _ := s.Field("choice")
	checks := []struct {
		name string
		got  any
		want any
	}{
		{name: "record name", got: s.Name, want: "shop.Order"},
		{name: "record doc param", got: param(s, recordDocParam), want: "an order"},
		{name: "id", got: st.Get("id"), want: int64(9)},
		{name: "enum value", got: st.Get("status"), want: "PAID"},
		{name: "enum param", got: param(status.Schema, enumParam), want: "shop.Status"},
		{name: "enum default", got: status.Schema.Default, want: "NEW"},
		{name: "decimal", got: st.Get("amount"), want: schemas.NewDecimal(12345, 2)},
		{name: "int default flagged", got: param(qty.Schema, fieldDefaultFlag), want: "true"},
		{name: "int default", got: qty.Schema.Default, want: int32(1)},
		{name: "union struct name", got: choice.Schema.Name, want: UnionName},
		{name: "union branch", got: st.Get("choice").(*schemas.Struct).Get("string"), want: "x"},
		{name: "map", got: st.Get("tags"), want: map[string]any{"k": "v"}},
		{name: "date", got: st.Get("day"), want: time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)},
	}
	for _, ck := range checks {
		t.Run(ck.name, func(t *testing.T) {
			if !schemas.ValuesEqual(ck.got, ck.want) {
				t.Fatalf("got %#v, want %#v", ck.got, ck.want)
			}
		})
	}
}

func param(s *schemas.Schema, k string) string {
	v, _ := s.Param(k)
	return v
}
