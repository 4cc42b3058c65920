// Package topiclog opens and closes the kafkalog.Log under an internal-topic store
// (the config and status stores): the topic is ensured first (created compacted, or
// checked), and only then is the log's client made and started, since a consumer made
// before the topic exists starts from a metadata view without it.
package topiclog

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/offsets/kafkalog"
)

// ErrUnusable is returned by Start when it was already called or Close was.
var ErrUnusable = errors.New("store already started or closed")

// Lifecycle is one store's log, from Start to Close. Safe for concurrent use.
type Lifecycle struct {
	cl   *kgo.Client
	adm  *kadm.Client
	spec kafkalog.TopicSpec
	opts []kafkalog.Opt

	mu     sync.Mutex // guards log, closed
	log    *kafkalog.Log
	closed bool
}

// New prepares a lifecycle; cl supplies connection options and serves the admin
// requests (it is not closed). Nothing happens until Start.
func New(cl *kgo.Client, spec kafkalog.TopicSpec, opts ...kafkalog.Opt) (*Lifecycle, error) {
	if cl == nil {
		return nil, errors.New("nil Kafka client")
	}
	if spec.Name == "" {
		return nil, fmt.Errorf("%s: empty topic name", spec.WorkerProperty)
	}
	return &Lifecycle{cl: cl, adm: kadm.NewClient(cl), spec: spec, opts: opts}, nil
}

// Start ensures the topic (kafkalog.EnsureTopic), then creates the log and starts it,
// which reads the topic to its end. It blocks until then or until ctx ends.
func (l *Lifecycle) Start(ctx context.Context) (*kafkalog.Log, error) {
	l.mu.Lock()
	unusable := l.closed || l.log != nil
	l.mu.Unlock()
	if unusable {
		return nil, ErrUnusable
	}
	if err := kafkalog.EnsureTopic(ctx, l.adm, l.spec); err != nil {
		return nil, err
	}
	log, err := kafkalog.New(l.cl, l.spec.Name, l.opts...)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	if l.closed || l.log != nil {
		l.mu.Unlock()
		log.Close()
		return nil, ErrUnusable
	}
	l.log = log
	l.mu.Unlock()
	if err := log.Start(ctx); err != nil {
		return nil, err
	}
	return log, nil
}

// Close closes the log if Start made one. Idempotent; it reports whether this call
// was the one that closed.
func (l *Lifecycle) Close() bool {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return false
	}
	l.closed = true
	log := l.log
	l.mu.Unlock()
	if log != nil {
		log.Close()
	}
	return true
}
