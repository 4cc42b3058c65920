package oracle_test

import (
	"fmt"
	"log/slog"
	"math/big"
	"strings"
	"testing"

	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/oracle"
	"github.com/gonnect/gonnect/connectors/oracle/sqlredo"
	"github.com/gonnect/gonnect/offsets"
)

// TestIncrementalSnapshotSwitchWithDebezium resumes I01's incremental snapshot of
// FINX.ACCOUNTS from offsets as Debezium's Oracle connector writes them (no Gonnect
// keys; the chunk position as a serialized Object[] of java.math.BigDecimal): the
// first chunk read starts after the stored key, and the rows up to it are not read
// again. A key class the codec cannot read restarts the table. The signal rows of the
// recording are left out (signal.enabled.channels=kafka), its watermarks serve the
// resumed windows.
func TestIncrementalSnapshotSwitchWithDebezium(t *testing.T) {
	ws := loadRecorded(t, "I01-incremental-snapshot-signals.jsonl")
	key := func(vals ...any) string {
		h, err := cdc.EncodeJavaArray(vals)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	num := func(n int64) cdc.JavaDecimal { return cdc.JavaDecimal{Unscaled: big.NewInt(n)} }
	// a serialized java.util.UUID: no key column maps to it
	uuid := "aced0005757200135b4c6a6176612e6c616e672e4f626a6563743b90ce589f1073296c020000787000000001" +
		"7372000e6a6176612e7574696c2e55554944bc9903f7986d852f0200024a000c6c65617374536967426974734a000b6d6f7374536967426974737870" +
		"00000000000000010000000000000002"
	tests := []struct {
		name       string
		primaryKey string
		maxKey     string
		legacyKey  string // gonnect_incremental_last_key of older Gonnect offsets
		wantAfter  string // the key the first chunk read starts after
		wantRows   string // incremental rows emitted
	}{
		{name: "mid table", primaryKey: key(num(7000002)), maxKey: key(num(7000005)), wantAfter: "7000002",
			wantRows: "7000003 7000004 7000005"},
		{name: "before the first chunk", primaryKey: key(nil...), maxKey: key(nil...), wantAfter: "",
			wantRows: "7000001 7000003 7000004"},
		{name: "older Gonnect offset", legacyKey: `["7000002"]`, wantAfter: "7000002", wantRows: "7000003 7000004 7000005"},
		{name: "key class Gonnect cannot read", primaryKey: uuid, maxKey: key(nil...), wantAfter: "",
			wantRows: "7000001 7000003 7000004"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cat, snap, scfg := i01(t)
			scfg.SourceSignalsOff = true
			var afters []string
			scfg.Incremental.Read = func(ti *oracle.TableInfo, after []any, n int) ([][]any, error) {
				var ks []string
				for _, v := range after {
					ks = append(ks, v.(sqlredo.Value).Text)
				}
				afters = append(afters, strings.Join(ks, ","))
				return snap.ReadChunk(t.Context(), ti, after, n)
			}
			stored := offsets.Offset{"scn": "6000000", "commit_scn": "6000000:1:",
				oracle.OffsetIncrementalCollections: `[{"incremental_snapshot_collections_id":"CBS.FINX.ACCOUNTS",` +
					`"incremental_snapshot_collections_additional_condition":null,"incremental_snapshot_collections_surrogate_key":null}]`,
				oracle.OffsetIncrementalCorrelation: "sig-1",
				oracle.OffsetIncrementalPrimaryKey:  tt.primaryKey,
				oracle.OffsetIncrementalMaximumKey:  tt.maxKey}
			if tt.legacyKey != "" {
				stored = offsets.Offset{"scn": "6000000", "commit_scn": "6000000:1:", "gonnect_incremental_last_key": tt.legacyKey,
					oracle.OffsetIncrementalCollections: stored[oracle.OffsetIncrementalCollections], oracle.OffsetIncrementalCorrelation: "sig-1"}
			}
			pos, err := oracle.ParsePosition(stored)
			if err != nil {
				t.Fatal(err)
			}
			st, err := oracle.NewStream(scfg, cat, pos, slog.New(slog.DiscardHandler), oracle.NewMetrics("t"))
			if err != nil {
				t.Fatal(err)
			}
			if err := st.ResumeIncremental(); err != nil {
				t.Fatal(err)
			}
			var rows []string
			var firstOffset offsets.Offset
			for _, r := range accounts(mineAll(t, st, ws)) {
				if r.Value != nil && strings.HasSuffix(describe(r), " incremental") {
					rows = append(rows, strings.TrimSuffix(strings.TrimPrefix(fmt.Sprint(r.Key), "Struct{ACCT_ID="), "}"))
					if firstOffset == nil {
						firstOffset = r.SourceOffset
					}
				}
			}
			if len(afters) == 0 || afters[0] != tt.wantAfter {
				t.Fatalf("chunk reads started after %q, want the first after %q", afters, tt.wantAfter)
			}
			if strings.Join(rows, " ") != tt.wantRows {
				t.Errorf("incremental rows %v, want %s", rows, tt.wantRows)
			}
			// the offsets handed back to a Java connector carry Debezium's keys:
			// the maximum key as stored while the table runs, the row as a BigDecimal
			if tt.maxKey != "" && firstOffset[oracle.OffsetIncrementalMaximumKey] != tt.maxKey {
				t.Errorf("%s = %v, want the stored %s", oracle.OffsetIncrementalMaximumKey, firstOffset[oracle.OffsetIncrementalMaximumKey], tt.maxKey)
			}
			if got := firstOffset[oracle.OffsetIncrementalPrimaryKey]; got != key(num(mustInt(t, rows[0]))) {
				t.Errorf("%s of the first chunk row = %v, want Object[]{BigDecimal %s}", oracle.OffsetIncrementalPrimaryKey, got, rows[0])
			}
		})
	}
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	n, ok := new(big.Int).SetString(s, 10)
	if !ok {
		t.Fatalf("%q is not a number", s)
	}
	return n.Int64()
}
