package connectortest

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"github.com/gonnect/gonnect/connectors"
)

// DynamicClass is the class name DynamicSequencePlugin registers under.
const DynamicClass = "io.gonnect.test.DynamicSequenceSourceConnector"

// DynamicSequencePlugin returns a SequenceSource whose task count the test changes at
// run time with SetDynamicTasks, the way a connector that discovers new tables or
// partitions calls ConnectorContext.RequestTaskReconfiguration. It takes
// SequencePlugin's keys; it starts with one task and never exceeds tasks.max.
func DynamicSequencePlugin() *connectors.Plugin {
	return &connectors.Plugin{
		Class: DynamicClass, Version: "test",
		NewConnector:  func() connectors.Connector { return &dynamicConnector{} },
		NewSourceTask: func() connectors.SourceTask { return &sequenceTask{} },
	}
}

// dynamic holds, per connector name, the wanted task count and the running
// instances to notify. Tests in one process share it.
var dynamic = struct {
	mu        sync.Mutex // guards the maps
	tasks     map[string]int
	instances map[string]map[*dynamicConnector]connectors.ConnectorContext
}{tasks: map[string]int{}, instances: map[string]map[*dynamicConnector]connectors.ConnectorContext{}}

// SetDynamicTasks sets how many tasks the dynamic connector called name wants and
// asks every running instance of it to request a task reconfiguration. It returns
// how many instances were asked. Safe for concurrent use; it does not block.
func SetDynamicTasks(name string, n int) int {
	dynamic.mu.Lock()
	dynamic.tasks[name] = n
	var ccs []connectors.ConnectorContext
	for _, cc := range dynamic.instances[name] {
		ccs = append(ccs, cc)
	}
	dynamic.mu.Unlock()
	for _, cc := range ccs {
		cc.RequestTaskReconfiguration()
	}
	return len(ccs)
}

type dynamicConnector struct {
	sequenceConnector
	name string
}

func (c *dynamicConnector) Start(ctx context.Context, cfg connectors.Config, cc connectors.ConnectorContext) error {
	if err := c.sequenceConnector.Start(ctx, cfg, cc); err != nil {
		return err
	}
	c.name = cfg["name"]
	if c.name == "" {
		return fmt.Errorf("dynamic sequence connector: config has no name")
	}
	dynamic.mu.Lock()
	if dynamic.instances[c.name] == nil {
		dynamic.instances[c.name] = map[*dynamicConnector]connectors.ConnectorContext{}
	}
	dynamic.instances[c.name][c] = cc
	dynamic.mu.Unlock()
	return nil
}

func (c *dynamicConnector) TaskConfigs(maxTasks int) ([]connectors.Config, error) {
	dynamic.mu.Lock()
	n, ok := dynamic.tasks[c.name]
	dynamic.mu.Unlock()
	if !ok {
		n = 1
	}
	out := make([]connectors.Config, min(n, maxTasks))
	for i := range out {
		t := c.cfg.Clone()
		t["task.id"] = strconv.Itoa(i)
		out[i] = t
	}
	return out, nil
}

func (c *dynamicConnector) Stop(context.Context) error {
	dynamic.mu.Lock()
	delete(dynamic.instances[c.name], c)
	dynamic.mu.Unlock()
	return nil
}
