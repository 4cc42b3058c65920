package worker

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/gonnect/gonnect/connectors"
)

// topicGroup is one topic.creation.<group> of a source connector (KIP-158).
type topicGroup struct {
	name              string
	include, exclude  []*regexp.Regexp
	partitions        int32
	replicationFactor int16
	configs           map[string]*string
}

// topicCreator creates the topics a source task produces to, on first use, with the
// settings of the first topic.creation group whose include list matches (the default
// group last). It is used only from the task goroutine.
type topicCreator struct {
	adm    *kadm.Client
	groups []topicGroup
	mu     sync.Mutex // guards known
	known  map[string]bool
}

// newTopicCreator reads the topic.creation.* keys; it returns nil when topic creation
// is off for this connector (worker topic.creation.enable=false, or no
// topic.creation.default.* settings).
func newTopicCreator(adm *kadm.Client, enabled bool, cfg connectors.Config) (*topicCreator, error) {
	if !enabled || adm == nil {
		return nil, nil
	}
	if _, ok := cfg["topic.creation.default.replication.factor"]; !ok {
		if _, ok := cfg["topic.creation.default.partitions"]; !ok {
			return nil, nil
		}
	}
	names := []string{}
	if g := strings.TrimSpace(cfg["topic.creation.groups"]); g != "" {
		for _, n := range strings.Split(g, ",") {
			if n = strings.TrimSpace(n); n != "" && n != "default" {
				names = append(names, n)
			}
		}
	}
	names = append(names, "default")
	tc := &topicCreator{adm: adm, known: map[string]bool{}}
	for _, n := range names {
		g, err := parseTopicGroup(n, cfg)
		if err != nil {
			return nil, err
		}
		tc.groups = append(tc.groups, g)
	}
	return tc, nil
}

func parseTopicGroup(name string, cfg connectors.Config) (topicGroup, error) {
	prefix := "topic.creation." + name + "."
	g := topicGroup{name: name, partitions: -1, replicationFactor: -1, configs: map[string]*string{}}
	for k, v := range cfg {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		key := strings.TrimPrefix(k, prefix)
		switch key {
		case "include", "exclude":
			for _, p := range strings.Split(v, ",") {
				if p = strings.TrimSpace(p); p == "" {
					continue
				}
				re, err := regexp.Compile("^(?:" + p + ")$")
				if err != nil {
					return g, fmt.Errorf("Invalid value %s for configuration %s: %v", v, k, err)
				}
				if key == "include" {
					g.include = append(g.include, re)
				} else {
					g.exclude = append(g.exclude, re)
				}
			}
		case "partitions":
			n, err := strconv.ParseInt(v, 10, 32)
			if err != nil || (n < 1 && n != -1) {
				return g, fmt.Errorf("Invalid value %s for configuration %s: Number of partitions must be positive, or -1", v, k)
			}
			g.partitions = int32(n)
		case "replication.factor":
			n, err := strconv.ParseInt(v, 10, 16)
			if err != nil || (n < 1 && n != -1) {
				return g, fmt.Errorf("Invalid value %s for configuration %s: Replication factor must be positive, or -1", v, k)
			}
			g.replicationFactor = int16(n)
		default:
			val := v
			g.configs[key] = &val
		}
	}
	if name == "default" {
		g.include = []*regexp.Regexp{regexp.MustCompile(".*")}
	}
	return g, nil
}

func (g *topicGroup) matches(topic string) bool {
	for _, re := range g.exclude {
		if re.MatchString(topic) {
			return false
		}
	}
	for _, re := range g.include {
		if re.MatchString(topic) {
			return true
		}
	}
	return false
}

// ensure creates topic if it does not exist yet.
func (tc *topicCreator) ensure(ctx context.Context, topic string) error {
	tc.mu.Lock()
	known := tc.known[topic]
	tc.mu.Unlock()
	if known {
		return nil
	}
	for i := range tc.groups {
		g := &tc.groups[i]
		if !g.matches(topic) {
			continue
		}
		resp, err := tc.adm.CreateTopic(ctx, g.partitions, g.replicationFactor, g.configs, topic)
		if err == nil {
			err = resp.Err
		}
		if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
			return err
		}
		break
	}
	tc.mu.Lock()
	tc.known[topic] = true
	tc.mu.Unlock()
	return nil
}
