package kafkalog

import (
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
)

func TestEnsureTopic(t *testing.T) {
	tests := []struct {
		name string
		// existing, when set, is created first with these partitions and configs.
		existing *struct {
			partitions int32
			configs    map[string]*string
		}
		spec           TopicSpec
		wantErr        string
		wantPartitions int
	}{
		{
			name: "creates compacted and drops a user cleanup.policy",
			spec: TopicSpec{Name: "connect-offsets", WorkerProperty: "offset.storage.topic",
				Purpose: "source connector offsets", Partitions: 25, ReplicationFactor: 1,
				Configs: map[string]string{"cleanup.policy": "delete", "min.insync.replicas": "1"}},
			wantPartitions: 25,
		},
		{
			name: "accepts an existing compacted topic",
			existing: &struct {
				partitions int32
				configs    map[string]*string
			}{3, map[string]*string{"cleanup.policy": kadm.StringPtr("compact")}},
			spec: TopicSpec{Name: "connect-status", WorkerProperty: "status.storage.topic",
				Purpose: "connector and task statuses", Partitions: 5, ReplicationFactor: 1},
			wantPartitions: 3,
		},
		{
			name: "refuses a delete topic with Java's message",
			existing: &struct {
				partitions int32
				configs    map[string]*string
			}{1, map[string]*string{"cleanup.policy": kadm.StringPtr("delete")}},
			spec: TopicSpec{Name: "connect-status", WorkerProperty: "status.storage.topic",
				Purpose: "connector and task statuses", Partitions: 5, ReplicationFactor: 1},
			wantErr: "Topic 'connect-status' supplied via the 'status.storage.topic' property is required to have " +
				"'cleanup.policy=compact' to guarantee consistency and durability of connector and task statuses, " +
				"but found the topic currently has 'cleanup.policy=delete'. Continuing would likely result in " +
				"eventually losing connector and task statuses and problems restarting this Connect cluster in the " +
				"future. Change the 'status.storage.topic' property in the Connect worker configurations to use a " +
				"topic with 'cleanup.policy=compact'.",
		},
		{
			name: "refuses compact,delete",
			existing: &struct {
				partitions int32
				configs    map[string]*string
			}{1, map[string]*string{"cleanup.policy": kadm.StringPtr("compact,delete")}},
			spec:    TopicSpec{Name: "connect-offsets", WorkerProperty: "offset.storage.topic", Purpose: "source connector offsets"},
			wantErr: "found the topic currently has 'cleanup.policy=compact,delete'",
		},
		{
			name: "refuses a config topic with two partitions",
			existing: &struct {
				partitions int32
				configs    map[string]*string
			}{2, map[string]*string{"cleanup.policy": kadm.StringPtr("compact")}},
			spec: TopicSpec{Name: "connect-configs", WorkerProperty: "config.storage.topic",
				Purpose: "connector configurations", Partitions: 1, ReplicationFactor: 1, SinglePartition: true},
			wantErr: "Topic 'connect-configs' supplied via the 'config.storage.topic' property is required to have a " +
				"single partition in order to guarantee consistency of connector configurations, but found 2 partitions.",
		},
		{
			name: "creates a single-partition config topic",
			spec: TopicSpec{Name: "connect-configs", WorkerProperty: "config.storage.topic",
				Purpose: "connector configurations", Partitions: 1, ReplicationFactor: 1, SinglePartition: true},
			wantPartitions: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, adm := newCluster(t)
			ctx := testCtx(t)
			if tt.existing != nil {
				if _, err := adm.CreateTopic(ctx, tt.existing.partitions, 1, tt.existing.configs, tt.spec.Name); err != nil {
					t.Fatalf("pre-creating: %v", err)
				}
			}
			tt.spec.Logger = testLogger(t)
			err := EnsureTopic(ctx, adm, tt.spec)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v\nwant one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("EnsureTopic: %v", err)
			}
			// A second call (another worker starting) accepts what the first made.
			if err := EnsureTopic(ctx, adm, tt.spec); err != nil {
				t.Fatalf("second EnsureTopic: %v", err)
			}
			details, err := adm.ListTopics(ctx, tt.spec.Name)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(details[tt.spec.Name].Partitions); got != tt.wantPartitions {
				t.Errorf("partitions %d, want %d", got, tt.wantPartitions)
			}
			rcs, err := adm.DescribeTopicConfigs(ctx, tt.spec.Name)
			if err != nil {
				t.Fatal(err)
			}
			rc, err := rcs.On(tt.spec.Name, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := policyOf(rc); len(got) != 1 || got[0] != "compact" {
				t.Errorf("cleanup.policy %v, want [compact]", got)
			}
			for k, v := range tt.spec.Configs {
				if k == "cleanup.policy" {
					continue
				}
				found := false
				for _, c := range rc.Configs {
					found = found || (c.Key == k && c.MaybeValue() == v)
				}
				if !found {
					t.Errorf("topic config %s=%s not set on creation", k, v)
				}
			}
		})
	}
}
