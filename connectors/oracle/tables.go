package oracle

import (
	"fmt"
	"sort"

	"github.com/gonnect/gonnect/connectors/cdc"
)

// tableVersion is a table's model from an SCN on; info nil means dropped.
type tableVersion struct {
	scn    uint64
	info   *TableInfo
	schema *cdc.TableSchema
}

// tableRegistry keeps every table's model over SCNs (the in-memory schema history),
// so a row is read with the model valid at its own SCN even when a DDL on the table
// was mined after it and before its COMMIT (M-SCHEMA-CHANGE, F-ONLINE-CATALOG).
// Owned by the streaming goroutine.
type tableRegistry struct {
	versions map[string][]tableVersion // "SCHEMA.TABLE" → ascending SCN
	byObject map[int64]string
	mapper   Mapper
	topics   cdc.Topics
	filters  *cdc.TableFilters
	keys     cdc.KeyColumns
	db       string
}

func newTableRegistry(m Mapper, topics cdc.Topics, filters *cdc.TableFilters, keys cdc.KeyColumns, db string) *tableRegistry {
	return &tableRegistry{versions: map[string][]tableVersion{}, byObject: map[int64]string{}, mapper: m, topics: topics, filters: filters, keys: keys, db: db}
}

// put records the model of name from scn on (info nil: dropped).
func (r *tableRegistry) put(name string, scn uint64, info *TableInfo) error {
	v := tableVersion{scn: scn, info: info}
	if info != nil {
		id := info.Table.ID
		topic := r.topics.Data(cdc.TableID{Schema: id.Schema, Table: id.Table})
		o := cdc.TableSchemaOptions{KeyColumns: r.keys.For(r.db+"."+name, name)}
		if r.filters != nil && r.filters.Column != nil {
			o.ColumnIncluded = func(c string) bool { return r.filters.ColumnIncluded(id, c) }
		}
		ts, err := cdc.BuildTableSchema(info.Table, topic, SourceSchema, r.mapper, o)
		if err != nil {
			return err
		}
		v.schema = ts
		for _, obj := range info.DataObjectIDs {
			r.byObject[obj] = name
		}
	}
	vs := r.versions[name]
	i := sort.Search(len(vs), func(i int) bool { return vs[i].scn > scn })
	vs = append(vs, tableVersion{})
	copy(vs[i+1:], vs[i:])
	vs[i] = v
	r.versions[name] = vs
	return nil
}

// at returns the model of name valid at scn, or nil.
func (r *tableRegistry) at(name string, scn uint64) *tableVersion {
	vs := r.versions[name]
	i := sort.Search(len(vs), func(i int) bool { return vs[i].scn > scn })
	if i == 0 || vs[i-1].info == nil {
		return nil
	}
	return &vs[i-1]
}

// latest returns the newest model of name, or nil.
func (r *tableRegistry) latest(name string) *tableVersion {
	vs := r.versions[name]
	if len(vs) == 0 || vs[len(vs)-1].info == nil {
		return nil
	}
	return &vs[len(vs)-1]
}

// byObjectID resolves an `OBJ# n` name from the data object numbers the registry
// has seen.
func (r *tableRegistry) byObjectID(obj int64) (string, error) {
	name, ok := r.byObject[obj]
	if !ok {
		return "", fmt.Errorf("data object %d is not a table in the schema history", obj)
	}
	return name, nil
}
