package schemas

import (
	"strings"
	"testing"
)

func TestProject(t *testing.T) {
	from := StructBuilder().Name("r").Field("a", Int8Schema).Field("gone", StringSchema).Field("f", Float32Schema).Schema()
	to := StructBuilder().Name("r").Field("a", Int64Schema).Field("f", Float64Schema).
		Field("added", NewBuilder(String).Optional().Default("d").Schema()).Schema()
	v := NewStruct(from).Set("a", int8(-3)).Set("gone", "x").Set("f", float32(1.5))
	got, err := Project(from, to, v)
	if err != nil {
		t.Fatal(err)
	}
	st := got.(*Struct)
	if st.Get("a") != int64(-3) || st.Get("f") != 1.5 || st.Get("added") != "d" || st.Raw(2) != nil {
		t.Fatalf("got %v", st)
	}
	if err := st.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := StructBuilder().Field("a", StructBuilder().Field("x", Int32Schema).Schema()).Schema()
	if _, err := Project(from, bad, v); err == nil || !strings.Contains(err.Error(), `field "a": expected STRUCT`) {
		t.Fatalf("got %v", err)
	}
}
