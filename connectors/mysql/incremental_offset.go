package mysql

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/offsets"
)

// Incremental snapshot offset keys, Debezium's AbstractIncrementalSnapshotContext names
// (§4.2). They are present while an incremental snapshot runs and let a restarted task
// (Gonnect's or Debezium's) resume at the chunk after the last row it sent.
const (
	keyIncCollections = "incremental_snapshot_collections"
	keyIncPrimaryKey  = "incremental_snapshot_primary_key"
	keyIncMaximumKey  = "incremental_snapshot_maximum_key"
	keyIncCorrelation = "incremental_snapshot_correlation_id"
)

// incCollection is one element of the incremental_snapshot_collections JSON list, with
// Debezium's field names and order.
type incCollection struct {
	ID           string  `json:"incremental_snapshot_collections_id"`
	Condition    *string `json:"incremental_snapshot_collections_additional_condition"`
	SurrogateKey *string `json:"incremental_snapshot_collections_surrogate_key"`
}

// incrementalKeys returns the incremental snapshot keys of a stored offset, or nil
// when it has none.
func incrementalKeys(o offsets.Offset) offsets.Offset {
	if _, ok := o[keyIncCollections]; !ok {
		return nil
	}
	out := offsets.Offset{}
	for _, k := range []string{keyIncCollections, keyIncPrimaryKey, keyIncMaximumKey, keyIncCorrelation} {
		if v, ok := o[k]; ok {
			out[k] = v
		}
	}
	return out
}

// restoreIncremental rebuilds a running incremental snapshot from the offset keys
// written by Gonnect or Debezium. It fails, naming the key, when the collections list is
// not Debezium's JSON; an undecodable key (a Java class Gonnect does not read) restarts
// the current table from its first row instead, which only re-emits rows.
func restoreIncremental(keys offsets.Offset, warn func(msg string, args ...any)) (*incremental, error) {
	raw, _ := keys[keyIncCollections].(string)
	if raw == "" {
		return nil, nil
	}
	var cols []incCollection
	if err := json.Unmarshal([]byte(raw), &cols); err != nil {
		return nil, fmt.Errorf("stored offset key %s is not a JSON list of collections: %w", keyIncCollections, err)
	}
	inc := &incremental{}
	for i, c := range cols {
		parts := strings.SplitN(c.ID, ".", 2)
		if len(parts) != 2 {
			return nil, fmt.Errorf("stored offset key %s: collection %d %q is not db.table", keyIncCollections, i, c.ID)
		}
		inc.tables = append(inc.tables, cdc.TableID{Catalog: parts[0], Table: parts[1]})
	}
	if len(inc.tables) == 0 {
		return nil, nil
	}
	inc.correlation, _ = keys[keyIncCorrelation].(string)
	last, errLast := decodeKeyKey(keys, keyIncPrimaryKey)
	maxKey, errMax := decodeKeyKey(keys, keyIncMaximumKey)
	if err := cmpErr(errLast, errMax); err != nil {
		warn("cannot read the stored incremental snapshot position; the current table is read again from its first row",
			"table", inc.tables[0].String(), "error", err)
		return inc, nil
	}
	inc.lastKey, inc.maxKey = last, maxKey
	return inc, nil
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// decodeKeyKey decodes one Java-serialized key of the offset into query arguments.
func decodeKeyKey(keys offsets.Offset, k string) ([]any, error) {
	s, _ := keys[k].(string)
	if s == "" {
		return nil, nil
	}
	vals, err := cdc.DecodeJavaArray(s)
	if err != nil {
		return nil, fmt.Errorf("offset key %s: %w", k, err)
	}
	for i, v := range vals {
		switch x := v.(type) {
		case cdc.JavaInt:
			vals[i] = int64(x)
		case int16:
			vals[i] = int64(x)
		case int8:
			vals[i] = int64(x)
		}
	}
	return vals, nil
}

// offsetKeys renders the snapshot's progress as Debezium's offset keys; last is the key
// of the last row sent (nil: none of the current table yet).
func (inc *incremental) offsetKeys(ts *cdc.TableSchema, last []any) (offsets.Offset, error) {
	if inc.collections == "" {
		cols := make([]incCollection, 0, len(inc.tables)-inc.current)
		for _, id := range inc.tables[inc.current:] {
			cols = append(cols, incCollection{ID: id.Catalog + "." + id.Table})
		}
		b, err := json.Marshal(cols)
		if err != nil {
			return nil, err
		}
		inc.collections = string(b)
	}
	if inc.maxHex == "" {
		h, err := cdc.EncodeJavaArray(javaKey(ts, inc.maxKey))
		if err != nil {
			return nil, fmt.Errorf("encoding the incremental snapshot maximum key: %w", err)
		}
		inc.maxHex = h
	}
	lastHex, err := cdc.EncodeJavaArray(javaKey(ts, last))
	if err != nil {
		return nil, fmt.Errorf("encoding the incremental snapshot primary key: %w", err)
	}
	o := offsets.Offset{keyIncCollections: inc.collections, keyIncPrimaryKey: lastHex, keyIncMaximumKey: inc.maxHex}
	if inc.correlation != "" {
		o[keyIncCorrelation] = inc.correlation
	}
	return o, nil
}

// javaKey converts key values read from MySQL to the Java classes MySQL Connector/J
// returns for the key columns (Integer for signed INT and smaller, Long for INT
// UNSIGNED and BIGINT, String for text). Other types are kept as their text, which
// MySQL compares correctly when they come back as query arguments.
func javaKey(ts *cdc.TableSchema, vals []any) []any {
	if vals == nil {
		return nil
	}
	out := make([]any, len(vals))
	for i, v := range vals {
		var col *cdc.Column
		if ts != nil && i < len(ts.Table.PrimaryKey) {
			col = ts.Table.Column(ts.Table.PrimaryKey[i])
		}
		out[i] = javaKeyValue(col, v)
	}
	return out
}

func javaKeyValue(col *cdc.Column, v any) any {
	var n int64
	isInt := true
	switch x := v.(type) {
	case nil:
		return nil
	case int64:
		n = x
	case int32:
		n = int64(x)
	case int:
		n = int64(x)
	case uint64:
		if x > 1<<63-1 {
			return fmt.Sprint(x)
		}
		n = int64(x)
	case []byte:
		return string(x)
	case string:
		return x
	default:
		isInt = false
	}
	if !isInt {
		return fmt.Sprint(v)
	}
	if col != nil {
		unsigned := strings.Contains(strings.ToUpper(col.TypeName), "UNSIGNED")
		switch col.JDBCType {
		case -6, 5: // TINYINT, SMALLINT
			return cdc.JavaInt(n)
		case 4: // INTEGER (also MEDIUMINT)
			if !unsigned {
				return cdc.JavaInt(n)
			}
		}
	}
	return n
}
