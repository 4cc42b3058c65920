package distributed

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

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
)

// kafkaOpts returns the franz-go options for a client role ("admin", "producer",
// "consumer"): bootstrap.servers, client.id and the role's prefixed overrides.
func kafkaOpts(p Props, role string) ([]kgo.Opt, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	var seeds []string
	for _, s := range strings.Split(p.get("bootstrap.servers", "localhost:9092"), ",") {
		if s = strings.TrimSpace(s); s != "" {
			seeds = append(seeds, s)
		}
	}
	if len(seeds) == 0 {
		return nil, fmt.Errorf("Invalid value for configuration bootstrap.servers: empty list")
	}
	if sp := strings.ToUpper(p.get("security.protocol", "PLAINTEXT")); sp != "PLAINTEXT" {
		opts, err := securityOpts(p, role)
		if err != nil {
			return nil, err
		}
		return append([]kgo.Opt{kgo.SeedBrokers(seeds...)}, opts...), nil
	}
	opts := []kgo.Opt{kgo.SeedBrokers(seeds...)}
	if id := p.get("client.id", ""); id != "" {
		opts = append(opts, kgo.ClientID(id))
	}
	return opts, nil
}

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
func internalStores(ctx context.Context, cl *kgo.Client, p Props, workerID string, log *slog.Logger) (closingStore, closingStatus, error) {
	adm := kadm.NewClient(cl)
	otopic := p.get("offset.storage.topic", "")
	if err := kafkalog.EnsureTopic(ctx, adm, kafkalog.TopicSpec{
		Name: otopic, WorkerProperty: "offset.storage.topic", Purpose: "source connector offsets",
		Partitions: int32(p.int("offset.storage.partitions", 25)), ReplicationFactor: int16(p.int("offset.storage.replication.factor", 3)),
		Configs: p.prefixed("offset.storage."), Logger: log,
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
	ss, err := statusstore.NewKafka(cl, p.get("status.storage.topic", ""),
		statusstore.KafkaPartitions(int32(p.int("status.storage.partitions", 5))),
		statusstore.KafkaReplicationFactor(int16(p.int("status.storage.replication.factor", 3))),
		statusstore.KafkaTopicConfigs(p.prefixed("status.storage.")), statusstore.KafkaLogger(log))
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

func newMember(cl *kgo.Client, p Props, h *herder.Herder, proto group.Protocol, log *slog.Logger) (herder.Membership, error) {
	m, err := group.NewMember(cl, p.get("group.id", ""), h.GroupHandler(),
		group.WithProtocol(proto),
		group.WithSessionTimeout(p.ms("session.timeout.ms", 10000)),
		group.WithHeartbeatInterval(p.ms("heartbeat.interval.ms", 3000)),
		group.WithRebalanceTimeout(p.ms("rebalance.timeout.ms", 60000)),
		group.WithLogger(log))
	if err != nil {
		return nil, err
	}
	return groupMember{m}, nil
}

func workerDeps(reg *connectors.Registry, store offsets.Store, st worker.StatusListener, p Props, kopts []kgo.Opt, adm *kadm.Client, onReconf func(string), log *slog.Logger) worker.Deps {
	return worker.Deps{
		Registry: reg,
		Offsets:  store,
		Status:   st,
		Converter: func(ctx context.Context, class string, cfg map[string]string, isKey bool) (schemas.Converter, error) {
			return converters.New(ctx, class, cfg, isKey)
		},
		HeaderConverter: converters.NewHeader,
		Transforms: func(cfg connectors.Config) (worker.Transformer, error) {
			if strings.TrimSpace(cfg["transforms"]) == "" {
				return nil, nil
			}
			return transforms.NewChain(cfg)
		},
		Resolve:       resolveProviders(p),
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
