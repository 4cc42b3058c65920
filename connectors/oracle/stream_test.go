package oracle_test

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/oracle"
	"github.com/gonnect/gonnect/schemas"
)

// TestTransactionMetadata checks provide.transaction.metadata: each committed
// transaction is framed by BEGIN and END records on <prefix>.transaction and every
// event carries {id, total_order, data_collection_order}.
func TestTransactionMetadata(t *testing.T) {
	ws, cat := loadG01(t)
	raw := taskConfig()
	raw["provide.transaction.metadata"] = "true"
	cfg, err := oracle.ParseConfig(connectors.Config(raw))
	if err != nil {
		t.Fatal(err)
	}
	st, err := oracle.NewStream(cfg.StreamConfig(), cat, oracle.Position{}, slog.New(slog.DiscardHandler), oracle.NewMetrics("t", "0"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, w := range ws {
		for i := range w.Rows {
			r := w.Rows[i]
			if err := st.Process(&r); err != nil {
				t.Fatal(err)
			}
		}
		st.EndWindow(w.To, len(w.Rows))
		for _, r := range st.Records() {
			v := r.Value.(*schemas.Struct)
			if r.Topic == "corebank.transaction" {
				out = append(out, fmt.Sprintf("%v %v %v", v.Get("status"), v.Get("id"), v.Get("event_count")))
				continue
			}
			tx := v.Get("transaction").(*schemas.Struct)
			out = append(out, fmt.Sprintf("  %v %v/%v", r.Key, tx.Get("total_order"), tx.Get("data_collection_order")))
		}
	}
	want := `BEGIN 2b0002000b000000 <nil>
  Struct{ACCT_ID=6000002} 1/1
END 2b0002000b000000 1
BEGIN 1a0001000a000000 <nil>
  Struct{ACCT_ID=6000001} 1/1
  Struct{ACCT_ID=6000001} 2/2
END 1a0001000a000000 2
BEGIN 2b0003000e000000 <nil>
  Struct{ACCT_ID=6000005} 1/1
END 2b0003000e000000 1
BEGIN 1a0002000d000000 <nil>
  Struct{ACCT_ID=6000004} 1/1
END 1a0002000d000000 1`
	if got := strings.Join(out, "\n"); got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
}
