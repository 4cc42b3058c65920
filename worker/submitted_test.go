package worker

import (
	"math/rand/v2"
	"testing"

	"github.com/gonnect/gonnect/offsets"
)

// TestSubmittedNeverCommitsPastUnacked acks records in random order and checks after
// every ack that each committed offset is the last of a fully acknowledged prefix.
func TestSubmittedNeverCommitsPastUnacked(t *testing.T) {
	for seed := uint64(1); seed <= 50; seed++ {
		rng := rand.New(rand.NewPCG(seed, seed))
		s := newSubmitted()
		parts := []offsets.Partition{{"p": "a"}, {"p": "b"}, {"p": "c"}}
		type rec struct {
			part int
			seq  int64
			pr   *pendingRecord
		}
		var recs []rec
		for i := 0; i < 200; i++ {
			p := rng.IntN(len(parts))
			seq := int64(i)
			recs = append(recs, rec{p, seq, s.submit(parts[p], offsets.Offset{"seq": seq})})
		}
		acked := map[int64]bool{}
		committed := map[string]int64{"a": -1, "b": -1, "c": -1}
		for _, i := range rng.Perm(len(recs)) {
			recs[i].pr.ack()
			acked[recs[i].seq] = true
			for _, e := range s.committable() {
				name := e.Partition["p"].(string)
				seq := e.Offset["seq"].(int64)
				if seq <= committed[name] {
					t.Fatalf("seed %d: partition %s committed %d after %d", seed, name, seq, committed[name])
				}
				for _, r := range recs {
					if parts[r.part]["p"] == name && r.seq <= seq && !acked[r.seq] {
						t.Fatalf("seed %d: partition %s committed %d past unacked %d", seed, name, seq, r.seq)
					}
				}
				committed[name] = seq
			}
		}
		if s.outstanding() != 0 {
			t.Fatalf("seed %d: %d outstanding after acking all", seed, s.outstanding())
		}
		// After every record is acked, each partition's last record is committed.
		for _, r := range recs {
			name := parts[r.part]["p"].(string)
			if r.seq > committed[name] {
				t.Fatalf("seed %d: partition %s ended at %d, record %d never committed", seed, name, committed[name], r.seq)
			}
		}
	}
}
