package rest

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/rest/entities"
	"github.com/gonnect/gonnect/worker/connconfig"
)

// fakeHerder is a small in-memory Herder: one "cluster" whose configs, statuses and
// offsets live in maps, with real validation through worker/connconfig and a real
// plugin registry. Knobs make it a follower (leaderURL), mid-rebalance, slow, or
// signing internal requests.
type fakeHerder struct {
	reg *connectors.Registry

	// mu guards every field below.
	mu          sync.Mutex
	leaderURL   string // non-empty: this worker is a follower and leader-only writes return NotLeaderError
	rebalancing bool
	block       bool // calls wait for ctx to end
	stage       *entities.Stage
	health      entities.Health
	configs     map[string]map[string]string
	tasks       map[string][]map[string]string
	targets     map[string]entities.TargetState
	states      map[string]entities.ConnectorStateInfo
	offsets     map[string]entities.ConnectorOffsets
	topics      map[string][]string
	tracking    bool
	sessionKey  *entities.SessionKey
	signing     bool
	clusterLogs map[string]string
	fenced      []string
	restarts    []string
}

func newFakeHerder(reg *connectors.Registry) *fakeHerder {
	return &fakeHerder{
		reg:         reg,
		health:      entities.Health{Status: entities.HealthHealthy, Message: "Worker has completed startup and is ready to handle requests."},
		configs:     map[string]map[string]string{},
		tasks:       map[string][]map[string]string{},
		targets:     map[string]entities.TargetState{},
		states:      map[string]entities.ConnectorStateInfo{},
		offsets:     map[string]entities.ConnectorOffsets{},
		topics:      map[string][]string{},
		tracking:    true,
		clusterLogs: map[string]string{},
	}
}

func (f *fakeHerder) wait(ctx context.Context) error {
	f.mu.Lock()
	block := f.block
	f.mu.Unlock()
	if block {
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
}

// Stage implements StageReporter.
func (f *fakeHerder) Stage() *entities.Stage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stage
}

func (f *fakeHerder) leaderOnly() error {
	if f.rebalancing {
		return entities.ErrRebalanceNeeded
	}
	if f.leaderURL != "" {
		return &entities.NotLeaderError{LeaderURL: f.leaderURL}
	}
	return nil
}

func (f *fakeHerder) ServerInfo(ctx context.Context) (entities.ServerInfo, error) {
	if err := f.wait(ctx); err != nil {
		return entities.ServerInfo{}, err
	}
	return entities.ServerInfo{Version: "3.9.0", Commit: "gonnect-test", KafkaClusterID: "kfake-cluster-1"}, nil
}

func (f *fakeHerder) Health(ctx context.Context) entities.Health {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.health
}

func (f *fakeHerder) Connectors(ctx context.Context) ([]string, error) {
	if err := f.wait(ctx); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, 0, len(f.configs))
	for n := range f.configs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out, nil
}

func (f *fakeHerder) typeOf(cfg map[string]string) entities.ConnectorType {
	p, err := f.reg.Connector(cfg["connector.class"])
	if err != nil {
		return entities.TypeUnknown
	}
	return entities.ConnectorType(p.Type())
}

func (f *fakeHerder) infoLocked(name string) entities.ConnectorInfo {
	info := entities.ConnectorInfo{Name: name, Config: f.configs[name], Type: f.typeOf(f.configs[name])}
	for i := range f.tasks[name] {
		info.Tasks = append(info.Tasks, entities.TaskID{Connector: name, Task: i})
	}
	return info
}

func (f *fakeHerder) ConnectorInfo(ctx context.Context, name string) (entities.ConnectorInfo, error) {
	if err := f.wait(ctx); err != nil {
		return entities.ConnectorInfo{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.rebalancing {
		return entities.ConnectorInfo{}, entities.ErrRebalanceNeeded
	}
	if _, ok := f.configs[name]; !ok {
		return entities.ConnectorInfo{}, entities.ConnectorNotFound(name)
	}
	return f.infoLocked(name), nil
}

func (f *fakeHerder) ConnectorConfig(ctx context.Context, name string) (map[string]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	cfg, ok := f.configs[name]
	if !ok {
		return nil, entities.ConnectorNotFound(name)
	}
	out := map[string]string{}
	for k, v := range cfg {
		out[k] = v
	}
	return out, nil
}

func (f *fakeHerder) ConnectorStatus(ctx context.Context, name string) (entities.ConnectorStateInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	st, ok := f.states[name]
	if !ok {
		return entities.ConnectorStateInfo{}, entities.NotFoundf("No status found for connector %s", name)
	}
	return st, nil
}

func (f *fakeHerder) TaskStatus(ctx context.Context, name string, task int) (entities.TaskState, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range f.states[name].Tasks {
		if t.ID == task {
			return t, nil
		}
	}
	return entities.TaskState{}, entities.NotFoundf("No status found for task %s-%d", name, task)
}

func (f *fakeHerder) TaskConfigs(ctx context.Context, name string) ([]entities.TaskInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.configs[name]; !ok {
		return nil, entities.ConnectorNotFound(name)
	}
	var out []entities.TaskInfo
	for i, c := range f.tasks[name] {
		out = append(out, entities.TaskInfo{ID: entities.TaskID{Connector: name, Task: i}, Config: c})
	}
	return out, nil
}

func (f *fakeHerder) ConnectorTopics(ctx context.Context, name string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.tracking {
		return nil, &entities.NotAllowedError{Msg: "Topic tracking is disabled."}
	}
	return f.topics[name], nil
}

func (f *fakeHerder) ResetConnectorTopics(ctx context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.tracking {
		return &entities.NotAllowedError{Msg: "Topic tracking is disabled."}
	}
	delete(f.topics, name)
	return nil
}

func (f *fakeHerder) PutConnectorConfig(ctx context.Context, name string, cfg map[string]string, allowReplace bool, initial *entities.TargetState) (entities.ConnectorInfo, bool, error) {
	if err := f.wait(ctx); err != nil {
		return entities.ConnectorInfo{}, false, err
	}
	infos, err := connconfig.Validate(ctx, f.reg, cfg)
	if err != nil {
		return entities.ConnectorInfo{}, false, err
	}
	if err := connconfig.InvalidError(infos); err != nil {
		return entities.ConnectorInfo{}, false, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.leaderOnly(); err != nil {
		return entities.ConnectorInfo{}, false, err
	}
	_, exists := f.configs[name]
	if exists && !allowReplace {
		return entities.ConnectorInfo{}, false, entities.ConnectorExists(name)
	}
	f.configs[name] = cfg
	if !exists {
		t := entities.TargetStarted
		if initial != nil {
			t = *initial
		}
		f.targets[name] = t
	}
	return f.infoLocked(name), !exists, nil
}

func (f *fakeHerder) PatchConnectorConfig(ctx context.Context, name string, patch map[string]*string) (entities.ConnectorInfo, error) {
	f.mu.Lock()
	if err := f.leaderOnly(); err != nil {
		f.mu.Unlock()
		return entities.ConnectorInfo{}, err
	}
	old, ok := f.configs[name]
	if !ok {
		f.mu.Unlock()
		return entities.ConnectorInfo{}, entities.ConnectorNotFound(name)
	}
	merged := map[string]string{}
	for k, v := range old {
		merged[k] = v
	}
	f.mu.Unlock()
	for k, v := range patch {
		if v == nil {
			delete(merged, k)
		} else {
			merged[k] = *v
		}
	}
	info, _, err := f.PutConnectorConfig(ctx, name, merged, true, nil)
	return info, err
}

func (f *fakeHerder) DeleteConnector(ctx context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.leaderOnly(); err != nil {
		return err
	}
	if _, ok := f.configs[name]; !ok {
		return entities.ConnectorNotFound(name)
	}
	delete(f.configs, name)
	delete(f.tasks, name)
	delete(f.states, name)
	return nil
}

func (f *fakeHerder) RestartConnector(ctx context.Context, name string, includeTasks, onlyFailed bool) (*entities.ConnectorStateInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.leaderOnly(); err != nil {
		return nil, err
	}
	st, ok := f.states[name]
	if !ok {
		return nil, entities.NotFoundf("Unknown connector: %s", name)
	}
	f.restarts = append(f.restarts, fmt.Sprintf("%s includeTasks=%v onlyFailed=%v", name, includeTasks, onlyFailed))
	if !includeTasks && !onlyFailed {
		return nil, nil
	}
	plan := st
	plan.Tasks = append([]entities.TaskState(nil), st.Tasks...)
	if !onlyFailed || plan.Connector.State == entities.StateFailed {
		plan.Connector.State = entities.StateRestarting
		plan.Connector.Trace = ""
	}
	for i, t := range plan.Tasks {
		if includeTasks && (!onlyFailed || t.State == entities.StateFailed) {
			plan.Tasks[i].State = entities.StateRestarting
			plan.Tasks[i].Trace = ""
		}
	}
	return &plan, nil
}

func (f *fakeHerder) RestartTask(ctx context.Context, name string, task int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.leaderOnly(); err != nil {
		return err
	}
	if _, ok := f.configs[name]; !ok {
		return entities.NotFoundf("Unknown connector: %s", name)
	}
	if task < 0 || task >= len(f.tasks[name]) {
		return entities.NotFoundf("Unknown task: %s-%d", name, task)
	}
	f.restarts = append(f.restarts, fmt.Sprintf("%s-%d", name, task))
	return nil
}

func (f *fakeHerder) setTarget(name string, t entities.TargetState) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.configs[name]; !ok {
		return entities.NotFoundf("Unknown connector %s", name)
	}
	f.targets[name] = t
	return nil
}

func (f *fakeHerder) PauseConnector(ctx context.Context, name string) error {
	return f.setTarget(name, entities.TargetPaused)
}

func (f *fakeHerder) ResumeConnector(ctx context.Context, name string) error {
	return f.setTarget(name, entities.TargetStarted)
}

func (f *fakeHerder) StopConnector(ctx context.Context, name string) error {
	f.mu.Lock()
	if err := f.leaderOnly(); err != nil {
		f.mu.Unlock()
		return err
	}
	f.tasks[name] = nil
	f.mu.Unlock()
	return f.setTarget(name, entities.TargetStopped)
}

func (f *fakeHerder) Offsets(ctx context.Context, name string) (entities.ConnectorOffsets, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.configs[name]; !ok {
		return entities.ConnectorOffsets{}, entities.ConnectorNotFound(name)
	}
	return f.offsets[name], nil
}

func (f *fakeHerder) stoppedLocked(name string) error {
	if _, ok := f.configs[name]; !ok {
		return entities.ConnectorNotFound(name)
	}
	if f.targets[name] != entities.TargetStopped || len(f.tasks[name]) > 0 {
		return entities.BadRequestf(entities.OffsetsNotStopped, name)
	}
	return nil
}

func (f *fakeHerder) AlterOffsets(ctx context.Context, name string, o entities.ConnectorOffsets) (entities.Message, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.leaderOnly(); err != nil {
		return entities.Message{}, err
	}
	if err := f.stoppedLocked(name); err != nil {
		return entities.Message{}, err
	}
	cur := f.offsets[name]
	for _, n := range o.Offsets {
		kept := cur.Offsets[:0:0]
		for _, c := range cur.Offsets {
			if fmt.Sprint(c.Partition) != fmt.Sprint(n.Partition) {
				kept = append(kept, c)
			}
		}
		if n.Offset != nil {
			kept = append(kept, n)
		}
		cur.Offsets = kept
	}
	f.offsets[name] = cur
	return entities.Message{Message: entities.OffsetsAltered}, nil
}

func (f *fakeHerder) ResetOffsets(ctx context.Context, name string) (entities.Message, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.leaderOnly(); err != nil {
		return entities.Message{}, err
	}
	if err := f.stoppedLocked(name); err != nil {
		return entities.Message{}, err
	}
	delete(f.offsets, name)
	return entities.Message{Message: entities.OffsetsReset}, nil
}

func (f *fakeHerder) PutTaskConfigs(ctx context.Context, name string, cfgs []map[string]string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.leaderOnly(); err != nil {
		return err
	}
	if _, ok := f.configs[name]; !ok {
		return entities.NotFoundf("Connector %s not found", name)
	}
	f.tasks[name] = cfgs
	return nil
}

func (f *fakeHerder) FenceZombies(ctx context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.leaderOnly(); err != nil {
		return err
	}
	if _, ok := f.configs[name]; !ok {
		return entities.ConnectorNotFound(name)
	}
	f.fenced = append(f.fenced, name)
	return nil
}

func (f *fakeHerder) SessionKey() (*entities.SessionKey, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sessionKey, f.signing
}

func (f *fakeHerder) Plugins(ctx context.Context, connectorsOnly bool) ([]entities.PluginInfo, error) {
	return connconfig.Plugins(f.reg, connectorsOnly), nil
}

func (f *fakeHerder) PluginConfig(ctx context.Context, plugin string) ([]entities.ConfigKeyInfo, error) {
	return connconfig.PluginConfig(f.reg, plugin)
}

func (f *fakeHerder) ValidateConfig(ctx context.Context, cfg map[string]string) (entities.ConfigInfos, error) {
	if err := f.wait(ctx); err != nil {
		return entities.ConfigInfos{}, err
	}
	return connconfig.Validate(ctx, f.reg, cfg)
}

func (f *fakeHerder) SetClusterLoggerLevel(ctx context.Context, namespace, level string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.clusterLogs[namespace] = strings.ToUpper(level)
	return nil
}

// Test plugins: a source connector with a password key, a sink, a transformation
// and a converter, registered the way cmd/gonnect registers real ones.

type testSource struct{ connectors.Source }

func (testSource) ConfigDef() *connectors.ConfigDef {
	return connectors.NewConfigDef().
		Define(connectors.ConfigKey{Name: "database.hostname", Type: connectors.TypeString, Required: true, Importance: connectors.High,
			Documentation: "Database host.", Group: "Connection", OrderInGroup: 1, Width: connectors.WidthMedium, DisplayName: "Hostname"}).
		Define(connectors.ConfigKey{Name: "database.password", Type: connectors.TypePassword, Required: true, Importance: connectors.High,
			Documentation: "Database password.", Group: "Connection", OrderInGroup: 2, Width: connectors.WidthMedium, DisplayName: "Password"})
}
func (testSource) Start(context.Context, connectors.Config, connectors.ConnectorContext) error {
	return nil
}
func (testSource) TaskConfigs(int) ([]connectors.Config, error) { return nil, nil }
func (testSource) Stop(context.Context) error                   { return nil }

type testSink struct{ connectors.Sink }

func (testSink) ConfigDef() *connectors.ConfigDef { return connectors.NewConfigDef() }
func (testSink) Start(context.Context, connectors.Config, connectors.ConnectorContext) error {
	return nil
}
func (testSink) TaskConfigs(int) ([]connectors.Config, error) { return nil, nil }
func (testSink) Stop(context.Context) error                   { return nil }

func testRegistry() *connectors.Registry {
	reg := connectors.NewRegistry()
	reg.Add(&connectors.Plugin{Class: "io.gonnect.test.TestSourceConnector", Version: "1.0.0",
		NewConnector: func() connectors.Connector { return testSource{} }, NewSourceTask: func() connectors.SourceTask { return nil }})
	reg.Add(&connectors.Plugin{Class: "io.gonnect.test.TestSinkConnector", Version: "undefined",
		NewConnector: func() connectors.Connector { return testSink{} }, NewSinkTask: func() connectors.SinkTask { return nil }})
	reg.AddOther(&connectors.OtherPlugin{Class: "org.apache.kafka.connect.transforms.RegexRouter", Type: connectors.PluginTransformation, Version: "3.9.0",
		ConfigDef: func() *connectors.ConfigDef {
			return connectors.NewConfigDef().
				Define(connectors.ConfigKey{Name: "regex", Type: connectors.TypeString, Required: true, Importance: connectors.High, Documentation: "Regular expression to match topic names."}).
				Define(connectors.ConfigKey{Name: "replacement", Type: connectors.TypeString, Required: true, Importance: connectors.High, Documentation: "Replacement string."})
		}})
	reg.AddOther(&connectors.OtherPlugin{Class: "org.apache.kafka.connect.json.JsonConverter", Type: connectors.PluginConverter, Version: "3.9.0",
		ConfigDef: func() *connectors.ConfigDef { return connectors.NewConfigDef() }})
	return reg
}

// seed puts a running source connector "src" with two tasks (task 1 FAILED) in f.
func seed(f *fakeHerder) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.configs["src"] = map[string]string{"name": "src", "connector.class": "io.gonnect.test.TestSourceConnector", "tasks.max": "2",
		"database.hostname": "db1", "database.password": "secret"}
	f.tasks["src"] = []map[string]string{{"task.class": "T", "id": "0"}, {"task.class": "T", "id": "1"}}
	f.targets["src"] = entities.TargetStarted
	f.states["src"] = entities.ConnectorStateInfo{Name: "src", Type: entities.TypeSource,
		Connector: entities.ConnectorState{State: entities.StateRunning, WorkerID: "10.0.0.5:8083"},
		Tasks: []entities.TaskState{
			{ID: 0, State: entities.StateRunning, WorkerID: "10.0.0.5:8083"},
			{ID: 1, State: entities.StateFailed, WorkerID: "10.0.0.6:8083", Trace: "org.apache.kafka.connect.errors.ConnectException: boom\n\tat T.poll"},
		}}
	f.topics["src"] = []string{"db1.inventory.orders", "db1.inventory.customers"}
	f.offsets["src"] = entities.ConnectorOffsets{Offsets: []entities.ConnectorOffset{
		{Partition: map[string]any{"server": "db1"}, Offset: map[string]any{"file": "mysql-bin.000003", "pos": int64(4711)}}}}
}
