package configstore

import "sync"

// UpdateKind says what an Update reports.
type UpdateKind int

// The kinds of Update. Names follow the Java worker's ConfigBackingStore.UpdateListener.
const (
	// ConnectorAdded: a config was read for a connector that had none.
	ConnectorAdded UpdateKind = iota + 1
	// ConnectorChanged: a new config was read for an existing connector.
	ConnectorChanged
	// ConnectorRemoved: an existing connector's config was deleted (tombstone).
	ConnectorRemoved
	// TargetStateChanged: an existing connector's target state changed (TargetState).
	TargetStateChanged
	// TaskConfigsCommitted: a commit record was read for an existing connector. Tasks
	// lists the applied task ids; Inconsistent is set (and Tasks empty) when the staged
	// set was incomplete.
	TaskConfigsCommitted
	// RestartRequested: a restart request was read (Restart).
	RestartRequested
	// SessionKeyChanged: a session key was read (SessionKey).
	SessionKeyChanged
	// LoggerLevelChanged: a cluster-wide log level was read (Namespace, Level).
	LoggerLevelChanged
)

var updateKindNames = [...]string{"", "connector-added", "connector-changed", "connector-removed",
	"target-state-changed", "task-configs-committed", "restart-requested", "session-key-changed", "logger-level-changed"}

// String names the kind for logs.
func (k UpdateKind) String() string {
	if k <= 0 || int(k) >= len(updateKindNames) {
		return "unknown"
	}
	return updateKindNames[k]
}

// Update reports one change read from the config topic. Updates arrive in log order.
type Update struct {
	Kind      UpdateKind
	Connector string // every kind except SessionKeyChanged and LoggerLevelChanged
	// Offset is the config offset once this record is applied (record offset + 1).
	Offset int64
	// BeforeStart is set for records read before the store finished start-up (its
	// first read to the end of the topic). Restart requests and logger levels read
	// then are history and must be ignored; other kinds are already in the snapshot
	// taken after start-up.
	BeforeStart bool

	TargetState  TargetState    // TargetStateChanged
	Tasks        []TaskID       // TaskConfigsCommitted
	Inconsistent bool           // TaskConfigsCommitted
	Restart      RestartRequest // RestartRequested
	SessionKey   SessionKey     // SessionKeyChanged
	Namespace    string         // LoggerLevelChanged
	Level        string         // LoggerLevelChanged
}

// updateQueue hands updates from the reader to the consumer of Updates() without ever
// blocking the reader: the herder that drains the channel also calls the store's
// blocking methods, so a bounded channel could deadlock it. Updates are never dropped.
type updateQueue struct {
	out    chan Update
	signal chan struct{}
	done   chan struct{}
	exited chan struct{}
	once   sync.Once

	mu      sync.Mutex // guards pending
	pending []Update
}

func newUpdateQueue() *updateQueue {
	q := &updateQueue{
		out:    make(chan Update),
		signal: make(chan struct{}, 1),
		done:   make(chan struct{}),
		exited: make(chan struct{}),
	}
	go q.run()
	return q
}

// push queues us; it never blocks on the consumer.
func (q *updateQueue) push(us []Update) {
	if len(us) == 0 {
		return
	}
	q.mu.Lock()
	q.pending = append(q.pending, us...)
	q.mu.Unlock()
	select {
	case q.signal <- struct{}{}:
	default:
	}
}

func (q *updateQueue) run() {
	defer close(q.exited)
	defer close(q.out)
	for {
		q.mu.Lock()
		batch := q.pending
		q.pending = nil
		q.mu.Unlock()
		for _, u := range batch {
			select {
			case q.out <- u:
			case <-q.done:
				return
			}
		}
		select {
		case <-q.signal:
		case <-q.done:
			return
		}
	}
}

// close stops the pump and closes the channel; pending updates are discarded.
func (q *updateQueue) close() {
	q.once.Do(func() { close(q.done) })
	<-q.exited
}
