package kafkalog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
)

// TopicSpec describes an internal topic for EnsureTopic.
type TopicSpec struct {
	// Name is the topic name, e.g. "connect-offsets".
	Name string
	// WorkerProperty is the worker setting that named the topic, e.g.
	// "offset.storage.topic"; error messages tell the user to change it.
	WorkerProperty string
	// Purpose says what the topic keeps, as Java words it in its messages:
	// "source connector offsets", "connector configurations", "connector and task statuses".
	Purpose string
	// Partitions and ReplicationFactor are used only when creating the topic;
	// -1 means the broker default.
	Partitions        int32
	ReplicationFactor int16
	// Configs are extra topic configs for creation (e.g. min.insync.replicas). A
	// cleanup.policy here is dropped: the topic is always created compacted.
	Configs map[string]string
	// SinglePartition refuses an existing topic with more than one partition (the
	// config topic).
	SinglePartition bool
	// Logger receives the "created topic" and "cannot verify" messages. Default slog.Default().
	Logger *slog.Logger
}

// EnsureTopic creates spec's topic compacted when it does not exist, or checks the
// existing one: its cleanup.policy must be exactly "compact", and when
// spec.SinglePartition it must have one partition. The errors name the topic and the
// worker property and say how to fix it, worded as Java's worker words them. When
// the topic's configs cannot be described (not authorized), the policy check is
// skipped with an info log, as Java does. It blocks for the admin requests; ctx
// cancels them. Safe to call from several workers at once (a creation race is fine).
func EnsureTopic(ctx context.Context, adm *kadm.Client, spec TopicSpec) error {
	if spec.Name == "" {
		return fmt.Errorf("internal topic for %q has an empty name", spec.WorkerProperty)
	}
	logger := spec.Logger
	if logger == nil {
		logger = slog.Default()
	}
	logger = logger.With("topic", spec.Name)

	created, err := createCompacted(ctx, adm, spec)
	if err != nil {
		return err
	}
	if created {
		logger.Info("created internal topic", "partitions", spec.Partitions,
			"replication_factor", spec.ReplicationFactor, "property", spec.WorkerProperty)
	}

	if spec.SinglePartition {
		details, err := adm.ListTopics(ctx, spec.Name)
		if err != nil {
			return fmt.Errorf("describing topic %q: %w", spec.Name, err)
		}
		d, ok := details[spec.Name]
		if !ok || d.Err != nil {
			return fmt.Errorf("describing topic %q: %w", spec.Name, errors.Join(d.Err, errMissing(ok)))
		}
		if n := len(d.Partitions); n > 1 {
			return fmt.Errorf("Topic '%s' supplied via the '%s' property is required to have a single partition "+
				"in order to guarantee consistency of %s, but found %d partitions. "+
				"Create a topic with one partition and cleanup.policy=compact and set '%s' to it.",
				spec.Name, spec.WorkerProperty, spec.Purpose, n, spec.WorkerProperty)
		}
	}
	return checkCompact(ctx, adm, spec, logger)
}

func errMissing(found bool) error {
	if found {
		return nil
	}
	return kerr.UnknownTopicOrPartition
}

// createCompacted creates the topic unless it exists; it reports whether it did.
func createCompacted(ctx context.Context, adm *kadm.Client, spec TopicSpec) (bool, error) {
	configs := make(map[string]*string, len(spec.Configs)+1)
	for k, v := range spec.Configs {
		if k == "cleanup.policy" {
			continue
		}
		configs[k] = kadm.StringPtr(v)
	}
	configs["cleanup.policy"] = kadm.StringPtr("compact")
	partitions, rf := spec.Partitions, spec.ReplicationFactor
	if partitions == 0 {
		partitions = -1
	}
	if rf == 0 {
		rf = -1
	}
	_, err := adm.CreateTopic(ctx, partitions, rf, configs, spec.Name)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, kerr.TopicAlreadyExists):
		return false, nil
	default:
		return false, fmt.Errorf("creating topic %q (set by %q) with %d partitions and replication factor %d: %w",
			spec.Name, spec.WorkerProperty, partitions, rf, err)
	}
}

// checkCompact verifies cleanup.policy=compact on the existing topic.
func checkCompact(ctx context.Context, adm *kadm.Client, spec TopicSpec, logger *slog.Logger) error {
	rcs, err := adm.DescribeTopicConfigs(ctx, spec.Name)
	if err == nil {
		var rc kadm.ResourceConfig
		rc, err = rcs.On(spec.Name, nil)
		if err == nil {
			err = rc.Err
		}
		if err == nil {
			policy := policyOf(rc)
			if len(policy) == 0 {
				logger.Info("cannot verify that the internal topic has cleanup.policy=compact: the broker reports no cleanup.policy")
				return nil
			}
			return comparePolicy(spec, policy)
		}
	}
	if errors.Is(err, kerr.TopicAuthorizationFailed) || errors.Is(err, kerr.ClusterAuthorizationFailed) ||
		errors.Is(err, kerr.UnsupportedVersion) {
		logger.Info("cannot verify that the internal topic has cleanup.policy=compact", "error", err)
		return nil
	}
	return fmt.Errorf("describing configs of topic %q: %w", spec.Name, err)
}

func policyOf(rc kadm.ResourceConfig) []string {
	for _, c := range rc.Configs {
		if c.Key != "cleanup.policy" {
			continue
		}
		var out []string
		for _, p := range strings.Split(c.MaybeValue(), ",") {
			if p = strings.ToLower(strings.TrimSpace(p)); p != "" && !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
		return out
	}
	return nil
}

func comparePolicy(spec TopicSpec, policy []string) error {
	if len(policy) == 1 && policy[0] == "compact" {
		return nil
	}
	return fmt.Errorf("Topic '%s' supplied via the '%s' property is required to have 'cleanup.policy=compact' "+
		"to guarantee consistency and durability of %s, but found the topic currently has 'cleanup.policy=%s'. "+
		"Continuing would likely result in eventually losing %s and problems restarting this Connect cluster "+
		"in the future. Change the '%s' property in the Connect worker configurations to use a topic with "+
		"'cleanup.policy=compact'.",
		spec.Name, spec.WorkerProperty, spec.Purpose, strings.Join(policy, ","), spec.Purpose, spec.WorkerProperty)
}
