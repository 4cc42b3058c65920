package workertest

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// TestSessionKeyRotatesInStableGroup checks that the leader of a sessioned group
// writes a new session-key record once inter.worker.key.ttl.ms has passed, without
// any rebalance to prompt it.
func TestSessionKeyRotatesInStableGroup(t *testing.T) {
	c := NewCluster(t, 1, WithProp("inter.worker.key.ttl.ms", "1500"))
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.Kafka.ListenAddrs()...), kgo.ConsumeTopics("connect-configs"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	keys := map[string]bool{}
	Eventually(t, 30*time.Second, "two distinct session keys", func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		cl.PollFetches(ctx).EachRecord(func(r *kgo.Record) {
			if string(r.Key) == "session-key" && r.Value != nil {
				keys[string(r.Value)] = true
			}
		})
		return len(keys) >= 2
	})
}
