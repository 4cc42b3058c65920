package schemas

import "fmt"

// Project converts v, a value of schema from, to schema to, as Connect's
// SchemaProjector does for sink connectors and schema evolution: struct fields are
// matched by name (fields the source lacks stay unset, so the target default
// applies when the value is written), integers and floats are widened (INT8 →
// INT16 → INT32 → INT64, FLOAT32 → FLOAT64, integers to floats), arrays are
// projected element by element, and other values are returned unchanged for the
// target's validation to judge. A non-struct where a struct is expected is an
// error naming the field path.
func Project(from, to *Schema, v any) (any, error) {
	if v == nil || to == nil {
		return v, nil
	}
	switch to.Type {
	case StructType:
		st, ok := v.(*Struct)
		if !ok {
			return nil, fmt.Errorf("expected STRUCT, got %T", v)
		}
		out := NewStruct(to)
		for i, f := range to.Fields {
			src, ok := st.Schema().Field(f.Name)
			if !ok {
				continue
			}
			x, err := Project(src.Schema, f.Schema, st.Raw(src.Index))
			if err != nil {
				return nil, fmt.Errorf("field %q: %w", f.Name, err)
			}
			out.SetIndex(i, x)
		}
		return out, nil
	case Array:
		arr, ok := v.([]any)
		if !ok {
			return v, nil
		}
		var elem *Schema
		if from != nil {
			elem = from.Value
		}
		out := make([]any, len(arr))
		for i, x := range arr {
			y, err := Project(elem, to.Value, x)
			if err != nil {
				return nil, fmt.Errorf("array element %d: %w", i, err)
			}
			out[i] = y
		}
		return out, nil
	}
	return widen(to.Type, v), nil
}

// widen promotes a numeric value to a wider Connect type (INT8→INT16→INT32→INT64,
// FLOAT32→FLOAT64); other values are returned unchanged.
func widen(t Type, v any) any {
	var i int64
	var rank int
	switch x := v.(type) {
	case int8:
		i, rank = int64(x), 1
	case int16:
		i, rank = int64(x), 2
	case int32:
		i, rank = int64(x), 3
	case float32:
		if t == Float64 {
			return float64(x)
		}
		return v
	default:
		return v
	}
	switch {
	case t == Int16 && rank <= 2:
		return int16(i)
	case t == Int32 && rank <= 3:
		return int32(i)
	case t == Int64:
		return i
	case t == Float32:
		return float32(i)
	case t == Float64:
		return float64(i)
	}
	return v
}
