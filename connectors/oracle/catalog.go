package oracle

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/gonnect/gonnect/connectors/cdc"
)

// TableInfo is what the connector knows about one table besides its columns: the
// facts the UPDATE-as-DELETE rules rest on (partitioning, row movement, data object
// numbers) and the supplemental logging that makes before images complete.
type TableInfo struct {
	Table *cdc.Table
	// DataObjectIDs are the data object numbers of the table's segments (the table,
	// or each partition); empty when unknown.
	DataObjectIDs []int64
	// Partitioned reports a partitioned table; PartitionKey names its key columns.
	Partitioned  bool
	PartitionKey []string
	// RowMovement reports ENABLE ROW MOVEMENT.
	RowMovement bool
	// SupplementalAll reports ALL-columns supplemental logging (table log group or
	// database-wide).
	SupplementalAll bool
}

// Clone returns a deep copy.
func (ti *TableInfo) Clone() *TableInfo {
	c := *ti
	c.Table = ti.Table.Clone()
	c.DataObjectIDs = append([]int64(nil), ti.DataObjectIDs...)
	c.PartitionKey = append([]string(nil), ti.PartitionKey...)
	return &c
}

// HasLOB reports whether any column is a LOB.
func (ti *TableInfo) HasLOB() bool {
	for i := range ti.Table.Columns {
		if columnType(&ti.Table.Columns[i]).isLOB() {
			return true
		}
	}
	return false
}

// Catalog maps "SCHEMA.TABLE" to a table's description: what the connector reads from
// the data dictionary at start (live) or from a tables.json file (replay).
type Catalog map[string]*TableInfo

// Lookup returns the table, or nil.
func (c Catalog) Lookup(owner, table string) *TableInfo { return c[owner+"."+table] }

// Names returns the sorted keys.
func (c Catalog) Names() []string {
	out := make([]string, 0, len(c))
	for k := range c {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

type catalogJSON struct {
	Owner      string   `json:"owner"`
	Name       string   `json:"name"`
	PrimaryKey []string `json:"primary_key"`
	SuppLog    string   `json:"supplemental_logging"`
	Columns    []struct {
		Name       string `json:"name"`
		OracleType string `json:"oracle_type"`
		Nullable   bool   `json:"nullable"`
	} `json:"columns"`
	DataObjectID  int64   `json:"data_object_id"`
	DataObjectIDs []int64 `json:"partition_data_object_ids"`
	Partitioning  string  `json:"partitioning"`
	RowMovement   string  `json:"row_movement"`
}

var partitionKeyRe = regexp.MustCompile(`\(\s*([^)]*)\)`)

// ReadCatalog reads a tables.json document (the fixture format: an object keyed by
// "SCHEMA.TABLE" with owner, name, primary_key, supplemental_logging, columns with
// name/oracle_type/nullable, data_object_id, and optionally partitioning,
// row_movement, partition_data_object_ids). Errors name the table and column.
func ReadCatalog(r io.Reader) (Catalog, error) {
	var raw map[string]catalogJSON
	dec := json.NewDecoder(r)
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("tables: %w", err)
	}
	out := Catalog{}
	for key, t := range raw {
		if t.Owner == "" || t.Name == "" {
			owner, name, ok := strings.Cut(key, ".")
			if !ok {
				return nil, fmt.Errorf("tables: %q: owner and name are required", key)
			}
			t.Owner, t.Name = owner, name
		}
		tbl := &cdc.Table{ID: cdc.TableID{Schema: t.Owner, Table: t.Name}, PrimaryKey: t.PrimaryKey}
		for i, c := range t.Columns {
			col, err := NewCatalogColumn(c.Name, c.OracleType, c.Nullable, i+1)
			if err != nil {
				return nil, fmt.Errorf("tables: %s: %w", key, err)
			}
			tbl.Columns = append(tbl.Columns, col)
		}
		for _, pk := range t.PrimaryKey {
			if tbl.Column(pk) == nil {
				return nil, fmt.Errorf("tables: %s: primary key column %q is not a column", key, pk)
			}
		}
		ti := &TableInfo{Table: tbl, SupplementalAll: strings.EqualFold(t.SuppLog, "ALL COLUMNS") || t.SuppLog == "",
			RowMovement: strings.EqualFold(t.RowMovement, "ENABLED")}
		if t.DataObjectID != 0 {
			ti.DataObjectIDs = append(ti.DataObjectIDs, t.DataObjectID)
		}
		ti.DataObjectIDs = append(ti.DataObjectIDs, t.DataObjectIDs...)
		if t.Partitioning != "" {
			ti.Partitioned = true
			if m := partitionKeyRe.FindStringSubmatch(t.Partitioning); m != nil {
				for _, c := range strings.Split(m[1], ",") {
					ti.PartitionKey = append(ti.PartitionKey, strings.Trim(strings.TrimSpace(c), `"`))
				}
			}
		}
		out[t.Owner+"."+t.Name] = ti
	}
	return out, nil
}
