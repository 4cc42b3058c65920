package converters

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
	"github.com/gonnect/gonnect/schemas/jsonconv"
	"github.com/gonnect/gonnect/schemas/srtest"
)

func TestNewByClassAndAlias(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		class   string
		cfg     map[string]string
		in      any
		s       *schemas.Schema
		want    string
		wantErr string
	}{
		{name: "json class", class: JSONClass, s: schemas.Int32Schema, in: int32(1), want: `{"schema":{"type":"int32","optional":false},"payload":1}`},
		{name: "json alias schemas off", class: "JsonConverter", cfg: map[string]string{"schemas.enable": "false"}, s: schemas.Int32Schema, in: int32(1), want: `1`},
		{name: "json bad key", class: JSONClass, cfg: map[string]string{"decimal.format": "HEX"}, wantErr: "decimal.format"},
		{name: "json bad bool", class: JSONClass, cfg: map[string]string{"schemas.enable": "yes"}, wantErr: "Invalid value yes for configuration schemas.enable"},
		{name: "string", class: StringClass, s: schemas.StringSchema, in: "x", want: "x"},
		{name: "bytes", class: "ByteArrayConverter", s: schemas.BytesSchema, in: []byte("ab"), want: "ab"},
		{name: "integer", class: IntegerClass, s: schemas.Int32Schema, in: int32(0x41424344), want: "ABCD"},
		{name: "unknown", class: "com.example.Nope", wantErr: "Class com.example.Nope could not be found"},
		{name: "header-only class", class: SimpleHeaderClass, wantErr: "is not a Converter"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(ctx, tc.class, tc.cfg, false)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			b, err := c.FromConnect(ctx, "t", tc.s, tc.in)
			if err != nil || string(b) != tc.want {
				t.Fatalf("got %q %v want %q", b, err, tc.want)
			}
		})
	}
}

func TestNewHeader(t *testing.T) {
	ctx := context.Background()
	h, err := NewHeader(ctx, SimpleHeaderClass, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, v, err := h.ToConnectHeader(ctx, "t", "k", []byte("42"))
	if err != nil || s.Type != schemas.Int8 || v != int8(42) {
		t.Fatalf("got %v %v %v", s, v, err)
	}
	if _, err := NewHeader(ctx, "JsonConverter", nil); err != nil {
		t.Fatal(err)
	}
	if _, ok := any(mustHeader(t, JSONClass)).(*jsonconv.Converter); !ok {
		t.Fatal("JsonConverter header is not the JSON converter")
	}
}

func mustHeader(t *testing.T, class string) schemas.HeaderConverter {
	t.Helper()
	h, err := NewHeader(context.Background(), class, nil)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestRegister(t *testing.T) {
	reg := connectors.NewRegistry()
	Register(reg)
	tests := []struct {
		name string
		kind connectors.PluginType
	}{
		{name: "JsonConverter", kind: connectors.PluginConverter},
		{name: SimpleHeaderClass, kind: connectors.PluginHeaderConverter},
		{name: "LongConverter", kind: connectors.PluginConverter},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, ok := reg.Other(tc.name)
			if !ok || p.Type != tc.kind {
				t.Fatalf("got %+v %v", p, ok)
			}
			for _, cv := range p.ConfigDef().Validate(connectors.Config{}) {
				if len(cv.Errors) != 0 {
					t.Fatalf("defaults invalid: %+v", cv)
				}
			}
		})
	}
	js, _ := reg.Other(JSONClass)
	if _, ok := js.ConfigDef().Key("decimal.format"); !ok {
		t.Fatal("JsonConverter ConfigDef lacks decimal.format")
	}
}

func TestAvroConverterByClass(t *testing.T) {
	ctx := context.Background()
	url, fake := srtest.New(t)
	tests := []struct {
		name    string
		class   string
		cfg     map[string]string
		wantErr string
	}{
		{name: "full class", class: AvroClass, cfg: map[string]string{"schema.registry.url": url}},
		{name: "simple name with strategy", class: "AvroConverter", cfg: map[string]string{"schema.registry.url": url, "value.subject.name.strategy": "io.confluent.kafka.serializers.subject.RecordNameStrategy"}},
		{name: "missing url", class: AvroClass, cfg: map[string]string{}, wantErr: `Missing required configuration "schema.registry.url"`},
		{name: "bad strategy", class: AvroClass, cfg: map[string]string{"schema.registry.url": url, "value.subject.name.strategy": "x.Nope"}, wantErr: "value.subject.name.strategy"},
	}
	// versioned, so the schema read back does not take the registry's version
	s := schemas.StructBuilder().Name("a.Rec").Version(1).Field("id", schemas.Int64Schema).Schema()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(ctx, tc.class, tc.cfg, false, WithRetryTimeout(time.Second))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			b, err := c.FromConnect(ctx, "topic", s, schemas.NewStruct(s).Set("id", int64(5)))
			if err != nil {
				t.Fatal(err)
			}
			gs, gv, err := c.ToConnect(ctx, "topic", b)
			if err != nil || !schemas.Equal(gs, s) || gv.(*schemas.Struct).Get("id") != int64(5) {
				t.Fatalf("round trip: %v %v %v", gs, gv, err)
			}
		})
	}
	if !fake.SubjectExists("topic-value") || !fake.SubjectExists("a.Rec") {
		t.Fatal("subjects per strategy were not registered")
	}
	if _, err := NewHeader(ctx, AvroClass, nil); err == nil {
		t.Fatal("AvroConverter accepted as header converter")
	}
}
