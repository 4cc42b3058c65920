package distributed

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/offsets/kafkalog"
	"github.com/gonnect/gonnect/rest/entities"
	"github.com/gonnect/gonnect/schemas"
	"github.com/gonnect/gonnect/schemas/converters"
	"github.com/gonnect/gonnect/transforms"
	"github.com/gonnect/gonnect/worker"
	"github.com/gonnect/gonnect/worker/connconfig"
	"github.com/gonnect/gonnect/worker/group"
	"github.com/gonnect/gonnect/worker/herder"
	"github.com/gonnect/gonnect/worker/statusstore"
	"github.com/gonnect/gonnect/worker/workerconfig"
)

type closingStore struct {
	offsets.Store
	close func()
}

type closingStatus struct {
	*herder.StatusWriter
	close func()
}

// internalStores creates (or checks) the offsets and status topics and starts their
// stores.
func internalStores(ctx context.Context, cl *kgo.Client, cfg *workerconfig.Config, workerID string, log *slog.Logger) (closingStore, closingStatus, error) {
	adm := kadm.NewClient(cl)
	otopic := cfg.OffsetStorage.Topic
	if err := kafkalog.EnsureTopic(ctx, adm, kafkalog.TopicSpec{
		Name: otopic, WorkerProperty: "offset.storage.topic", Purpose: "source connector offsets",
		Partitions: cfg.OffsetStorage.Partitions, ReplicationFactor: cfg.OffsetStorage.ReplicationFactor,
		Configs: cfg.OffsetStorage.Configs, Logger: log,
	}); err != nil {
		return closingStore{}, closingStatus{}, err
	}
	os, err := offsets.NewKafkaStore(cl, otopic, offsets.WithKafkaLogger(log))
	if err != nil {
		return closingStore{}, closingStatus{}, err
	}
	if err := os.Start(ctx); err != nil {
		return closingStore{}, closingStatus{}, fmt.Errorf("reading %s: %w", otopic, err)
	}
	ss, err := statusstore.NewKafka(cl, cfg.StatusStorage.Topic,
		statusstore.KafkaPartitions(cfg.StatusStorage.Partitions),
		statusstore.KafkaReplicationFactor(cfg.StatusStorage.ReplicationFactor),
		statusstore.KafkaTopicConfigs(cfg.StatusStorage.Configs), statusstore.KafkaLogger(log))
	if err != nil {
		os.Close()
		return closingStore{}, closingStatus{}, err
	}
	if err := ss.Start(ctx); err != nil {
		os.Close()
		return closingStore{}, closingStatus{}, err
	}
	sw := herder.NewStatusWriter(ss, workerID, log)
	return closingStore{os, os.Close}, closingStatus{sw, func() { sw.Close(); ss.Close() }}, nil
}

// groupMember adapts group.Member to herder.Membership.
type groupMember struct{ *group.Member }

func (g groupMember) Rejoin() { g.RequestRejoin() }

func newMember(cl *kgo.Client, cfg *workerconfig.Config, h *herder.Herder, proto group.Protocol, log *slog.Logger) (herder.Membership, error) {
	m, err := group.NewMember(cl, cfg.GroupID, h.GroupHandler(),
		group.WithProtocol(proto),
		group.WithSessionTimeout(cfg.SessionTimeout),
		group.WithHeartbeatInterval(cfg.HeartbeatInterval),
		group.WithRebalanceTimeout(cfg.RebalanceTimeout),
		group.WithLogger(log))
	if err != nil {
		return nil, err
	}
	return groupMember{m}, nil
}

func workerDeps(reg *connectors.Registry, store offsets.Store, st worker.StatusListener, cfg *workerconfig.Config, kopts []kgo.Opt, adm *kadm.Client, onReconf func(string), log *slog.Logger) worker.Deps {
	return worker.Deps{
		Registry: reg,
		Offsets:  store,
		Status:   st,
		Converter: func(ctx context.Context, class string, cfg map[string]string, isKey bool, retry time.Duration) (schemas.Converter, error) {
			return converters.New(ctx, class, cfg, isKey, converters.WithRetryTimeout(retry), converters.WithLogger(log))
		},
		HeaderConverter: converters.NewHeader,
		Transforms: func(cfg connectors.Config) (worker.Transformer, error) {
			if strings.TrimSpace(cfg["transforms"]) == "" {
				return nil, nil
			}
			return transforms.NewChain(cfg)
		},
		Resolve: func(c connectors.Config) (connectors.Config, error) {
			r, err := cfg.Resolve(c)
			return connectors.Config(r), err
		},
		KafkaOpts:     kopts,
		Admin:         adm,
		OnReconfigure: onReconf,
		Logger:        log,
	}
}

func validator(reg *connectors.Registry) herder.Validator {
	return func(ctx context.Context, cfg map[string]string) (entities.ConfigInfos, error) {
		return connconfig.Validate(ctx, reg, cfg)
	}
}
